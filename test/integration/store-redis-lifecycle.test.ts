import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QuarantinedDelivery } from '../../src/domain/quarantined-delivery.js';
import type { VerificationRequest } from '../../src/domain/verification-request.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { RedisClaims } from '../../src/store/claims.js';
import { createStores, type Stores } from '../../src/store/index.js';
import { RedisProcessFollowUpStore } from '../../src/store/process-follow-up-store.js';
import { connectRedis, type RedisConnection } from '../../src/store/redis-connection.js';
import { RedisQuarantineStore } from '../../src/store/redis-quarantine-store.js';
import { RedisVerificationRequestStore } from '../../src/store/redis-verification-request-store.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

/** The Redis stores behind the request lifecycle, each shared by two instances (two connections). */
const logger = silentLogger();
let server: RedisServerHandle;
let stores: Stores;
let second: RedisConnection;

beforeAll(async () => {
  server = await startRedisServer();
  stores = createStores({ redisUrls: [server.url], metrics: createMetrics(), logger });
  second = connectRedis([server.url], logger);
  expect(await stores.redis!.ready()).toBe(true);
  expect(await second.ready()).toBe(true);
});

afterAll(async () => {
  await second?.close();
  await stores?.close();
  await server?.stop();
});

beforeEach(async () => {
  await stores.redis!.client.flushall();
});

const request: VerificationRequest = {
  id: 'rtr:acme:1',
  provider: 'REALTIME_REGISTER',
  customer: 'acme',
  contactHandle: 'h-1',
  claims: ['NAME'],
  status: 'OPEN',
  message: 'verify',
  receivedAt: '2026-01-01T00:00:00.000Z',
  deDelegationDomain: null,
  deDelegationDeadline: null,
  deletionDomain: null,
  deletionDeadline: null,
  notificationId: '1',
};

function delivery(n: number): QuarantinedDelivery {
  return {
    id: `rtr-webhook:${n}`,
    provider: 'REALTIME_REGISTER',
    source: 'rtr-webhook',
    reason: 'NOT_JSON',
    receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    bytes: 3,
    digest: String(n),
    body: `#${n}`,
    truncated: false,
    notificationId: null,
  };
}

describe('RedisVerificationRequestStore.update', () => {
  it('loses no change when 20 writers on two instances append at once', async () => {
    const here = stores.verificationRequests;
    const there = new RedisVerificationRequestStore(second);
    await here.put(request);
    const append = (store: typeof here, n: number) =>
      store.update(request.id, (current) => ({ ...current, claims: [...current.claims, n % 2 ? 'EMAIL' : 'VOICE'], message: `${current.message}.${n}` }));
    await Promise.all(Array.from({ length: 20 }, (_, n) => append(n % 2 ? here : there, n)));
    const stored = await here.get(request.id);
    expect(stored!.claims).toHaveLength(21);
    expect(stored!.message.split('.').slice(1).map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });

  it('writes nothing when the change says so, and answers null for a request that does not exist', async () => {
    await stores.verificationRequests.put(request);
    expect(await stores.verificationRequests.update(request.id, () => null)).toEqual(request);
    expect(await stores.verificationRequests.update('missing', (current) => current)).toBeNull();
  });
});

describe('RedisQuarantineStore', () => {
  it('keeps a delivery once, lists newest first, and evicts the oldest past its capacity', async () => {
    const quarantine = new RedisQuarantineStore(stores.redis!, 3);
    const other = new RedisQuarantineStore(second, 3);
    expect(await quarantine.add(delivery(1))).toBe(true);
    expect(await other.add(delivery(1))).toBe(false);
    for (const n of [2, 3, 4]) await (n % 2 ? quarantine : other).add(delivery(n));
    expect((await other.list(10)).map((entry) => entry.body)).toEqual(['#4', '#3', '#2']);
    expect((await quarantine.list(2)).map((entry) => entry.id)).toEqual(['rtr-webhook:4', 'rtr-webhook:3']);
  });
});

describe('RedisProcessFollowUpStore', () => {
  it('shares follow-ups between instances until removed', async () => {
    const followUp = { processId: '500001', requestId: request.id, customer: 'acme', since: '2026-01-01T00:00:00.000Z', nextCheckAt: 1, delayMs: 2_000, checks: 0 };
    await stores.processFollowUps.put(followUp);
    const there = new RedisProcessFollowUpStore(second);
    expect(await there.list()).toEqual([followUp]);
    await there.put({ ...followUp, checks: 1 });
    expect((await stores.processFollowUps.get('500001'))?.checks).toBe(1);
    await stores.processFollowUps.remove('500001');
    expect(await there.get('500001')).toBeNull();
  });
});

describe('RedisClaims', () => {
  it('gives a key to exactly one of many concurrent claimants across instances, until released', async () => {
    const there = new RedisClaims(second);
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => (n % 2 ? stores.claims : there).claim('reminder:x', 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    await there.release('reminder:x');
    expect(await stores.claims.claim('reminder:x', 60_000)).toBe(true);
  });
});
