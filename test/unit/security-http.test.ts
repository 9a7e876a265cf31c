import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createAuthenticator } from '../../src/server/principal.js';
import { UNLIMITED } from '../../src/server/rate-limit.js';
import { createGatewayYoga } from '../../src/server/yoga.js';
import type { Services } from '../../src/services/index.js';

/** CORS, CSRF prevention and batching, in process (yoga.fetch): what a browser on another origin can and cannot do. */
function yogaFor(env: Record<string, string>) {
  const config = loadConfig(env);
  const services = { providers: () => [] } as unknown as Services;
  return createGatewayYoga({ config, services: () => services, metrics: createMetrics(), logger: silentLogger(), authenticate: createAuthenticator(config), rateLimiter: () => UNLIMITED });
}

const LIVE = { OPENPROVIDER_USERNAME: 'u', OPENPROVIDER_PASSWORD: 'p', GATEWAY_API_KEYS: 'browser-key-0001:*' };
const preflight = (origin: string) => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
});

describe('CORS', () => {
  it('allows any origin in the sandbox by default, without credentials', async () => {
    const response = await yogaFor({}).fetch('http://gw/graphql', preflight('https://anywhere.example'));
    expect(response.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('sends no CORS headers at all in live mode by default (same-origin only)', async () => {
    const yoga = yogaFor(LIVE);
    const response = await yoga.fetch('http://gw/graphql', preflight('https://evil.example'));
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const post = await yoga.fetch('http://gw/graphql', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json', authorization: 'Bearer browser-key-0001' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured CORS_ORIGINS', async () => {
    const yoga = yogaFor({ ...LIVE, CORS_ORIGINS: 'https://app.example,https://admin.example' });
    expect((await yoga.fetch('http://gw/graphql', preflight('https://admin.example'))).headers.get('access-control-allow-origin')).toBe('https://admin.example');
    const other = (await yoga.fetch('http://gw/graphql', preflight('https://evil.example'))).headers.get('access-control-allow-origin');
    expect(other === null || other === 'null').toBe(true);
  });
});

describe('CSRF prevention', () => {
  const open = yogaFor({});

  it('refuses a header-less GET (a link or an <img>) with a 403 that says what to send', async () => {
    const response = await open.fetch('http://gw/graphql?query=%7B__typename%7D');
    expect(response.status).toBe(403);
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions.code).toBe('CSRF_HEADER_MISSING');
    expect(body.errors[0].message).toMatch(/x-graphql-yoga-csrf/);
  });

  it('accepts a GET with the CSRF header or a key', async () => {
    expect((await open.fetch('http://gw/graphql?query=%7B__typename%7D', { headers: { 'x-graphql-yoga-csrf': '1' } })).status).toBe(200);
    const keyed = yogaFor(LIVE);
    expect((await keyed.fetch('http://gw/graphql?query=%7B__typename%7D', { headers: { authorization: 'Bearer browser-key-0001' } })).status).toBe(200);
  });

  it('refuses a form POST without the header, so a cross-site form cannot run a mutation', async () => {
    const response = await open.fetch('http://gw/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${encodeURIComponent('mutation { resendEmailVerification(input: { provider: OPENPROVIDER, email: "a@b.c" }) { __typename } }')}`,
    });
    expect(response.status).toBe(403);
  });

  it('lets JSON POSTs (GraphiQL, graphql-sse, every client) and EventSource GET subscriptions through', async () => {
    const json = await open.fetch('http://gw/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(json.status).toBe(200);
    const eventSource = await open.fetch('http://gw/graphql?query=%7B__typename%7D', { headers: { accept: 'text/event-stream' } });
    expect(eventSource.status).toBe(200);
    expect(eventSource.headers.get('content-type')).toContain('text/event-stream');
    expect(await eventSource.text()).toContain('"__typename":"Query"');
  });

  it('serves GraphiQL to a browser without a key or header', async () => {
    const response = await yogaFor(LIVE).fetch('http://gw/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Verification gateway');
  });
});

describe('batching', () => {
  const batch = (n: number) => JSON.stringify(Array.from({ length: n }, () => ({ query: '{ __typename }' })));
  const post = (yoga: ReturnType<typeof yogaFor>, body: string) =>
    yoga.fetch('http://gw/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('is refused by default', async () => {
    const response = await post(yogaFor({}), batch(2));
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].message).toMatch(/Batching is off on this gateway: .*GRAPHQL_BATCHING=true/);
  });

  it('allows up to 10 operations with GRAPHQL_BATCHING=true', async () => {
    const yoga = yogaFor({ GRAPHQL_BATCHING: 'true' });
    const ok = await post(yoga, batch(10));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveLength(10);
    expect((await post(yoga, batch(11))).status).toBe(413);
  });
});
