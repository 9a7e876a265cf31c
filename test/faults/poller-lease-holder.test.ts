import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SimNotification } from '../../src/sandbox/realtime-register-notifications.js';
import { realtimeRegisterEnv, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { eventually, postGraphQL, startDurableRedis, storedNotificationCounts, type DurableRedis } from './support.js';

/**
 * Two gateway processes on one Redis read Realtime Register's notification queue (no webhooks: the queue is the only
 * way in), and the one holding the poller lease is frozen (SIGSTOP, as a paused VM or a long GC: it wakes up in the
 * middle of a round it believes it still owns) and later killed (SIGKILL). Counted per notification id: every one
 * injected is acknowledged at the provider and stored exactly once, whichever instance read it, however often.
 */

const KEY = 'faults-poller-lease-key';
/** Realtime Register answers slowly, so the holder is frozen or killed with a poll or an ack in flight. */
const LATENCY_MS = 150;

let redis: DurableRedis;
let sandbox: Sandbox;
const processes: GatewayProcess[] = [];
const injected: SimNotification[] = [];

beforeAll(async () => {
  redis = await startDurableRedis();
  sandbox = await startSandbox({ gatewayUrl: () => null, realtimeRegister: { pushWebhooks: false, seedDenicRequests: 0 } });
  sandbox.realtimeRegister.server.setFaults({ latencyMs: LATENCY_MS });
});

afterAll(async () => {
  for (const gateway of processes) {
    gateway.child.kill('SIGCONT');
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
  }
  await sandbox?.stop();
  await redis?.stop();
});

async function start(): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess({
    REDIS_URL: redis.url,
    GATEWAY_API_KEYS: `${KEY}:*`,
    REALTIME_REGISTER_POLL_INTERVAL_MS: '100',
    ...realtimeRegisterEnv(sandbox.realtimeRegister.endpoint()),
  });
  processes.push(gateway);
  return gateway;
}

const holdsPoller = (gateway: GatewayProcess) => /"lock":"rtr-notification-poller"[^\n]*holding the lease|holding the lease[^\n]*"lock":"rtr-notification-poller"/.test(gateway.output());

function inject(count: number, what: string): void {
  for (let i = 0; i < count; i++) injected.push(sandbox.realtimeRegister.injectNotification({ message: `${what} ${i}` }));
}

function allAcked(): Promise<unknown> {
  const byId = new Map(sandbox.realtimeRegister.notifications.notifications().map((notification) => [notification.id, notification]));
  return eventually(() => injected.every((notification) => byId.get(notification.id)?.acknowledgeDate), 60_000, 'every notification acknowledged');
}

function storedCounts(gateway: GatewayProcess): Promise<Map<string, number>> {
  return storedNotificationCounts({ graphql: async (query: string) => (await postGraphQL(gateway.url, query, {}, { headers: { authorization: `Bearer ${KEY}` } })).body });
}

describe('the Realtime Register poller lease holder frozen, then killed, with a second instance running', () => {
  it('acknowledges every notification and stores each exactly once', async () => {
    const first = await start();
    inject(10, 'before the second instance');
    await allAcked();
    expect(holdsPoller(first)).toBe(true);
    const second = await start();

    // Frozen with a round in flight: the other instance takes the lease once it expires; the frozen one wakes up
    // inside its round and reads, stores and acks what the other already did.
    inject(10, 'while the holder is frozen');
    await eventually(() => sandbox.realtimeRegister.notifications.notifications().some((n) => n.readDate && !n.acknowledgeDate) || injected.every((n) => n.acknowledgeDate), 10_000, 'a round in flight');
    first.child.kill('SIGSTOP');
    await eventually(() => holdsPoller(second), 60_000, 'the second instance took the lease');
    inject(5, 'after the take-over');
    await allAcked();
    first.child.kill('SIGCONT');
    inject(5, 'after the holder woke up');
    await allAcked();

    // The new holder killed mid-round: the woken instance takes the lease back once it expires.
    inject(10, 'while the holder is killed');
    second.child.kill('SIGKILL');
    expect(await second.exited).toBe(null);
    inject(5, 'after the kill');
    await allAcked();

    const ids = injected.map((notification) => String(notification.id));
    const counts = await eventually(async () => {
      const stored = await storedCounts(first);
      return ids.every((id) => stored.has(id)) ? stored : null;
    }, 20_000, 'every notification stored');
    expect(ids.filter((id) => counts.get(id) !== 1).map((id) => `${id}: ${counts.get(id) ?? 0}`)).toEqual([]);
    expect(first.child.exitCode).toBe(null);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  }, 180_000);
});
