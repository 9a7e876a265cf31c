import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;

/** A request with the path sent exactly as written (fetch would normalise `..` away before sending). */
function rawGet(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: hostname, port, path, method }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

describe('the dashboard route', () => {
  it('serves the page at / as HTML with a same-origin content security policy', async () => {
    const response = await rawGet('/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body).toContain('<script type="module" src="/dashboard/app.js">');
  });

  it('serves its script, the generated operations and its style sheet with their content types', async () => {
    const script = await rawGet('/dashboard/app.js');
    expect([script.status, script.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(script.body).toContain("from './generated-operations.js'");
    const operations = await rawGet('/dashboard/generated-operations.js');
    expect([operations.status, operations.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(operations.body).toContain('export const OpenVerificationRequestsDocument');
    const style = await rawGet('/dashboard/style.css');
    expect([style.status, style.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
  });

  it('answers HEAD without a body', async () => {
    const response = await rawGet('/dashboard/app.js', 'HEAD');
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
  });

  it.each([
    '/dashboard/../package.json',
    '/dashboard/..%2fpackage.json',
    '/dashboard/%2e%2e/package.json',
    '/dashboard/%2e%2e%2fserver%2fdashboard-route.ts',
    '/dashboard/..\\package.json',
    '/dashboard//etc/passwd',
    '/dashboard/tsconfig.json',
    '/dashboard/.hidden.js',
    '/dashboard/missing.js',
  ])('answers 404 for %s and never serves a file outside the dashboard folder', async (path) => {
    const response = await rawGet(path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('"name"');
  });

  it('sends /dashboard/ to the page', async () => {
    const response = await rawGet('/dashboard/');
    expect(response.status).toBe(308);
    expect(response.headers.location).toBe('/');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await rawGet('/', 'POST');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  it('leaves /graphql to GraphQL', async () => {
    const reply = await gateway.graphql<{ providers: { provider: string }[] }>('{ providers { provider } }');
    expect(reply.data?.providers.map((status) => status.provider)).toContain('REALTIME_REGISTER');
  });
});
