import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { configSecrets, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createAuthenticator } from '../../src/server/principal.js';
import { UNLIMITED } from '../../src/server/rate-limit.js';
import { createGatewayYoga } from '../../src/server/yoga.js';
import type { Services } from '../../src/services/index.js';

/**
 * Error masking, in process (yoga.fetch, no port): whatever a resolver, the context factory or a subscription source
 * throws reaches the client as "Unexpected error" with a request id, and the log gets the detail with secrets masked.
 */
const PLANTED = 'planted-api-key-0001';
const JWT_SECRET = 'planted-jwt-secret-planted-jwt-secret';

function harness(services: () => Partial<Services>, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const config: Config = loadConfig({ GATEWAY_API_KEYS: `${PLANTED}:*`, GATEWAY_JWT_SECRET: JWT_SECRET, ...env });
  const logger = createLogger({ level: 'debug', destination, secrets: configSecrets(config) });
  const yoga = createGatewayYoga({
    config,
    services: services as () => Services,
    metrics: createMetrics(),
    logger,
    authenticate: createAuthenticator(config),
    rateLimiter: () => UNLIMITED,
  });
  const post = async (query: string, headers: Record<string, string> = {}) => {
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PLANTED}`, ...headers },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, text: await response.text() };
  };
  return { post, logs: () => lines.join(''), yoga };
}

describe('error masking', () => {
  it('turns an unexpected resolver error into "Unexpected error" with the request id, detail only in the log', async () => {
    const { post, logs } = harness(() => ({
      providers: () => {
        throw new Error(`upstream said: Authorization: Bearer ${PLANTED}; jwt ${JWT_SECRET}`);
      },
    }));
    const reply = await post('{ providers { provider } }', { 'x-request-id': 'req-masking-1' });
    const body = JSON.parse(reply.text);
    expect(body.errors[0]).toMatchObject({ message: 'Unexpected error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-masking-1' } });
    expect(reply.text).not.toContain(PLANTED);
    expect(reply.text).not.toMatch(/stack|at Object|\.ts:/);
    expect(logs()).toContain('req-masking-1');
    expect(logs()).toContain('upstream said');
    expect(logs()).not.toContain(PLANTED);
    expect(logs()).not.toContain(JWT_SECRET);
  });

  it('masks an error thrown while building the request context (HTTP 500, request id, no stack)', async () => {
    const { post, logs } = harness(() => {
      throw new Error(`store offline, password=${JWT_SECRET}`);
    });
    const reply = await post('{ providers { provider } }', { 'x-request-id': 'req-context-1' });
    expect(reply.status).toBe(500);
    const body = JSON.parse(reply.text);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ message: 'Unexpected error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-context-1' } });
    expect(reply.text).not.toContain('store offline');
    expect(logs()).toContain('store offline');
    expect(logs()).not.toContain(JWT_SECRET);
  });

  it('masks an error a subscription source throws mid-stream', async () => {
    const { yoga, logs } = harness(() => ({
      events: {
        subscribe: () =>
          (async function* () {
            throw new Error(`event log broke, key ${PLANTED}`);
          })(),
      } as unknown as Services['events'],
    }));
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${PLANTED}` },
      body: JSON.stringify({ query: 'subscription { verificationEvents { id } }' }),
    });
    const text = await response.text();
    expect(text).toContain('Unexpected error');
    expect(text).toMatch(/"requestId":"[\w-]+"/);
    expect(text).not.toContain('event log broke');
    expect(text).not.toContain(PLANTED);
    expect(logs()).toContain('event log broke');
    expect(logs()).not.toContain(PLANTED);
  });

  it('never echoes a presented key or token in a 401', async () => {
    const { post, logs } = harness(() => ({}));
    const reply = await post('{ providers { provider } }', { authorization: `Bearer ${PLANTED}-almost` });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(reply.text).not.toContain(PLANTED);
    expect(logs()).not.toContain(PLANTED);
  });
});
