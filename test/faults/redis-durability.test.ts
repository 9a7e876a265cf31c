import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimNotification } from '../../src/sandbox/realtime-register-notifications.js';
import type { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { countsOnceAllStored, eventually, metricValue, persistentWebhooks, startDurableRedis, storedNotificationCounts, type DurableRedis } from './support.js';

/**
 * Redis killed (SIGKILL) and restarted after the gateway answered Realtime Register's webhooks 200, once with a Redis
 * that keeps what it acknowledges (AOF, fsync always) and once with one that keeps nothing (no AOF, no snapshots).
 * Counted by notification id: with persistence none of the acknowledged notifications is missing and no loss is
 * reported; without it the gateway said at start that Redis keeps nothing, notices the loss after the restart (error
 * log, gateway_redis_data_loss_total, /readyz), and re-reads the provider's notification list, so every acknowledged
 * notification is back in the log exactly once.
 */

const NOTIFICATIONS = 30;

interface Readiness {
  status: string;
  redis?: string;
  persistence?: string;
  reasons?: string[];
}

describe.each([
  { persistence: 'aof' as const, persists: true },
  { persistence: 'none' as const, persists: false },
])('Redis with persistence $persistence, killed and restarted', ({ persistence, persists }) => {
  let redis: DurableRedis;
  let gateway: TestGateway;
  let simulator: RealtimeRegisterSimulator;

  const readiness = async (): Promise<Readiness> => (await fetch(`${gateway.url}/readyz`)).json() as Promise<Readiness>;
  const metric = async (name: string): Promise<number | null> => metricValue(await gateway.metrics.registry.metrics(), name);

  beforeAll(async () => {
    redis = await startDurableRedis({ persistence });
    gateway = await startTestGateway({
      env: { REDIS_URL: redis.url },
      gateway: { sandbox: { realtimeRegister: persistentWebhooks(40, 250) } },
    });
    simulator = gateway.sandbox!.realtimeRegister;
    await eventually(async () => (await readiness()).persistence !== 'unknown' && (await readiness()).redis === 'ok', 10_000, 'redis read');
  });

  afterAll(async () => {
    await gateway?.stop();
    await redis?.stop();
  });

  it(persists ? 'says Redis persists, and is ready' : 'warns at start that Redis keeps nothing on disk, and says so in /readyz', async () => {
    const ready = await readiness();
    expect(await metric('gateway_redis_persistent')).toBe(persists ? 1 : 0);
    if (persists) {
      expect(ready).toMatchObject({ status: 'ready', redis: 'ok', persistence: 'ok', reasons: [] });
      expect(gateway.logs()).not.toMatch(/keeps nothing on disk/);
    } else {
      expect(ready).toMatchObject({ status: 'degraded', redis: 'ok', persistence: 'none' });
      expect(ready.reasons).toEqual([expect.stringMatching(/keeps nothing on disk.*appendonly yes/)]);
      expect(gateway.logs()).toMatch(/"level":40[^\n]*Redis keeps nothing on disk/);
    }
  });

  it(persists ? 'loses none of the notifications it answered 2xx' : 'reports the loss loudly and stores every notification it answered 2xx again', async () => {
    const injected: SimNotification[] = Array.from({ length: NOTIFICATIONS }, (_, i) => simulator.injectNotification({ message: `durability ${persistence} ${i}` }));
    const delivered = (notification: SimNotification) => simulator.deliveries.some((delivery) => delivery.notificationId === notification.id && delivery.delivered);
    await eventually(() => injected.every(delivered), 20_000, 'all webhooks answered 2xx');
    const acknowledged = injected.map((notification) => String(notification.id));
    const before = await storedNotificationCounts(gateway);
    expect(acknowledged.filter((id) => before.get(id) !== 1)).toEqual([]);

    const checks = () => gateway.logs().match(/"reason":"connect"[^\n]*redis durability checked/g)?.length ?? 0;
    const checksBefore = checks();
    await redis.kill();
    await eventually(async () => (await readiness()).redis === 'down', 10_000, 'redis reported down');
    await redis.restart();
    await eventually(async () => (await readiness()).redis === 'ok', 10_000, 'redis back');

    // Settings and marker are checked on every reconnect.
    await eventually(() => checks() > checksBefore, 10_000, 'checked after the reconnect');
    if (persists) {
      const after = await storedNotificationCounts(gateway);
      expect(acknowledged.filter((id) => after.get(id) !== 1)).toEqual([]);
      expect(await metric('gateway_redis_data_loss_total')).toBe(0);
      expect(gateway.logs()).not.toMatch(/REDIS LOST ITS DATA/);
      return;
    }
    await eventually(async () => (await metric('gateway_redis_data_loss_total')) === 1, 10_000, 'loss counted');
    expect(gateway.logs()).toMatch(/"level":50[^\n]*REDIS LOST ITS DATA/);
    expect((await readiness()).reasons).toEqual(expect.arrayContaining([expect.stringMatching(/Redis lost its data \(detected /)]));
    // Re-read from Realtime Register's notification list, through the same deduplicating ingest as the webhook.
    const restored = await countsOnceAllStored(() => storedNotificationCounts(gateway), acknowledged);
    expect(acknowledged.filter((id) => restored.get(id) !== 1)).toEqual([]);
    expect(gateway.logs()).toMatch(new RegExp(`"source":"REALTIME_REGISTER","restored":${NOTIFICATIONS}[^\\n]*re-read what the provider still had`));
  });
});
