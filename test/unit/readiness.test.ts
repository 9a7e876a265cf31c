import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serveReadiness } from '../../src/server/health.js';
import type { Stores, StoresHealth } from '../../src/store/index.js';

/** /readyz as a load balancer and an operator read it, over stores that report the given health. */
async function readyz(state: 'starting' | 'ready' | 'draining', health: StoresHealth | null): Promise<{ status: number; body: Record<string, unknown> }> {
  const stores = health ? ({ health: async () => health } as unknown as Stores) : null;
  const server = createServer((_req, res) => void serveReadiness(res, state, stores));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('/readyz', () => {
  it('answers ready with no reasons when the stores are healthy', async () => {
    expect(await readyz('ready', { redis: 'disabled', cache: 'ok' })).toEqual({ status: 200, body: { status: 'ready', redis: 'disabled', cache: 'ok' } });
    expect(await readyz('ready', { redis: 'ok', cache: 'ok', persistence: 'ok', reasons: [] })).toEqual({
      status: 200,
      body: { status: 'ready', redis: 'ok', cache: 'ok', persistence: 'ok', reasons: [] },
    });
  });

  it('says why it is degraded when Redis is unreachable, not only that it is', async () => {
    const { status, body } = await readyz('ready', { redis: 'down', cache: 'degraded', persistence: 'unknown', reasons: [] });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'degraded', redis: 'down' });
    expect(body.reasons).toEqual([expect.stringMatching(/^Redis is unreachable: .*webhooks answer 503/)]);
  });

  it('says the cache is bypassed when Redis answers again but the cache has not yet gone back to it', async () => {
    const { body } = await readyz('ready', { redis: 'ok', cache: 'degraded', persistence: 'ok', reasons: [] });
    expect(body).toMatchObject({ status: 'degraded', reasons: [expect.stringMatching(/^The shared cache is bypassed/)] });
  });

  it("keeps the stores' own reasons (a Redis that does not persist) after its own", async () => {
    const { body } = await readyz('ready', { redis: 'down', cache: 'degraded', persistence: 'none', reasons: ['Redis keeps nothing on disk'] });
    expect(body.reasons).toEqual([expect.stringMatching(/^Redis is unreachable/), 'Redis keeps nothing on disk']);
  });

  it('answers 503 while starting or draining, so a load balancer sends nothing new', async () => {
    expect(await readyz('starting', { redis: 'ok', cache: 'ok' })).toEqual({ status: 503, body: { status: 'starting' } });
    expect(await readyz('draining', { redis: 'ok', cache: 'ok' })).toEqual({ status: 503, body: { status: 'draining' } });
  });
});
