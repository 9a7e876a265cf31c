import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';
import { eventually } from './support.js';

/**
 * Providers keep pushing while the gateway shuts down. A webhook (or GraphQL request) arriving on a kept-alive
 * connection during the drain is answered 503 with `Retry-After` and `Connection: close`, so the provider delivers
 * it again (to another instance); the gateway says so at info level, without a stack, and logs no error.
 */

const PATHS = ['/webhooks/realtime-register', '/webhooks/veriff', '/graphql'];

describe('a gateway that is shutting down', () => {
  it('answers webhooks and GraphQL 503 with Retry-After, logged at info without a stack', async () => {
    // Idle kept-alive connections are left open during the drain, as in production (tests usually close them at once).
    const gateway = await startTestGateway({ gateway: { drainIdleMs: 3_000 } });
    const agent = new Agent({ connections: PATHS.length + 1, pipelining: 1 });
    try {
      // Kept-alive connections, opened before the signal.
      await Promise.all(PATHS.map(() => request(`${gateway.url}/healthz`, { dispatcher: agent }).then((response) => response.body.text())));
      // A slow read keeps the drain going while the pushes arrive.
      gateway.sandbox!.realtimeRegister.server.setFaults({ latencyMs: 1_500 });
      const slow = fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ contact(provider: REALTIME_REGISTER, handle: "rtr-0042") { handle } }' }) });
      const before = gateway.sandbox!.realtimeRegister.server.count('/v2/customers/sandbox/contacts', 'GET');
      await eventually(() => gateway.sandbox!.realtimeRegister.server.count('/v2/customers/sandbox/contacts', 'GET') > before, 5_000, 'slow read upstream');
      const stopped = gateway.stop();

      const answers = await Promise.all(
        PATHS.map(async (path) => {
          const response = await request(`${gateway.url}${path}`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 1, query: '{ providers { provider } }' }) });
          await response.body.text();
          return { path, status: response.statusCode, retryAfter: response.headers['retry-after'], connection: response.headers.connection };
        }),
      );
      expect(answers).toEqual(PATHS.map((path) => ({ path, status: 503, retryAfter: expect.stringMatching(/^\d+$/), connection: 'close' })));
      expect((await slow).status).toBe(200);
      await stopped;

      const logged = gateway.logs();
      for (const path of PATHS) expect(logged).toMatch(new RegExp(`"level":30[^\\n]*"path":"${path}"[^\\n]*shutting down`));
      expect(logged).not.toMatch(/"level":50/);
      expect(logged).not.toMatch(/"stack"/);
    } finally {
      await agent.close();
    }
  });
});
