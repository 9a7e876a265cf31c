import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VerificationEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createStores, type Stores } from '../../src/store/index.js';
import { connectRedis, type RedisConnection } from '../../src/store/redis-connection.js';
import { RedisEventLog } from '../../src/store/redis-event-log.js';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-server.js';
import { notification } from '../helpers/event-fixtures.js';

const logger = silentLogger();


let cluster: RedisClusterHandle;
let stores: Stores;
let other: RedisConnection;
let otherLog: RedisEventLog;

beforeAll(async () => {
  cluster = await startRedisCluster();
  // A generous cache deadline: on a starved machine a cluster call slower than the default 150 ms would rightly
  // degrade the cache these tests read (redis-outage tests cover degradation).
  stores = createStores({ redisUrls: cluster.urls, metrics: createMetrics(), logger, cacheTimeoutMs: 5_000 });
  other = connectRedis(cluster.urls, logger);
  otherLog = new RedisEventLog({ connection: other, logger, blockMs: 500 });
  expect(await stores.redis!.ready()).toBe(true);
  expect(await other.ready()).toBe(true);
  expect(stores.redis!.isCluster).toBe(true);
}, 30_000);

afterAll(async () => {
  await otherLog?.close();
  await other?.close();
  await stores?.close();
  await cluster?.stop();
});

describe('on a Redis Cluster', () => {
  it('should set, get many across slots, and clear a kind', async () => {
    const { cache } = stores;
    const keys = Array.from({ length: 20 }, (_, i) => `contact-${i}`);
    await cache.setMany('contact', keys.map((key, i): [string, number] => [key, i]));
    expect(await cache.getMany('contact', [...keys, 'missing'])).toEqual([...keys.map((_, i) => i), undefined]);
    await cache.clearKind('contact');
    expect(await cache.get('contact', 'contact-3')).toBeUndefined();
    expect(cache.degraded).toBe(false);
    expect(await stores.health()).toMatchObject({ redis: 'ok', cache: 'ok' });
  });

  it('should append with dedupe, read, and deliver to another instance', async () => {
    const received: VerificationEvent[] = [];
    otherLog.subscribe((event) => received.push(event));
    await otherLog.read({ limit: 1 });
    const first = await stores.eventLog.append(notification(1), { dedupeKey: 'veriff:s1' });
    const again = await otherLog.append(notification(1), { dedupeKey: 'veriff:s1' });
    const second = await stores.eventLog.append(notification(2));
    expect(again).toEqual({ event: first.event, duplicate: true });
    expect(await otherLog.read({ after: first.event.id, limit: 10 })).toEqual([second.event]);
    await vi.waitFor(() => expect(received).toEqual([first.event, second.event]), { timeout: 3_000 });
  });

  it('should tell which events after an id a trim dropped, asking the stream\'s own node', async () => {
    const capped = new RedisEventLog({ connection: other, logger, maxLength: 100, blockMs: 500 });
    const appended: VerificationEvent[] = [];
    for (let n = 1; n <= 250; n++) appended.push((await capped.append(notification(n))).event);
    const [oldestKept] = await capped.read({ limit: 1 });
    expect(oldestKept!.id).not.toBe(appended[0]!.id);
    expect(await stores.eventLog.trimmedAfter(appended[0]!.id)).toEqual({ oldestKeptId: oldestKept!.id });
    expect(await stores.eventLog.trimmedAfter(oldestKept!.id)).toBeNull();
    await capped.close();
  });

  it('should hand a lock to one holder at a time and store requests', async () => {
    const lease = await stores.locks.acquire('rr-poll', 5_000);
    expect(lease).not.toBeNull();
    expect(await stores.locks.acquire('rr-poll', 5_000)).toBeNull();
    await lease!.release();
    expect(await stores.locks.acquire('rr-poll', 5_000)).not.toBeNull();
    await stores.verificationRequests.put({ id: 'r1', status: 'OPEN' } as never);
    expect(await stores.verificationRequests.list()).toEqual([{ id: 'r1', status: 'OPEN' }]);
  });

  it('should keep the email watch state, each change in one step, in one slot', async () => {
    const { emailWatch } = stores;
    await emailWatch.begin([
      { key: 'OPENPROVIDER:a@example.com:example.com', status: 'PENDING', since: 1 },
      { key: 'OPENPROVIDER:b@example.com:example.com', status: 'PENDING', since: 1 },
    ]);
    await emailWatch.settle('OPENPROVIDER:a@example.com:example.com', { status: 'VERIFIED', since: 2 });
    await emailWatch.unwatch('OPENPROVIDER:b@example.com:example.com');
    await emailWatch.watch({ key: 'OPENPROVIDER:c@example.com:example.com', status: 'PENDING', since: 3 });
    expect(await emailWatch.watched()).toEqual([{ key: 'OPENPROVIDER:c@example.com:example.com', status: 'PENDING', since: 3 }]);
    expect(await emailWatch.settledOf(['OPENPROVIDER:a@example.com:example.com', 'OPENPROVIDER:b@example.com:example.com'])).toEqual(
      new Map([['OPENPROVIDER:a@example.com:example.com', { status: 'VERIFIED', since: 2 }]]),
    );
  });
});
