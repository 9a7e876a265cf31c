import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProbeGateway, type ProbeGateway } from './subscription-probe-client.js';

/**
 * Subscriptions end when the client ends them, at once, with no event needed to notice: SSE connections dropped,
 * graphql-ws subscriptions completed, sockets closed or terminated. Measured on a gateway in its own process (no event
 * is ever published): every subscription stream is closed, gateway_subscribers is exactly 0, and after 2,000 dropped
 * SSE subscriptions, and 2,000 ended graphql-ws ones, the heap after garbage collection is back within 10% of where it
 * was. Counted, not timed.
 */

let probe: ProbeGateway;
let url: string;
const ask = (type: 'count' | 'measure') => probe.ask(type);
const untilOpen = (open: number) => probe.untilOpen(open);
const dropSseSubscriptions = (count: number) => probe.dropSseSubscriptions(count);

beforeAll(async () => {
  probe = await startProbeGateway();
  url = probe.url;
});

afterAll(async () => {
  await probe?.stop();
});

describe('SSE subscriptions the client drops', () => {
  it('all end at once, and 2,000 of them leave the heap within 10% of where it was', async () => {
    // Warm-up: code paths compiled, pools and caches at their working size.
    for (let round = 0; round < 2; round++) await dropSseSubscriptions(100);
    const baseline = await ask('measure');
    expect(baseline).toMatchObject({ open: 0, gauge: 0 });

    for (let round = 0; round < 20; round++) await dropSseSubscriptions(100);
    const after = await ask('measure');
    expect(after).toMatchObject({ open: 0, gauge: 0 });
    expect(after.heapUsed! / baseline.heapUsed!).toBeLessThan(1.1);
    // 2,200 connections opened and dropped one hundred at a time: about 10 s on an idle machine, three times that when
    // the machine is busy. A limit on the work, not a speed target.
  }, 120_000);
});

describe('WebSocket subscriptions the client ends', () => {
  it('end whether completed, closed or terminated, and the gauge counts exactly', async () => {
    const clients = Array.from({ length: 30 }, () => {
      const client = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
      const unsubscribe = client.subscribe({ query: 'subscription { verificationEvents { id } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      return { client, unsubscribe };
    });
    await untilOpen(30);

    clients.slice(0, 10).forEach(({ unsubscribe }) => unsubscribe()); // `complete`, socket stays open
    await untilOpen(20);
    await Promise.all(clients.slice(10, 20).map(({ client }) => client.dispose())); // close frame
    await untilOpen(10);
    clients.slice(20).forEach(({ client }) => client.terminate()); // socket gone without a close frame
    await untilOpen(0);
    await Promise.all(clients.slice(0, 10).map(({ client }) => client.dispose()));
    expect(await ask('count')).toEqual(expect.objectContaining({ open: 0, gauge: 0 }));
  });

  it('2,000 of them, completed, closed or terminated, leave the heap within 10% of where it was', async () => {
    for (let round = 0; round < 2; round++) await endWebSocketSubscriptions(100);
    const baseline = await ask('measure');
    expect(baseline).toMatchObject({ open: 0, gauge: 0 });
    for (let round = 0; round < 20; round++) await endWebSocketSubscriptions(100);
    const after = await ask('measure');
    expect(after).toMatchObject({ open: 0, gauge: 0 });
    expect(after.heapUsed! / baseline.heapUsed!).toBeLessThan(1.1);
  }, 120_000);
});

/** Opens `count` graphql-ws subscriptions, one socket each, and ends a third of them each way; waits until all ended. */
async function endWebSocketSubscriptions(count: number): Promise<void> {
  const clients = Array.from({ length: count }, () => {
    const client = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
    const unsubscribe = client.subscribe({ query: 'subscription { verificationEvents { id } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    return { client, unsubscribe };
  });
  await untilOpen(count);
  const third = Math.floor(count / 3);
  clients.slice(0, third).forEach(({ unsubscribe }) => unsubscribe());
  await Promise.all(clients.slice(third, 2 * third).map(({ client }) => client.dispose()));
  clients.slice(2 * third).forEach(({ client }) => client.terminate());
  await untilOpen(0);
  await Promise.all(clients.slice(0, third).map(({ client }) => client.dispose()));
}
