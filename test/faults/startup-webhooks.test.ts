import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/observability/logger.js';
import { freePort } from '../helpers/redis-server.js';
import { eventually } from './support.js';

/**
 * Providers push as soon as the port is open, before the gateway is ready. Held at start-up (its Redis does not
 * answer, so start() waits for it), the gateway answers webhooks and GraphQL 503 with Retry-After, so the provider
 * delivers again; it logs that at info, without a stack, and is ready afterwards.
 */

let gateway: Gateway | null = null;

/** The HTTP answer to a graphql-ws upgrade request on /graphql: 101 when taken, else the status and Retry-After. */
function upgradeStatus(url: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), 'sec-websocket-protocol': 'graphql-transport-ws' },
    });
    req.once('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] });
    });
    req.once('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] });
    });
    req.once('error', reject);
    req.end();
  });
}
afterAll(async () => {
  await gateway?.stop();
});

describe('a gateway that is still starting', () => {
  it('answers webhooks 503 with Retry-After, logged at info without a stack', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
    // Nothing listens there: start() waits for Redis (up to 5 s) with the port already open.
    const config = { ...loadConfig({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }), port: 0 };
    gateway = createGateway(config, { logger, drainIdleMs: 0 });
    const starting = gateway.start();
    const url = await eventually(() => gateway!.url, 10_000, 'listening');

    const answers = await Promise.all(
      ['/webhooks/realtime-register', '/webhooks/veriff', '/graphql'].map(async (path) => {
        const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 1, query: '{ providers { provider } }' }) });
        return { path, status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
      }),
    );
    expect(answers).toEqual(
      ['/webhooks/realtime-register', '/webhooks/veriff', '/graphql'].map((path) => ({ path, status: 503, retryAfter: expect.stringMatching(/^\d+$/), body: { error: expect.stringMatching(/starting/) } })),
    );
    // A graphql-ws client connecting now is refused the same way, before the handshake, so it retries.
    const upgrade = await upgradeStatus(url);
    expect(upgrade).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
    // The path is the caller's text: an ID number in it, whole or in groups (percent-encoded), is not logged.
    const numbers = ['49912319999', '499 1231 9999', '499.123.199.99'];
    for (const number of numbers) {
      expect((await fetch(`${url}/webhooks/${encodeURIComponent(number)}`, { method: 'POST', body: '{}' })).status).toBe(503);
      expect((await upgradeStatus(`${url}/${encodeURIComponent(number)}`)).status).toBe(503);
    }
    await starting;
    expect(await upgradeStatus(url)).toEqual({ status: 101, retryAfter: undefined });

    const logged = lines.join('');
    expect(logged).toMatch(/"level":30[^\n]*"path":"\/webhooks\/realtime-register"[^\n]*starting/);
    expect(logged).toMatch(/"level":30[^\n]*"path":"\/graphql"[^\n]*WebSocket upgrade while the gateway is starting/);
    expect(logged).toContain('"path":"/webhooks/[redacted]"');
    expect(numbers.flatMap((number) => [number, encodeURIComponent(number)]).filter((form) => logged.includes(form))).toEqual([]);
    expect(logged).not.toMatch(/"level":50/);
    expect(logged).not.toMatch(/"stack"/);
    // Once started, the same webhook reaches its handler (an unsigned body is refused there, not at the door).
    const after = await fetch(`${url}/webhooks/realtime-register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":1}' });
    expect(after.status).toBe(401);
  });
});
