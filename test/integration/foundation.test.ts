import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway.stop();
});

describe('a sandbox gateway', () => {
  it('reports every provider in SANDBOX mode with a closed circuit and a loopback URL', async () => {
    const reply = await gateway.graphql<{ providers: { provider: string; mode: string; circuit: string; baseUrl: string }[] }>(
      '{ providers { provider mode circuit baseUrl } }',
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.providers.map((status) => status.provider)).toEqual(['REALTIME_REGISTER', 'DOMAIN_NAME_API', 'OPENPROVIDER', 'VERIFF']);
    for (const status of reply.data!.providers) {
      expect(status.mode).toBe('SANDBOX');
      expect(status.circuit).toBe('CLOSED');
      expect(status.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
  });

  it('serves the matrix reduced to the allowed entries', async () => {
    const reply = await gateway.graphql<{ verificationMatrix: unknown[] }>('{ verificationMatrix { method proof claims exclusiveClaims } }');
    expect(reply.data!.verificationMatrix).toHaveLength(25);
  });

  it('answers checkVerification with one FieldError per problem, never an error', async () => {
    const reply = await gateway.graphql<{ checkVerification: { valid: boolean; problems: { path: string[]; code: string }[] } }>(
      `query Check($v: [ContactVerificationInput!]!) { checkVerification(verifications: $v, requiredClaims: [NAME]) { valid problems { path code } } }`,
      { v: [{ verifiedAt: 'not a date', externalId: 'x', method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL', 'VOICE'] }] },
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.checkVerification.valid).toBe(false);
    expect(reply.data!.checkVerification.problems.map((problem) => problem.code)).toEqual(['INVALID_FORMAT', 'EXCLUSIVE_CLAIM', 'CLAIMS_NOT_COVERED']);
  });

  it('rejects malformed GraphQL with a 400 and a clear message', async () => {
    const reply = await gateway.graphql('{ providers { provider ');
    expect(reply.status).toBe(400);
    expect(reply.errors![0]!.message).toMatch(/Syntax Error/);
  });

  it('rejects bad variables with a 400 naming the variable', async () => {
    const reply = await gateway.graphql('query M($c: [VerificationClaim!]) { verificationMatrix(claims: $c) { proof } }', { c: ['SHOE_SIZE'] });
    expect(reply.errors![0]!.message, JSON.stringify(reply)).toContain('$c');
    expect(reply.status).toBe(400);
  });

  it('serves GraphiQL to browsers without any external script', async () => {
    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('<title>Verification gateway</title>');
    expect(html).not.toMatch(/<script[^>]+src="https?:\/\//);
  });

  it('answers /healthz, /readyz and /metrics', async () => {
    expect(await (await fetch(`${gateway.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${gateway.url}/readyz`)).json()).toMatchObject({ status: 'ready', redis: 'disabled' });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('# TYPE gateway_upstream_requests_total counter');
    expect(metrics).toMatch(/gateway_graphql_requests_total\{operation="Check",outcome="ok"\} 1/);
  });
});
