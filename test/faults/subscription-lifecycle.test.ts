import { fork, type ChildProcess } from 'node:child_process';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support.js';

/**
 * Subscriptions end when the client ends them, at once, with no event needed to notice: SSE connections dropped,
 * graphql-ws subscriptions completed, sockets closed or terminated. Measured on a gateway in its own process (no event
 * is ever published): every subscription stream is closed, gateway_subscribers is exactly 0, and after 2,000 dropped
 * SSE subscriptions the heap after garbage collection is back within 10% of where it was. Counted, not timed.
 */

interface Counts {
  open: number;
  gauge: number;
  heapUsed?: number;
}

let child: ChildProcess;
let url: string;

function ask(type: 'count' | 'measure'): Promise<Counts> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string } & Counts) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type });
  });
}

/** Waits until the gateway reports `open` subscription streams (and the same on the gauge). */
async function untilOpen(open: number): Promise<void> {
  await eventually(async () => {
    const counts = await ask('count');
    return counts.open === open && counts.gauge === open;
  }, 20_000, `${open} open subscriptions`).catch(async (error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(await ask('count'))}`);
  });
}

const SUBSCRIBE = JSON.stringify({ query: 'subscription { verificationEvents { id } }' });

/** Opens `count` SSE subscriptions, waits until the gateway holds them all, then drops every connection. */
async function dropSseSubscriptions(count: number): Promise<void> {
  const aborts = await Promise.all(
    Array.from({ length: count }, async () => {
      const abort = new AbortController();
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: SUBSCRIBE,
        signal: abort.signal,
      });
      expect(response.status).toBe(200);
      void response.body!.getReader().read().catch(() => undefined);
      return abort;
    }),
  );
  await untilOpen(count);
  for (const abort of aborts) abort.abort();
  await untilOpen(0);
}

beforeAll(async () => {
  child = fork(new URL('./subscription-probe-gateway.ts', import.meta.url).pathname, [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    cwd: new URL('../../', import.meta.url).pathname,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { type: string; url: string }) => (message.type === 'ready' ? resolve(message.url) : reject(new Error(JSON.stringify(message)))));
    child.once('exit', (code) => reject(new Error(`the probe gateway exited with ${code}`)));
  });
});

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ type: 'stop' });
  await exited;
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
  });
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
});
