import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { lockKey } from '../../src/store/locks.js';
import { DURABILITY_MARKER_KEY } from '../../src/store/redis-durability.js';
import { RECOVERY_DONE_KEY } from '../../src/store/redis-recovery-ledger.js';
import { realtimeRegisterEnv, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { countsOnceAllStored, eventually, persistentWebhooks, postGraphQL, startDurableRedis, storedNotificationCounts, type DurableRedis } from './support.js';

/**
 * Redis lost its data, and the gateway re-reading Realtime Register's notification list was killed (SIGKILL: no
 * shutdown code runs) before it got through, because the provider was still unreachable. The loss stays owed in Redis
 * itself; the gateway started again on the same spool directory (so, by its own memory, nothing changed in Redis since
 * it last looked) takes the recovery over once the dead process's lock expired, and every notification acknowledged
 * before the loss is stored again, exactly once. Before, the restarted gateway saw the marker it remembered and
 * recovered nothing.
 */

const KEY = 'faults-recovery-key';

let redis: DurableRedis;
let admin: Redis;
let sandbox: Sandbox;
let spool: string;
let gatewayUrl: string | null = null;
const processes: GatewayProcess[] = [];

beforeAll(async () => {
  redis = await startDurableRedis({ persistence: 'none' });
  admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  spool = await mkdtemp(join(tmpdir(), 'vgw-recovery-spool-'));
  sandbox = await startSandbox({
    gatewayUrl: () => gatewayUrl,
    realtimeRegister: persistentWebhooks(40, 250),
  });
});

afterAll(async () => {
  for (const gateway of processes) if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
  admin?.disconnect();
  await sandbox?.stop();
  await redis?.stop();
  await rm(spool, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess({
    ...env,
    REDIS_URL: redis.url,
    OUTBOX_SPOOL_DIR: spool,
    GATEWAY_API_KEYS: `${KEY}:*`,
    ...realtimeRegisterEnv(sandbox.realtimeRegister.endpoint()),
  });
  processes.push(gateway);
  gatewayUrl = gateway.url;
  return gateway;
}

/** How many times each notification is stored, asked of a gateway process with the test's key. */
function storedCounts(gateway: GatewayProcess): Promise<Map<string, number>> {
  return storedNotificationCounts({ graphql: async (query: string) => (await postGraphQL(gateway.url, query, {}, { headers: { authorization: `Bearer ${KEY}` } })).body });
}

describe('a gateway killed while it recovers from a Redis data loss', () => {
  it('leaves the loss owed, and the restarted gateway recovers every acknowledged notification exactly once', async () => {
    const rtr = sandbox.realtimeRegister;
    const first = await start();
    const injected = Array.from({ length: 8 }, (_, i) => rtr.injectNotification({ message: `acknowledged ${i}` }));
    await eventually(() => injected.every((notification) => rtr.deliveries.some((delivery) => delivery.notificationId === notification.id && delivery.delivered)), 20_000, 'all answered 2xx');
    const ids = injected.map((notification) => String(notification.id));
    expect([...(await storedCounts(first)).keys()]).toEqual(expect.arrayContaining(ids));

    // The provider is unreachable when Redis comes back empty: the recovery keeps retrying, and the process dies.
    rtr.server.setFaults({ errorRate: 1, status: 503 });
    await redis.restart();
    await eventually(() => first.output().includes('the provider cannot be read yet; retrying'), 20_000, 'recovery retrying');
    const epoch = await admin.get(DURABILITY_MARKER_KEY);
    expect(epoch).toEqual(expect.any(String));
    const lock = lockKey(`redis-recovery:${epoch}`);
    const ttl = await admin.pttl(lock);
    // Held briefly and renewed while alive, so a dead holder blocks the take-over for a minute at most.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    expect(await admin.get(RECOVERY_DONE_KEY)).toBe(null);

    rtr.server.setFaults({});
    await admin.del(lock); // what its expiry would do a minute later
    const second = await start();
    const restored = await countsOnceAllStored(() => storedCounts(second), ids);
    expect(ids.filter((id) => restored.get(id) !== 1)).toEqual([]);
    expect(second.output()).toMatch(/taking over a recovery that never finished/);
    await eventually(async () => (await admin.get(RECOVERY_DONE_KEY)) === epoch, 5_000, 'recovery recorded');
    second.child.kill('SIGTERM');
    await second.exited;

    // Finished once: the next start takes nothing over.
    const third = await start({ LOG_LEVEL: 'debug' });
    await eventually(() => third.output().includes('redis durability checked'), 10_000, 'durability checked');
    expect(third.output()).not.toMatch(/taking over a recovery/);
    // Three gateway processes, each compiled by tsx as it starts: a hang guard, not a speed target.
  }, 180_000);
});
