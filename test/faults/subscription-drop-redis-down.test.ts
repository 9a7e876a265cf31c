import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProbeGateway, type ProbeGateway } from './subscription-probe-client.js';
import { startDurableRedis, type DurableRedis } from './support.js';

/**
 * The 2,000 dropped SSE subscriptions of subscription-lifecycle.test.ts, on a gateway whose Redis was killed: its
 * event log's live reader keeps failing and retrying meanwhile. Every subscription still ends when its client drops
 * it, gateway_subscribers is exactly 0, and the heap after garbage collection is back within 10% of where it was.
 */

let redis: DurableRedis;
let probe: ProbeGateway;

beforeAll(async () => {
  redis = await startDurableRedis();
  probe = await startProbeGateway({ REDIS_URL: redis.url });
  await redis.kill();
});

afterAll(async () => {
  await probe?.stop();
  await redis?.stop();
});

describe('SSE subscriptions dropped while Redis is down', () => {
  it('all end, the gauge is 0, and 2,000 of them leave the heap within 10% of where it was', async () => {
    for (let round = 0; round < 2; round++) await probe.dropSseSubscriptions(100);
    const baseline = await probe.ask('measure');
    expect(baseline).toMatchObject({ open: 0, gauge: 0 });

    for (let round = 0; round < 20; round++) await probe.dropSseSubscriptions(100);
    const after = await probe.ask('measure');
    expect(after).toMatchObject({ open: 0, gauge: 0 });
    expect(after.heapUsed! / baseline.heapUsed!).toBeLessThan(1.1);
    // The same 2,200 connections as subscription-lifecycle.test.ts, so the same allowance: a limit on hangs, not speed.
  }, 120_000);
});
