import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimNotification } from '../../src/sandbox/realtime-register-notifications.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { countsOnceAllStored, eventually, metricValue, persistentWebhooks, startDurableRedis, storedNotificationCounts, type DurableRedis } from './support.js';

/**
 * A Redis that persists by snapshots only (RDB, no AOF: Redis's own default rules) comes back from a SIGKILL as of its
 * last snapshot. The marker written at start is in that snapshot, so it does not vanish: what was acknowledged after
 * the snapshot is gone all the same. The gateway notices (the last event it stored is missing), says so as loudly as
 * for an empty Redis, and re-reads Realtime Register's notification list, so every notification it answered 2xx is
 * stored again exactly once.
 */

let redis: DurableRedis;
let gateway: TestGateway;

const deliveredAll = (gatewayUnderTest: TestGateway, notifications: SimNotification[]) => () =>
  notifications.every((notification) => gatewayUnderTest.sandbox!.realtimeRegister.deliveries.some((delivery) => delivery.notificationId === notification.id && delivery.delivered));

beforeAll(async () => {
  redis = await startDurableRedis({ persistence: 'snapshot' });
  gateway = await startTestGateway({ env: { REDIS_URL: redis.url }, gateway: { sandbox: { realtimeRegister: persistentWebhooks(40, 250) } } });
  await eventually(() => gateway.logs().includes('redis durability checked'), 10_000, 'durability checked');
});

afterAll(async () => {
  await gateway?.stop();
  await redis?.stop();
});

describe('a snapshot-only Redis killed and restarted from an older snapshot', () => {
  it('reports the loss although the marker survived, and stores every notification it answered 2xx again', async () => {
    const rtr = gateway.sandbox!.realtimeRegister;
    const lossCount = async () => metricValue(await gateway.metrics.registry.metrics(), 'gateway_redis_data_loss_total');
    expect(metricValue(await gateway.metrics.registry.metrics(), 'gateway_redis_persistent')).toBe(1);

    const before = Array.from({ length: 5 }, (_, i) => rtr.injectNotification({ message: `before the snapshot ${i}` }));
    await eventually(deliveredAll(gateway, before), 20_000, 'answered 2xx before the snapshot');
    const admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await admin.connect();
    expect(await admin.save()).toBe('OK');
    admin.disconnect();

    const after = Array.from({ length: 20 }, (_, i) => rtr.injectNotification({ message: `after the snapshot ${i}` }));
    await eventually(deliveredAll(gateway, after), 20_000, 'answered 2xx after the snapshot');
    const ids = [...before, ...after].map((notification) => String(notification.id));

    await redis.restart();
    await eventually(async () => (await lossCount()) === 1, 15_000, 'loss counted');
    expect(gateway.logs()).toMatch(/"level":50[^\n]*REDIS LOST ITS DATA/);
    const restored = await countsOnceAllStored(() => storedNotificationCounts(gateway), ids);
    expect(ids.filter((id) => restored.get(id) !== 1)).toEqual([]);
  });
});
