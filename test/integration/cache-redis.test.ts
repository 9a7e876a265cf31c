import { createServer, type Server, type Socket, connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { connectRedis } from '../../src/store/redis-connection.js';
import { cacheKey } from '../../src/store/cache.js';
import { keyedDigest, processDigestKey } from '../../src/store/digest-key.js';
import { RedisCache } from '../../src/store/redis-cache.js';
import { registryCheckKey } from '../../src/store/redis-registry-check-store.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { freePort, startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import {
  cacheCounts,
  CONTACT,
  CONTACTS,
  emailChanged,
  idCard,
  openproviderLists,
  pendingOpenproviderRow,
  readiness,
  rtrHandle,
  rtrReads,
  SUBMIT,
  untilReadiness,
} from './cache-support.js';

/**
 * Two gateways on one redis-server and ONE set of simulators (B reuses A's), so an upstream count means "calls any
 * instance made". The cache is shared: what one instance read the other serves, what one invalidates is gone for
 * both, and Redis trouble (down, paused) slows nothing down for long and fails no read.
 */

let redis: RedisServerHandle;
let admin: Redis;
let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  a = await startTestGateway({ env: { REDIS_URL: redis.url, VERIFF_REGISTRY_MODE: 'sync' } });
  b = await startTestGateway({ env: { REDIS_URL: redis.url }, gateway: { sandbox: { existing: a.sandbox! } } });
  await Promise.all([untilReadiness(a, 'ready'), untilReadiness(b, 'ready')]);
}, 30_000);

afterAll(async () => {
  await Promise.allSettled([b?.stop()]);
  await Promise.allSettled([a?.stop()]);
  admin?.disconnect();
  await redis?.stop();
});

const sandbox = () => a.sandbox!;

describe('two gateways sharing one Redis', () => {
  it('uses the same simulators for both instances', () => {
    expect(b.sandbox).toBe(a.sandbox);
  });

  it("serves the second instance's first read from the cache the first one filled", async () => {
    const handles = Array.from({ length: 120 }, (_, index) => rtrHandle(index + 1));
    const before = rtrReads(sandbox());
    const cold = await a.graphql(CONTACTS, { handles });
    expect(rtrReads(sandbox()) - before).toBe(2);

    const counts = await cacheCounts(b, 'contact');
    const onB = await b.graphql(CONTACTS, { handles });
    expect(onB.data).toEqual(cold.data);
    expect(rtrReads(sandbox()) - before).toBe(2);
    const after = await cacheCounts(b, 'contact');
    expect(after.hits - counts.hits).toBe(120);
    expect(after.misses - counts.misses).toBe(0);
  });

  it('reads fresh data on one instance after a write on the other, with exactly one upstream read', async () => {
    const handle = rtrHandle(151);
    await b.graphql(CONTACTS, { handles: [handle] });
    const before = rtrReads(sandbox());
    const submitted = await a.graphql(SUBMIT, { input: { handle, verifications: [idCard('cache-redis-1')] } });
    expect(submitted.data.submitContactVerification.__typename).toBe('SubmitContactVerificationSuccess');

    const fresh = await b.graphql(CONTACTS, { handles: [handle] });
    expect(fresh.data.contacts[0].verifications).toContainEqual({ externalId: 'cache-redis-1', proof: 'ID_CARD' });
    expect(rtrReads(sandbox()) - before).toBe(1);
    await a.graphql(CONTACTS, { handles: [handle] });
    await b.graphql(CONTACTS, { handles: [handle] });
    expect(rtrReads(sandbox()) - before).toBe(1);
  });

  it('drops cached email verifications on every instance when one records EMAIL_VERIFICATION_CHANGED', async () => {
    const row = pendingOpenproviderRow(sandbox());
    const statusOn = async (gateway: TestGateway) => {
      const reply = await gateway.graphql(CONTACT, { provider: 'OPENPROVIDER', handle: row.handle });
      expect(reply.errors).toBeUndefined();
      return reply.data.contact.emailVerifications.find((verification: { domain: string }) => verification.domain === row.domain)?.status;
    };
    expect(await statusOn(b)).toBe('PENDING');
    for (const simRow of sandbox().openprovider.rowsOf(row.email)) if (simRow.domain === row.domain) simRow.status = 'verified';
    expect(await statusOn(b)).toBe('PENDING');

    const before = openproviderLists(sandbox());
    await a.services.events.record(emailChanged('OPENPROVIDER', row));
    expect(await statusOn(b)).toBe('VERIFIED');
    expect(await statusOn(a)).toBe('VERIFIED');
    expect(openproviderLists(sandbox()) - before).toBe(1);
  });

  it('never caches a registry check: no cache key holds any of its data after a run', async () => {
    const idNumber = '39912310129';
    await a.graphql(CONTACTS, { handles: [rtrHandle(161)] });
    const reply = await a.graphql(
      `mutation V($input: ValidateRegistryInput!) { validateRegistry(input: $input) { __typename ... on ValidateRegistrySuccess { registryCheck { id sessionId status } } } }`,
      { input: { idNumber, firstName: 'Zebulon', lastName: 'Quaxley', dateOfBirth: '1980-01-08' } },
    );
    const check = reply.data.validateRegistry.registryCheck;
    expect(check.status).toBe('APPROVED');
    // Read on both instances: from the shared store, never through the cache.
    for (const gateway of [a, b]) {
      const read = await gateway.graphql(`query G($id: ID!) { registryCheck(id: $id) { status idNumberLast4 } }`, { id: check.id });
      expect(read.data.registryCheck).toEqual({ status: 'APPROVED', idNumberLast4: '0129' });
    }
    expect(await cacheCounts(a, 'registry-check')).toEqual({ hits: 0, misses: 0 });

    const cacheKeys: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', 'vgw:v1:*', 'COUNT', 1000);
      cursor = next;
      cacheKeys.push(...keys);
    } while (cursor !== '0');
    expect(cacheKeys.some((key) => key.startsWith('vgw:v1:contact:'))).toBe(true);
    const values = await Promise.all(cacheKeys.map(async (key) => `${key} ${(await admin.type(key)) === 'string' ? await admin.get(key) : ''}`));
    for (const secret of [check.sessionId, idNumber, idNumber.slice(0, 7), 'Zebulon', 'Quaxley', 'registry']) {
      expect(values.filter((entry) => entry.includes(secret))).toEqual([]);
    }
    expect(await admin.exists(registryCheckKey(check.sessionId))).toBe(1);
  });
});

