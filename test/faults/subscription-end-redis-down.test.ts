import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually, startDurableRedis, type DurableRedis, untilRedisIs } from './support.js';

/**
 * Subscriptions the client ends on every transport (graphql-ws complete, close, terminate; SSE distinct connection
 * aborted by the client mid-stream; SSE single connection: operation stopped, then the client disposed) while Redis
 * is down, and while events are being delivered. Counted: the event service holds no subscription and
 * gateway_subscribers is exactly 0 afterwards, on every transport label.
 */

let redis: DurableRedis;
let gateway: TestGateway;
const SUBSCRIBE = 'subscription { verificationEvents { id } }';

async function counts(): Promise<{ open: number; gauge: number; labels: Record<string, number> }> {
  const values = (await gateway.metrics.subscribers.get()).values;
  return {
    open: gateway.services.events.openSubscriptions(),
    gauge: values.reduce((sum, value) => sum + value.value, 0),
    labels: Object.fromEntries(values.map((value) => [String(value.labels.transport), value.value])),
  };
}

async function untilOpen(open: number, what: string): Promise<void> {
  await eventually(async () => {
    const now = await counts();
    return now.open === open && now.gauge === open;
  }, 15_000, what).catch(async (error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(await counts())}`);
  });
}

/** Opens 3 graphql-ws, 2 SSE distinct and 2 SSE single-connection subscriptions; returns how to end each group. */
async function openAll(onEvent: () => void = () => undefined) {
  const ws = Array.from({ length: 3 }, () => {
    const client = createWsClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
    const stop = client.subscribe({ query: SUBSCRIBE }, { next: onEvent, error: () => undefined, complete: () => undefined });
    return { client, stop };
  });
  const distinct = await Promise.all(
    Array.from({ length: 2 }, async () => {
      const abort = new AbortController();
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: SUBSCRIBE }),
        signal: abort.signal,
      });
      const reader = response.body!.getReader();
      void (async () => {
        for (;;) {
          const chunk = await reader.read().catch(() => ({ done: true }));
          if (chunk.done) return;
          onEvent();
        }
      })();
      return abort;
    }),
  );
  const single = Array.from({ length: 2 }, () => {
    const client = createSseClient({ url: `${gateway.url}/graphql`, singleConnection: true, retryAttempts: 0 });
    const stop = client.subscribe({ query: SUBSCRIBE }, { next: onEvent, error: () => undefined, complete: () => undefined });
    return { client, stop };
  });
  await untilOpen(7, '7 subscriptions open');
  return {
    async endAll(): Promise<void> {
      ws[0]!.stop(); // `complete`; the socket stays open
      await ws[1]!.client.dispose(); // close frame
      ws[2]!.client.terminate(); // gone without a close frame
      for (const abort of distinct) abort.abort(); // the HTTP client drops the stream
      single[0]!.stop(); // DELETE ?operationId=
      await single[1]!.client.dispose(); // the stream itself closed
      await untilOpen(0, 'every subscription ended');
      single[0]!.client.dispose();
      await ws[0]!.client.dispose();
    },
  };
}

beforeAll(async () => {
  redis = await startDurableRedis();
  gateway = await startTestGateway({
    env: { REDIS_URL: redis.url },
    gateway: { sandbox: { realtimeRegister: { webhookRetryDelaysMs: [100, 100, 100], seedDenicRequests: 0 } } },
  });
  await untilRedisIs(gateway, 'ok');
});

afterAll(async () => {
  await gateway?.stop();
  await redis?.stop();
});

describe('subscriptions the client ends', () => {
  it('while Redis is down: all end, and the gauge is exactly 0 on every transport', async () => {
    const subscriptions = await openAll();
    await redis.kill();
    await untilRedisIs(gateway, 'down');
    await subscriptions.endAll();
    expect(Object.values((await counts()).labels).every((value) => value === 0)).toBe(true);
    await redis.restart();
    await untilRedisIs(gateway, 'ok');
  });

  it('while events are being delivered: all end, and the gauge is exactly 0 on every transport', async () => {
    const rtr = gateway.sandbox!.realtimeRegister;
    let received = 0;
    const subscriptions = await openAll(() => void received++);
    const injector = setInterval(() => rtr.injectNotification({ message: 'delivery under way' }), 5);
    try {
      await eventually(() => received >= 20, 15_000, 'events flowing');
      await subscriptions.endAll();
    } finally {
      clearInterval(injector);
    }
    expect(Object.values((await counts()).labels).every((value) => value === 0)).toBe(true);
  });
});
