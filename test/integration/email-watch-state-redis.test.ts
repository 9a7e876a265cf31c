import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EmailVerification } from '../../src/domain/email-verification.js';
import type { VerificationEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createEmailStatusWatcher, type EmailStatusWatcher } from '../../src/services/email-status-watcher.js';
import { createEventService } from '../../src/services/events.js';
import { EMAIL_WATCH_SETTLED_KEY, RedisEmailWatchStateStore } from '../../src/store/redis-email-watch-state.js';
import { StoreUnavailable } from '../../src/store/store-errors.js';
import { createStores, type EmailWatchStateStore, type Stores } from '../../src/store/index.js';
import { emailRow, fakeEmailService, putRow } from '../helpers/email-verification-table.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { expectTwoOfEachKindKept } from '../helpers/email-watch-state-bound.js';

type EmailChanged = Extract<VerificationEvent, { type: 'EMAIL_VERIFICATION_CHANGED' }>;

let server: RedisServerHandle;
/** The deployment's digest key: every instance derives the same one (GATEWAY_DIGEST_SECRET or the credentials). */
const digestKey = randomBytes(32);
const opened: Stores[] = [];
const running: EmailStatusWatcher[] = [];
/** What the providers hold, shared by every instance. */
const table = new Map<string, EmailVerification>();

beforeAll(async () => {
  server = await startRedisServer();
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(running.splice(0).map((watcher) => watcher.stop()));
  await Promise.all(opened.splice(0).map((stores) => stores.close()));
  table.clear();
  const cleaner = await openStores();
  await cleaner.redis!.client.flushall();
  await cleaner.close();
  opened.length = 0;
});

afterAll(async () => {
  await server?.stop();
});

/** One gateway instance's stores on the shared Redis. */
async function openStores(): Promise<Stores> {
  const stores = createStores({ redisUrls: [server.url], metrics: createMetrics(), logger: silentLogger(), digestKey });
  opened.push(stores);
  expect(await stores.redis!.ready()).toBe(true);
  return stores;
}

/** One instance's watcher (not started); `state` replaces the instance's store, to make its writes fail. */
function watcherOn(stores: Stores, state: EmailWatchStateStore = stores.emailWatch): EmailStatusWatcher {
  const watcher = createEmailStatusWatcher({
    emailVerifications: fakeEmailService(table),
    events: createEventService({ stores, metrics: createMetrics(), logger: silentLogger() }),
    locks: stores.locks,
    state,
    digest: stores.digest,
    intervalMs: 60_000,
    logger: silentLogger(),
  });
  running.push(watcher);
  return watcher;
}

/** Runs the round start() begins and one more, as the holder of the lease. */
async function holdAndCheck(watcher: EmailStatusWatcher): Promise<void> {
  watcher.start();
  await watcher.checkNow();
}

async function announced(stores: Stores): Promise<[string, string | null, string][]> {
  const events = (await stores.eventLog.read({ limit: 100 })) as EmailChanged[];
  return events.map((event) => [event.emailVerification.email, event.previousStatus, event.emailVerification.status]);
}

