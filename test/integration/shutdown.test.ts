import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startGatewayProcess } from '../helpers/gateway-process.js';

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

describe('the gateway process', () => {
  it('finishes an in-flight request on SIGTERM, then exits 0 and frees its port', async () => {
    // Every Realtime Register answer takes 1.5 s, so the request is surely in flight when the signal arrives.
    const gateway = await startGatewayProcess({ SANDBOX_FAULTS: JSON.stringify({ REALTIME_REGISTER: { latencyMs: 1500 } }) });
    const inFlight = fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: contactQuery });
    await new Promise((resolve) => setTimeout(resolve, 300));
    gateway.child.kill('SIGTERM');

    const response = await inFlight;
    const body = (await response.json()) as { data?: { contact: { handle: string } | null } };
    expect(response.status).toBe(200);
    expect(body.data?.contact?.handle).toBe('rtr-0001');
    expect(await gateway.exited).toBe(0);
    expect(gateway.output()).toContain('shutting down');
    expect(await portIsFree(gateway.url)).toBe(true);
  });

  it('stops at start-up with one line naming a bad variable', async () => {
    await expect(startGatewayProcess({ REDIS_URL: 'http://nope' })).rejects.toThrow(/exited with 2[\s\S]*REDIS_URL: must use redis:\/\//);
  });

  it('says at start-up that an open sandbox is open', async () => {
    const gateway = await startGatewayProcess();
    gateway.child.kill('SIGINT');
    expect(await gateway.exited).toBe(0);
    expect(gateway.output()).toMatch(/sandbox is OPEN/);
  });
});
