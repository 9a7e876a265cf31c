import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SimNotification } from '../../src/sandbox/realtime-register-notifications.js';
import { realtimeRegisterEnv, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { startTestGateway } from '../helpers/gateway.js';
import { eventually, persistentWebhooks, postGraphQL, startDurableRedis, type DurableRedis } from './support.js';

/**
 * SIGTERM to a real gateway process (`node --import tsx src/main.ts`, so the signal handling under test is the real
 * one) while it serves reads, holds subscriptions on both transports, takes webhooks and polls the notification queue.
 * The provider simulators run in the test process, outside the gateway, so what they saw can be read after it exited:
 * in-flight requests complete, subscriptions are completed (not cut), and every notification the provider saw
 * acknowledged is in the event log.
 */

const KEY = 'faults-shutdown-key';
const AUTH = { authorization: `Bearer ${KEY}` };

let redis: DurableRedis;
let sandbox: Sandbox;
let gateway: GatewayProcess;
let gatewayUrl: string | null = null;

beforeAll(async () => {
  redis = await startDurableRedis();
  sandbox = await startSandbox({
    gatewayUrl: () => gatewayUrl,
    seed: 11,
    realtimeRegister: persistentWebhooks(20, 200),
  });
  const rtr = sandbox.realtimeRegister.endpoint();
  const op = sandbox.openprovider.endpoint();
  gateway = await startGatewayProcess({
    REDIS_URL: redis.url,
    GATEWAY_API_KEYS: `${KEY}:*`,
    ...realtimeRegisterEnv(rtr),
    REALTIME_REGISTER_POLL_INTERVAL_MS: '100',
    OPENPROVIDER_USERNAME: op.username,
    OPENPROVIDER_PASSWORD: op.password,
    OPENPROVIDER_BASE_URL: op.baseUrl,
  });
  gatewayUrl = gateway.url;
});

afterAll(async () => {
  if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
  await sandbox?.stop();
  await redis?.stop();
});

/** A WebSocket subscription that records how it ended. */
function wsSubscription(url: string) {
  const client = createWsClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: AUTH });
  const received: string[] = [];
  const ended = new Promise<'complete' | string>((resolve) => {
    client.subscribe(
      { query: 'subscription { verificationEvents { id } }' },
      {
        next: (result) => {
          const id = (result.data as { verificationEvents?: { id: string } } | null)?.verificationEvents?.id;
          if (id) received.push(id);
        },
        error: (error) => resolve(`error: ${(error as { code?: number; reason?: string }).code ?? ''} ${(error as Error).message ?? (error as { reason?: string }).reason ?? String(error)}`),
        complete: () => resolve('complete'),
      },
    );
  });
  return { received, ended, dispose: () => client.dispose() };
}

/** An SSE subscription (distinct connections mode) that records how it ended. */
function sseSubscription(url: string) {
  const client = createSseClient({ url: `${url}/graphql`, singleConnection: false, retryAttempts: 0, headers: AUTH });
  const received: string[] = [];
  const ended = new Promise<'complete' | string>((resolve) => {
    client.subscribe(
      { query: 'subscription { verificationEvents { id } }' },
      {
        next: (result) => {
          const id = (result.data as { verificationEvents?: { id: string } } | null)?.verificationEvents?.id;
          if (id) received.push(id);
        },
        error: (error) => resolve(`error: ${error instanceof Error ? error.message : JSON.stringify(error)}`),
        complete: () => resolve('complete'),
      },
    );
  });
  return { received, ended, dispose: () => client.dispose() };
}

describe('SIGTERM under load', () => {
  it('completes in-flight requests and subscriptions, and leaves no acknowledged notification unstored', async () => {
    const rtr = sandbox.realtimeRegister;
    const subscribers = [wsSubscription(gateway.url), sseSubscription(gateway.url)];
    // Both subscriptions are live once an event reaches both.
    const injected: SimNotification[] = [];
    await eventually(
      () => {
        injected.push(rtr.injectNotification({ message: `warm-up ${injected.length}` }));
        return subscribers.every((subscriber) => subscriber.received.length > 0);
      },
      15_000,
      'subscribers live',
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${gateway.output().slice(-3000)}`);
    });

    // A stream of notifications (pushed and queued), and reads that are slow upstream, in flight at the signal.
    const injector = setInterval(() => injected.push(rtr.injectNotification({ message: `notice ${injected.length}` })), 20);
    rtr.server.setFaults({ latencyMs: 400 });
    const listsBefore = rtr.server.count('/v2/customers/sandbox/contacts', 'GET');
    // One at a time, each once its upstream read is under way (concurrent misses would share one list call).
    const reads: ReturnType<typeof postGraphQL>[] = [];
    for (let i = 0; i < 6; i++) {
      reads.push(postGraphQL(gateway.url, `{ contact(provider: REALTIME_REGISTER, handle: "rtr-00${String(10 + i)}") { handle } }`, {}, { headers: AUTH }));
      await eventually(() => rtr.server.count('/v2/customers/sandbox/contacts', 'GET') >= listsBefore + reads.length, 10_000, 'reads in flight');
    }
    gateway.child.kill('SIGTERM');

    const answered = await Promise.all(reads);
    for (const reply of answered) {
      expect(reply.status).toBe(200);
      expect(reply.body?.errors).toBeUndefined();
      expect(reply.body?.data?.contact).toEqual({ handle: expect.any(String) });
    }
    expect(await gateway.exited).toBe(0);
    clearInterval(injector);
    rtr.server.setFaults({});
    for (const subscriber of subscribers) {
      expect(await subscriber.ended).toBe('complete');
      subscriber.dispose();
    }
    expect(gateway.output()).toContain('shutting down');
    expect(gateway.output()).not.toMatch(/unhandled|uncaught/i);

    // Every notification the provider saw acknowledged is in the log (read by a fresh gateway on the same Redis).
    const acked = injected.filter((notification) => rtr.server.count(`/v2/customers/sandbox/notifications/${notification.id}/ack`, 'POST') > 0);
    const reader = await startTestGateway({ env: { REDIS_URL: redis.url } });
    try {
      const events = await reader.graphql(`{ verificationEvents(first: 1000) { edges { node { ... on ProviderNotificationEvent { notificationId } } } } }`);
      expect(events.errors).toBeUndefined();
      const stored = new Set(events.data.verificationEvents.edges.map((edge: { node: { notificationId?: string } }) => edge.node.notificationId));
      expect(acked.length).toBeGreaterThan(0);
      expect(acked.filter((notification) => !stored.has(String(notification.id))).map((notification) => notification.id)).toEqual([]);
      // And nothing was stored twice.
      const ids = events.data.verificationEvents.edges.map((edge: { node: { notificationId?: string } }) => edge.node.notificationId).filter(Boolean);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await reader.stop();
    }
  });
});
