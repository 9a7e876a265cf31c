import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VerificationEvent } from '../../src/domain/events.js';
import type { RegistryCheck } from '../../src/domain/registry-check.js';
import type { VerificationRequest } from '../../src/domain/verification-request.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics, type GatewayMetrics } from '../../src/observability/metrics.js';
import { EventLogUnavailable, InvalidEventId } from '../../src/store/event-log.js';
import { createStores, StoreUnavailable, type Stores } from '../../src/store/index.js';
import { cacheKey } from '../../src/store/cache.js';
import { RedisCache } from '../../src/store/redis-cache.js';
import { connectRedis, type RedisConnection } from '../../src/store/redis-connection.js';
import { RedisEventLog } from '../../src/store/redis-event-log.js';
import { expectBoundedScans } from '../helpers/event-log-scan.js';
import { registryCheckKey } from '../../src/store/redis-registry-check-store.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { notification } from '../helpers/event-fixtures.js';

const logger = silentLogger();


async function count(metrics: GatewayMetrics, name: 'cacheHits' | 'cacheMisses', kind: string): Promise<number> {
  const metric = await metrics[name].get();
  return metric.values.find((value) => value.labels.kind === kind)?.value ?? 0;
}

let server: RedisServerHandle;
let admin: Redis;
let metrics: GatewayMetrics;
/** Stores of "instance A"; a second instance gets its own connection where a test needs one. */
let stores: Stores;
const extraConnections: RedisConnection[] = [];
const extraLogs: RedisEventLog[] = [];

/** Another gateway instance's connection, ready to use (commands fail fast until it is). */
async function secondConnection(): Promise<RedisConnection> {
  const connection = connectRedis([server.url], logger);
  extraConnections.push(connection);
  expect(await connection.ready()).toBe(true);
  return connection;
}

async function secondEventLog(): Promise<RedisEventLog> {
  const log = new RedisEventLog({ connection: await secondConnection(), logger, blockMs: 500 });
  extraLogs.push(log);
  return log;
}

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
  metrics = createMetrics();
  stores = createStores({ redisUrls: [server.url], metrics, logger });
  expect(await stores.redis!.ready()).toBe(true);
});

afterAll(async () => {
  await Promise.all(extraLogs.map((log) => log.close()));
  await Promise.all(extraConnections.map((connection) => connection.close()));
  await stores?.close();
  admin?.disconnect();
  await server?.stop();
});

beforeEach(async () => {
  await admin.flushall();
});

describe('RedisCache', () => {
  it('should count a miss, then a hit after set, per kind', async () => {
    const { cache } = stores;
    const hitsBefore = await count(metrics, 'cacheHits', 'contact');
    const missesBefore = await count(metrics, 'cacheMisses', 'contact');
    expect(await cache.get('contact', 'RR:acme:h1')).toBeUndefined();
    await cache.set('contact', 'RR:acme:h1', { handle: 'h1' });
    expect(await cache.get('contact', 'RR:acme:h1')).toEqual({ handle: 'h1' });
    expect(await cache.getMany('contact', ['RR:acme:h1', 'RR:acme:h2'])).toEqual([{ handle: 'h1' }, undefined]);
    expect((await count(metrics, 'cacheHits', 'contact')) - hitsBefore).toBe(2);
    expect((await count(metrics, 'cacheMisses', 'contact')) - missesBefore).toBe(2);
    expect(await admin.exists(cacheKey('contact', 'RR:acme:h1', stores.digest))).toBe(1);
    expect(await admin.pttl(cacheKey('contact', 'RR:acme:h1', stores.digest))).toBeGreaterThan(59_000);
  });

  it('should honour a short ttl and delete', async () => {
    const { cache } = stores;
    await cache.setMany('email-verification', [['e1', 'a'], ['e2', 'b']], 50);
    await cache.delete('email-verification', 'e1');
    expect(await cache.getMany('email-verification', ['e1', 'e2'])).toEqual([undefined, 'b']);
    await vi.waitFor(async () => expect(await cache.get('email-verification', 'e2')).toBeUndefined(), { timeout: 2_000 });
  });

  it('should clear a kind for every instance at once, leaving other kinds', async () => {
    // Another instance of the same deployment: the same digest key.
    const other = new RedisCache({ connection: await secondConnection(), logger, digest: stores.digest });
    await stores.cache.setMany('list-page', [['p1', 1], ['p2', 2]]);
    await stores.cache.set('contact', 'c1', 'kept');
    expect(await other.getMany('list-page', ['p1', 'p2'])).toEqual([1, 2]);
    await other.clearKind('list-page');
    expect(await stores.cache.getMany('list-page', ['p1', 'p2'])).toEqual([undefined, undefined]);
    expect(await stores.cache.get('contact', 'c1')).toBe('kept');
    await stores.cache.set('list-page', 'p1', 'fresh');
    expect(await other.get('list-page', 'p1')).toBe('fresh');
  });
});