describe('the email watch kept in Redis', () => {
  it('announces a row that moved while no instance held the lease exactly once, by the next instance to take it', async () => {
    for (const name of ['a', 'b']) putRow(table, emailRow(`${name}@example.com`, 'PENDING'));
    putRow(table, emailRow('c@example.com', 'VERIFIED'));
    const first = await openStores();
    const second = await openStores();
    const one = watcherOn(first);
    await holdAndCheck(one);
    await one.stop();

    // Nobody holds the lease: a is verified, c resent (pending again).
    putRow(table, emailRow('a@example.com', 'VERIFIED'));
    putRow(table, emailRow('c@example.com', 'PENDING'));
    const other = watcherOn(second);
    await holdAndCheck(other);
    await other.stop();
    // The first instance takes the lease back: everything was announced already.
    await holdAndCheck(watcherOn(first));

    expect((await announced(first)).sort()).toEqual([
      ['a@example.com', 'PENDING', 'VERIFIED'],
      ['c@example.com', null, 'PENDING'],
    ]);
  });

  it('carries on after a single gateway restarts: the move made while it was down is announced once', async () => {
    putRow(table, emailRow('a@example.com', 'PENDING'));
    const before = await openStores();
    const watcher = watcherOn(before);
    await holdAndCheck(watcher);
    await watcher.stop();
    await before.close();

    putRow(table, emailRow('a@example.com', 'FAILED'));
    const after = await openStores();
    await holdAndCheck(watcherOn(after));
    putRow(table, emailRow('a@example.com', 'PENDING')); // resent: the event says from what
    await running.at(-1)!.checkNow();

    expect(await announced(after)).toEqual([
      ['a@example.com', 'PENDING', 'FAILED'],
      ['a@example.com', 'FAILED', 'PENDING'],
    ]);
  });

  it('announces once a move whose holder stopped before storing it: the next holder names it alike and the log deduplicates it', async () => {
    putRow(table, emailRow('a@example.com', 'PENDING'));
    const first = await openStores();
    const second = await openStores();
    // The first holder records the event, then cannot store the row's new state (Redis went away for that write).
    const unstorable: EmailWatchStateStore = {
      watched: () => first.emailWatch.watched(),
      begin: (rows) => first.emailWatch.begin(rows),
      watch: (row) => first.emailWatch.watch(row),
      settle: async () => {
        throw new StoreUnavailable('the email watch state is unavailable');
      },
      unwatch: (key) => first.emailWatch.unwatch(key),
      settledOf: (keys) => first.emailWatch.settledOf(keys),
    };
    const one = watcherOn(first, unstorable);
    await holdAndCheck(one);
    putRow(table, emailRow('a@example.com', 'VERIFIED'));
    await one.checkNow();
    expect(await announced(first)).toEqual([['a@example.com', 'PENDING', 'VERIFIED']]);
    await one.stop();

    // The next holder comes intervals later (a crashed holder's lease expires after three): the same change must
    // not become a new one with the clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5 * 60_000);
    await holdAndCheck(watcherOn(second));
    expect(await announced(second)).toEqual([['a@example.com', 'PENDING', 'VERIFIED']]);
    expect(await second.emailWatch.watched()).toEqual([]);
  });

  it('announces a move made while Redis lost its data: the holder carries on from its memory and stores the watch again', async () => {
    for (const name of ['a', 'b']) putRow(table, emailRow(`${name}@example.com`, 'PENDING'));
    const stores = await openStores();
    const watcher = watcherOn(stores);
    await holdAndCheck(watcher);

    // Redis comes back empty (restarted without persistence): the lease and the stored watch are gone with it.
    await stores.redis!.client.flushall();
    putRow(table, emailRow('a@example.com', 'VERIFIED'));
    await watcher.checkNow();

    expect(await announced(stores)).toEqual([['a@example.com', 'PENDING', 'VERIFIED']]);
    expect((await stores.emailWatch.watched())!.map((row) => row.key)).toEqual([`OPENPROVIDER:b@example.com:example.com`]);
  });

  it('keeps no address in key names, hash fields or settled values, and the watched row keys only as values', async () => {
    for (const name of ['a', 'b']) putRow(table, emailRow(`${name}@example.com`, 'PENDING'));
    const stores = await openStores();
    const watcher = watcherOn(stores);
    await holdAndCheck(watcher);
    putRow(table, emailRow('a@example.com', 'VERIFIED'));
    await watcher.checkNow();
    const client = stores.redis!.client;

    const keys = await client.keys('*');
    expect(keys.filter((key) => key.includes('@'))).toEqual([]);
    expect(keys.some((key) => key.startsWith('vgw:{events}:dedupe:email:'))).toBe(true);
    const settled = await client.hgetall(EMAIL_WATCH_SETTLED_KEY);
    expect(Object.keys(settled)).toHaveLength(1);
    expect(JSON.stringify(settled)).not.toContain('@');
    expect((await stores.emailWatch.watched())!.map((row) => row.key)).toEqual([`OPENPROVIDER:b@example.com:example.com`]);
  });

  it('moves the rows stored under another digest key (an API key added) to the current one, so they can still be settled', async () => {
    const stores = await openStores();
    const before = new RedisEmailWatchStateStore(stores.redis!, stores.digest);
    await before.begin([{ key: 'k1', status: 'PENDING', since: 1 }, { key: 'k2', status: 'PENDING', since: 2 }]);
    const after = new RedisEmailWatchStateStore(stores.redis!, (data) => `other-${stores.digest(data)}`);

    expect((await after.watched())!.map((row) => row.key).sort()).toEqual(['k1', 'k2']);
    await after.settle('k1', { status: 'VERIFIED', since: 3 });
    await after.unwatch('k2');
    expect(await after.watched()).toEqual([]);
    expect(await stores.redis!.client.zcard('vgw:{email-watch}:watched-order')).toBe(0);
  });

  it('keeps at most its limit of rows of each kind, dropping the oldest first', async () => {
    const stores = await openStores();
    await expectTwoOfEachKindKept(new RedisEmailWatchStateStore(stores.redis!, stores.digest, 2));
  });
});
