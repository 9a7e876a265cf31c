import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SimNotification } from '../../src/sandbox/realtime-register-notifications.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { countsOnceAllStored, eventually, metricValue, persistentWebhooks, startDurableRedis, storedNotificationCounts, type DurableRedis } from './support.js';

/**
 * A Redis that keeps nothing on disk restarted together with the gateway (a host reboot): the new gateway's first look
 * at Redis finds no marker. With a spool directory (which outlives the process) it remembers the marker the last
 * gateway saw, so it tells the loss from a new Redis: it reports it and re-reads Realtime Register's notification list,
 * and every notification answered 2xx before is stored again exactly once. A gateway restarted on a Redis that kept its
 * data reports nothing.
 */

let redis: DurableRedis;
let sandbox: Sandbox;
let spool: string;
let current: TestGateway | null = null;

beforeAll(async () => {
  redis = await startDurableRedis({ persistence: 'none' });
  spool = await mkdtemp(join(tmpdir(), 'vgw-epoch-spool-'));
  sandbox = await startSandbox({ gatewayUrl: () => current?.url ?? null, realtimeRegister: persistentWebhooks(40, 250) });
});

afterAll(async () => {
  await current?.stop();
  await sandbox?.stop();
  await redis?.stop();
  await rm(spool, { recursive: true, force: true });
});

async function startGateway(): Promise<TestGateway> {
  const gateway = await startTestGateway({ env: { REDIS_URL: redis.url, OUTBOX_SPOOL_DIR: spool }, gateway: { sandbox: { existing: sandbox } } });
  current = gateway;
  await eventually(async () => gateway.logs().includes('redis durability checked'), 10_000, 'durability checked');
  return gateway;
}

const lossCount = async (gateway: TestGateway) => metricValue(await gateway.metrics.registry.metrics(), 'gateway_redis_data_loss_total');

describe('a gateway restarted together with a Redis that keeps nothing', () => {
  it('reports the loss and stores every acknowledged notification again; restarted alone, it reports nothing', async () => {
    const rtr = sandbox.realtimeRegister;
    let gateway = await startGateway();
    const injected: SimNotification[] = Array.from({ length: 12 }, (_, i) => rtr.injectNotification({ message: `before the reboot ${i}` }));
    await eventually(() => injected.every((notification) => rtr.deliveries.some((delivery) => delivery.notificationId === notification.id && delivery.delivered)), 20_000, 'all answered 2xx');
    const ids = injected.map((notification) => String(notification.id));
    expect((await readdir(spool)).some((name) => name.startsWith('redis-epoch-'))).toBe(true);

    // The gateway alone restarts: Redis kept its data, nothing to report.
    await gateway.stop();
    gateway = await startGateway();
    expect(await lossCount(gateway)).toBe(0);
    expect(gateway.logs()).not.toMatch(/REDIS LOST ITS DATA/);

    // Both restart: the new gateway's first look finds an empty Redis.
    await gateway.stop();
    current = null;
    await redis.restart();
    gateway = await startGateway();
    await eventually(async () => (await lossCount(gateway)) === 1, 10_000, 'loss counted');
    expect(gateway.logs()).toMatch(/"level":50[^\n]*REDIS LOST ITS DATA/);
    const restored = await countsOnceAllStored(() => storedNotificationCounts(gateway), ids);
    expect(ids.filter((id) => restored.get(id) !== 1)).toEqual([]);
  });
});