describe('RedisEventLog', () => {
  it('should append exactly once under 20 concurrent appends of the same dedupe key', async () => {
    const logs = [stores.eventLog, await secondEventLog(), await secondEventLog()];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => logs[i % logs.length]!.append(notification(i), { dedupeKey: 'veriff:session-1' })),
    );
    const originals = results.filter((result) => !result.duplicate);
    expect(originals).toHaveLength(1);
    for (const result of results) expect(result.event).toEqual(originals[0]!.event);
    expect(await stores.eventLog.read({ limit: 100 })).toEqual([originals[0]!.event]);
    expect(await admin.pttl('vgw:{events}:dedupe:veriff:session-1')).toBeGreaterThan(7 * 24 * 3600_000);
  });

  it('should page with read(after) in id order and filter', async () => {
    const { eventLog } = stores;
    const appended: VerificationEvent[] = [];
    for (let i = 0; i < 7; i++) {
      appended.push((await eventLog.append(notification(i, { provider: i % 3 ? 'REALTIME_REGISTER' : 'VERIFF' }))).event);
    }
    const paged: VerificationEvent[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await eventLog.read({ after, limit: 3 });
      if (page.length === 0) break;
      paged.push(...page);
      after = page[page.length - 1]!.id;
    }
    expect(paged).toEqual(appended);
    const veriff = await eventLog.read({ after: appended[0]!.id, limit: 5, filter: { providers: ['VERIFF'] } });
    expect(veriff.map((event) => event.contactHandle)).toEqual(['handle-3', 'handle-6']);
    await expect(eventLog.read({ after: 'not-an-id', limit: 1 })).rejects.toThrow(InvalidEventId);
  });

  it('scans no more than scanLimit events, and says where it stopped', async () => {
    await expectBoundedScans(stores.eventLog);
  });

  it('should deliver an event appended by one instance to a subscriber on another', async () => {
    const b = await secondEventLog();
    const received: VerificationEvent[] = [];
    b.subscribe((event) => received.push(event));
    // A read on B's connection completes after B's subscription has fixed its starting point.
    await b.read({ limit: 1 });
    const { event } = await stores.eventLog.append(notification(42));
    const second = await stores.eventLog.append(notification(43));
    await vi.waitFor(() => expect(received).toEqual([event, second.event]), { timeout: 3_000 });
  });
});

describe('Redis keyed stores and locks', () => {
  it('should put, get and list verification requests in one hash', async () => {
    const request = { id: 'RR:acme:n1', provider: 'REALTIME_REGISTER', contactHandle: 'h1', status: 'OPEN' } as VerificationRequest;
    await stores.verificationRequests.put(request);
    await stores.verificationRequests.put({ ...request, id: 'RR:acme:n2' });
    expect(await stores.verificationRequests.get('RR:acme:n1')).toEqual(request);
    expect(await stores.verificationRequests.get('nope')).toBeNull();
    expect((await stores.verificationRequests.list()).map((r) => r.id).sort()).toEqual(['RR:acme:n1', 'RR:acme:n2']);
    expect(await admin.hlen('vgw:{requests}:all')).toBe(2);
  });

  it('should keep registry checks for 90 days', async () => {
    const check = { id: 'session-1', provider: 'VERIFF', status: 'APPROVED', idNumberLast4: '1234' } as RegistryCheck;
    await stores.registryChecks.put(check);
    expect(await stores.registryChecks.get('session-1')).toEqual(check);
    expect(await admin.pttl(registryCheckKey('session-1'))).toBeGreaterThan(89 * 24 * 3600_000);
  });

  it('should hand a lock to one holder and release only with its token', async () => {
    const lease = await stores.locks.acquire('rr-poll', 5_000);
    expect(lease).not.toBeNull();
    expect(await stores.locks.acquire('rr-poll', 5_000)).toBeNull();
    expect(await lease!.renew()).toBe(true);
    await admin.set('vgw:lock:rr-poll', 'someone-else');
    expect(await lease!.renew()).toBe(false);
    await lease!.release();
    expect(await admin.get('vgw:lock:rr-poll')).toBe('someone-else');
    await admin.del('vgw:lock:rr-poll');
    const next = await stores.locks.acquire('rr-poll', 5_000);
    await next!.release();
    expect(await admin.exists('vgw:lock:rr-poll')).toBe(0);
  });
});

describe('when Redis crashes and comes back', () => {
  it('should degrade the cache, fail the log and stores loudly, and recover by itself', async () => {
    const b = await secondEventLog();
    const received: string[] = [];
    b.subscribe((event) => received.push(event.contactHandle ?? ''));
    await b.read({ limit: 1 });
    await stores.cache.set('contact', 'c1', 'before');

    await server.kill();
    // A dead Redis is a miss (the test would time out if the call hung), never an error.
    expect(await stores.cache.get('contact', 'c1')).toBeUndefined();
    expect(stores.cache.degraded).toBe(true);
    await expect(stores.eventLog.append(notification(1))).rejects.toThrow(EventLogUnavailable);
    await expect(stores.verificationRequests.list()).rejects.toThrow(StoreUnavailable);
    expect(await stores.health()).toMatchObject({ redis: 'down', cache: 'degraded' });

    await server.restart();
    // Recovers without help: health() probes, as /readyz does.
    await vi.waitFor(async () => expect(await stores.health()).toMatchObject({ redis: 'ok', cache: 'ok' }), { timeout: 5_000, interval: 100 });
    expect(stores.cache.degraded).toBe(false);
    await stores.cache.set('contact', 'c1', 'after');
    expect(await stores.cache.get('contact', 'c1')).toBe('after');
    await stores.eventLog.append(notification(2));
    await vi.waitFor(() => expect(received).toEqual(['handle-2']), { timeout: 5_000 });
  });
});