describe('when Redis is in trouble', () => {
  it('keeps answering while Redis is down (repeats from the local fallback), says degraded, and resumes shared hits once it is back', async () => {
    const warm = rtrHandle(171);
    await a.graphql(CONTACTS, { handles: [warm] });
    const before = rtrReads(sandbox());

    await redis.kill();
    for (const handle of [warm, rtrHandle(172), warm]) {
      const reply = await a.graphql(CONTACTS, { handles: [handle] });
      expect(reply.errors).toBeUndefined();
      expect(reply.data.contacts[0].handle).toBe(handle);
    }
    // Redis is bypassed; the in-process fallback serves the repeated handle, so only the two distinct ones went upstream.
    expect(rtrReads(sandbox()) - before).toBe(2);
    expect(await readiness(a)).toMatchObject({ status: 'degraded', redis: 'down', cache: 'degraded' });

    await redis.restart();
    await Promise.all([untilReadiness(a, 'ready'), untilReadiness(b, 'ready')]);
    const restarted = rtrReads(sandbox());
    await a.graphql(CONTACTS, { handles: [warm] });
    expect(rtrReads(sandbox()) - restarted).toBe(1);
    const counts = await cacheCounts(b, 'contact');
    await a.graphql(CONTACTS, { handles: [warm] });
    await b.graphql(CONTACTS, { handles: [warm] });
    expect(rtrReads(sandbox()) - restarted).toBe(1);
    expect((await cacheCounts(b, 'contact')).hits - counts.hits).toBe(1);
  });

  it('answers reads while Redis is paused (too slow to wait for), from upstream once and then the local fallback', async () => {
    await untilReadiness(a, 'ready');
    const handle = rtrHandle(181);
    const before = rtrReads(sandbox());
    // Every client of this Redis waits 3 s for an answer; the cache gives up after 150 ms once and then stops asking,
    // and so does the caller rate limiter after 100 ms (it falls back to a per-process bucket).
    await admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
    for (let i = 0; i < 3; i++) {
      const reply = await a.graphql(CONTACTS, { handles: [handle] });
      expect(reply.data.contacts[0].handle).toBe(handle);
    }
    expect(rtrReads(sandbox()) - before).toBe(1);
    expect((await readiness(a)).status).toBe('degraded');

    await untilReadiness(a, 'ready');
    const resumed = rtrReads(sandbox());
    await a.graphql(CONTACTS, { handles: [handle] });
    await a.graphql(CONTACTS, { handles: [handle] });
    expect(rtrReads(sandbox()) - resumed).toBe(1);
  });
});

/** A TCP proxy to Redis that the test can cut (a network partition between one instance and Redis). */
async function partitionableProxy(target: number): Promise<{ port: number; cut(): void; heal(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    heal() {
      open = true;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('RedisCache', () => {
  it('clears a kind whose invalidation it had to drop before it serves from Redis again', async () => {
    const proxy = await partitionableProxy(redis.port);
    const connection = connectRedis([`redis://127.0.0.1:${proxy.port}`], silentLogger(), { maxReconnectDelayMs: 100 });
    const key = processDigestKey();
    const digest = (text: string) => keyedDigest(key, text);
    const cache = new RedisCache({ connection, logger: silentLogger(), probeIntervalMs: 50, digest });
    try {
      expect(await connection.ready()).toBe(true);
      await cache.set('contact', 'k', 'old');
      await cache.set('list-page', 'p', 'kept');
      expect(await cache.get('contact', 'k')).toBe('old');

      proxy.cut();
      await vi.waitFor(() => expect(connection.healthy).toBe(false), { timeout: 5_000, interval: 10 });
      // The write happened upstream; the delete cannot reach Redis, which still holds the old value.
      await cache.delete('contact', 'k');
      expect(await admin.get(cacheKey('contact', 'k', digest))).toContain('old');
      expect(cache.degraded).toBe(true);
      expect(await cache.get('contact', 'k')).toBeUndefined();

      proxy.heal();
      await vi.waitFor(async () => expect(await cache.probe()).toBe(true), { timeout: 5_000, interval: 50 });
      expect(await cache.get('contact', 'k')).toBeUndefined();
      expect(await cache.get('list-page', 'p')).toBe('kept');
    } finally {
      await connection.close();
      await proxy.close();
    }
  });
});
