import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { freePort } from '../helpers/redis-server.js';

const contactQuery = JSON.stringify({ query: '{ contact(provider: REALTIME_REGISTER, handle: "rtr-0001") { handle } }' });

function portIsFree(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function contactCacheMissCounted(url: string): Promise<void> {
  for (;;) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    if (/^gateway_cache_misses_total\{kind="contact"\} [1-9]/m.test(metrics)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the gateway process', () => {
  it('finishes an in-flight request on SIGTERM, then exits 0 and frees its port', async () => {
    // Every Realtime Register answer takes 1.5 s, so the request is surely in flight when the signal arrives.
    const gateway = await startGatewayProcess({ SANDBOX_FAULTS: JSON.stringify({ REALTIME_REGISTER: { latencyMs: 1500 } }) });
    const inFlight = fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: contactQuery });
    // The cache miss is counted just before the upstream call: from then on the request is surely in flight.
    // (A fixed sleep is not enough on a loaded machine: a request that has not arrived yet is rightly refused with 503.)
    await contactCacheMissCounted(gateway.url);
    gateway.child.kill('SIGTERM');

    const response = await inFlight;
    const body = (await response.json()) as { data?: { contact: { handle: string } | null } };
    expect(response.status).toBe(200);
    expect(body.data?.contact?.handle).toBe('rtr-0001');
    expect(await gateway.exited, `exit code; the output:\n${gateway.output()}`).toBe(0);
    expect(gateway.output()).toContain('shutting down');
    expect(await portIsFree(gateway.url)).toBe(true);
  });

  it('drains and exits 0 on a SIGTERM that arrives while it is still starting, instead of dying by the signal', async () => {
    // Nothing listens at this Redis: the start waits for it (about 5 s) before it goes on degraded.
    const gateway = await startGatewayProcess({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }, 'redis unreachable');
    expect(gateway.output()).not.toContain('gateway ready');
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited, `exit code; the output:\n${gateway.output()}`).toBe(0);
    expect(gateway.output()).toMatch(/shutting down[\s\S]*"stopped"/);
  });

  it('stops at start-up with one line naming a bad variable', async () => {
    await expect(startGatewayProcess({ REDIS_URL: 'http://nope' })).rejects.toThrow(/exited with 2[\s\S]*REDIS_URL: must use redis:\/\//);
  });

  it('says at start-up that an open sandbox is open', async () => {
    const gateway = await startGatewayProcess();
    gateway.child.kill('SIGINT');
    expect(await gateway.exited, `exit code; the output:\n${gateway.output()}`).toBe(0);
    expect(gateway.output()).toMatch(/sandbox is OPEN/);
  });
});
