import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { emailVerificationKey, type EmailVerification } from '../../src/domain/email-verification.js';
import { ProviderFailure } from '../../src/domain/errors.js';
import type { VerificationEvent } from '../../src/domain/events.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createEmailStatusWatcher } from '../../src/services/email-status-watcher.js';
import type { EmailVerificationService } from '../../src/services/email-verifications.js';
import { createEventService } from '../../src/services/events.js';
import { EventLogUnavailable } from '../../src/store/event-log.js';
import { createStores, StoreUnavailable, type EmailWatchStateStore } from '../../src/store/index.js';
import { MemoryEmailWatchStateStore } from '../../src/store/email-watch-state.js';
import { emailRow as row, fakeEmailService } from '../helpers/email-verification-table.js';
import { expectTwoOfEachKindKept } from '../helpers/email-watch-state-bound.js';

/** The store, but its next `refused.writes` writes fail as Redis away would fail them. */
function refusingWrites(store: EmailWatchStateStore, refused: { writes: number }): EmailWatchStateStore {
  const refuse = (): void => {
    if (refused.writes <= 0) return;
    refused.writes--;
    throw new StoreUnavailable('the email watch state is unavailable');
  };
  return {
    watched: () => store.watched(),
    begin: (rows) => store.begin(rows),
    watch: async (row) => (refuse(), store.watch(row)),
    settle: async (key, settled) => (refuse(), store.settle(key, settled)),
    unwatch: async (key) => (refuse(), store.unwatch(key)),
    settledOf: (keys) => store.settledOf(keys),
  };
}

function setup(
  service: (rows: Map<string, EmailVerification>, calls: string[]) => EmailVerificationService = fakeEmailService,
  logger = silentLogger(),
  options: { maxPages?: number; maxRereads?: number } = {},
) {
  const metrics = createMetrics();
  const stores = createStores({ redisUrls: [], metrics, logger: silentLogger() });
  const events = createEventService({ stores, metrics, logger: silentLogger() });
  /** Addresses whose change cannot be appended (the event log fails for them). */
  const unstorable = new Set<string>();
  const record = events.record.bind(events);
  events.record = async (payload, options) => {
    if (payload.type === 'EMAIL_VERIFICATION_CHANGED' && unstorable.has(payload.emailVerification.email)) throw new EventLogUnavailable();
    return record(payload, options);
  };
  const rows = new Map<string, EmailVerification>();
  const calls: string[] = [];
  const put = (item: EmailVerification) => rows.set(emailVerificationKey(item), item);
  /** How many state writes the store refuses next (Redis away for them). */
  const refused = { writes: 0 };
  const watcher = createEmailStatusWatcher({
    emailVerifications: service(rows, calls),
    events,
    locks: stores.locks,
    state: refusingWrites(stores.emailWatch, refused),
    digest: stores.digest,
    intervalMs: 60_000,
    logger,
    ...options,
  });
  const recorded = async () => (await stores.eventLog.read({ limit: 100 })) as Extract<VerificationEvent, { type: 'EMAIL_VERIFICATION_CHANGED' }>[];
  return { rows, calls, put, watcher, recorded, unstorable, refused, stores };
}

describe('email status watcher', () => {
  it('learns the pending rows first, then records each status move with the previous status', async () => {
    const { put, watcher, recorded } = setup();
    for (const name of ['a', 'b', 'c']) put(row(`${name}@example.com`, 'PENDING'));
    put(row('d@example.com', 'FAILED'));
    watcher.start();
    expect(await watcher.checkNow()).toBe(0);

    put(row('a@example.com', 'VERIFIED'));
    put(row('c@example.com', 'FAILED'));
    put(row('d@example.com', 'PENDING')); // resent: pending again
    expect(await watcher.checkNow()).toBe(3);
    expect(await watcher.checkNow()).toBe(0);
    put(row('c@example.com', 'PENDING')); // resent after it failed
    expect(await watcher.checkNow()).toBe(1);
    await watcher.stop();

    const events = await recorded();
    expect(events.map((event) => [event.emailVerification.email, event.previousStatus, event.emailVerification.status]).sort()).toEqual([
      ['a@example.com', 'PENDING', 'VERIFIED'],
      ['c@example.com', 'FAILED', 'PENDING'],
      ['c@example.com', 'PENDING', 'FAILED'],
      ['d@example.com', null, 'PENDING'],
    ]);
    expect(events.every((event) => event.type === 'EMAIL_VERIFICATION_CHANGED' && event.contactHandle !== null)).toBe(true);
  });

  it('logs how many rows it watches and how many moved, never their addresses', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
    const { put, watcher } = setup(fakeEmailService, logger);
    for (const name of ['a', 'b', 'c']) put(row(`${name}@example.com`, 'PENDING'));
    watcher.start();
    await watcher.checkNow();
    put(row('a@example.com', 'VERIFIED'));
    await watcher.checkNow();
    await watcher.checkNow();
    await watcher.stop();
    const progress = lines.map((line) => JSON.parse(line)).filter((line) => line.msg.includes('email verification'));
    expect(progress.map(({ msg, watching, changed }) => ({ msg, watching, changed }))).toEqual([
      { msg: 'watching pending email verifications for status changes', watching: 3, changed: undefined },
      { msg: 'email verification statuses changed', watching: 2, changed: 1 },
    ]);
    expect(lines.join('')).not.toContain('@example.com');
  });

  it('reads only pending rows, and re-reads by key only the rows that left the pending list', async () => {
    const { put, calls, watcher } = setup();
    for (const name of ['a', 'b', 'c']) put(row(`${name}@example.com`, 'PENDING'));
    watcher.start();
    await watcher.checkNow();
    put(row('b@example.com', 'VERIFIED'));
    calls.length = 0;
    await watcher.checkNow();
    await watcher.stop();
    expect(calls).toEqual(['list', `get:${emailVerificationKey(row('b@example.com', 'VERIFIED'))}`]);
  });

  it('re-reads at most maxRereads rows a round, those that waited longest first, when pending rows slip out of the pages it reads', async () => {
    // One page of two rows a round; a and b are watched, then two newer pending rows take the page before them.
    const { rows, put, calls, watcher } = setup(fakeEmailService, silentLogger(), { maxPages: 1, maxRereads: 1 });
    const a = row('a@example.com', 'PENDING');
    const b = row('b@example.com', 'PENDING');
    put(a);
    put(b);
    watcher.start();
    await watcher.checkNow();
    rows.clear();
    for (const item of [row('c@example.com', 'PENDING'), row('d@example.com', 'PENDING'), a, b]) put(item);
    const rereadsOf = async () => {
      calls.length = 0;
      await watcher.checkNow();
      return calls.filter((call) => call.startsWith('get:'));
    };
    expect(await rereadsOf()).toEqual([`get:${emailVerificationKey(a)}`]);
    expect(await rereadsOf()).toEqual([`get:${emailVerificationKey(b)}`]);
    expect(await rereadsOf()).toEqual([`get:${emailVerificationKey(a)}`]);
    await watcher.stop();
  });

  it('keeps watching a row whose re-read is still stale, and records the move once the re-read catches up', async () => {
    // The list no longer shows the row as pending, but the keyed re-read answers from an older cache entry.
    const stale = new Map<string, EmailVerification>();
    const { put, watcher, recorded } = setup((rows, calls) => {
      const live = fakeEmailService(rows, calls);
      return { ...live, get: async (id, scope) => stale.get(id) ?? live.get(id, scope) };
    });
    put(row('a@example.com', 'PENDING'));
    watcher.start();
    await watcher.checkNow();
    put(row('a@example.com', 'VERIFIED'));
    stale.set(emailVerificationKey(row('a@example.com', 'PENDING')), row('a@example.com', 'PENDING'));
    expect(await watcher.checkNow()).toBe(0);
    stale.clear();
    expect(await watcher.checkNow()).toBe(1);
    await watcher.stop();
    expect((await recorded()).map((event) => [event.previousStatus, event.emailVerification.status])).toEqual([['PENDING', 'VERIFIED']]);
  });

  it('skips a round, recording nothing, while the email providers fail', async () => {
    const { watcher, recorded } = setup(() => {
      const missing = async (): Promise<never> => {
        throw ProviderFailure.disabled('OPENPROVIDER');
      };
      return { list: missing, get: missing, forContact: missing, resend: missing };
    });
    watcher.start();
    expect(await watcher.checkNow()).toBe(0);
    await watcher.stop();
    expect(await recorded()).toEqual([]);
  });

  it('records each change once when the log failed part way through a round: the next round records only the rest', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { put, watcher, recorded, unstorable } = setup();
      for (const name of ['a', 'b']) put(row(`${name}@example.com`, 'PENDING'));
      watcher.start();
      await watcher.checkNow();
      put(row('a@example.com', 'VERIFIED'));
      put(row('b@example.com', 'VERIFIED'));
      unstorable.add('b@example.com');
      await watcher.checkNow();
      // The next round comes one interval later, as scheduled (within the watcher's lease).
      vi.setSystemTime(Date.now() + 61_000);
      unstorable.clear();
      await watcher.checkNow();
      await watcher.checkNow();
      await watcher.stop();
      expect((await recorded()).map((event) => [event.emailVerification.email, event.previousStatus, event.emailVerification.status]).sort()).toEqual([
        ['a@example.com', 'PENDING', 'VERIFIED'],
        ['b@example.com', 'PENDING', 'VERIFIED'],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends a round at a state write the store did not take, stores it first next round, and announces nothing twice', async () => {
    const { put, watcher, recorded, refused, stores } = setup();
    for (const name of ['a', 'b']) put(row(`${name}@example.com`, 'PENDING'));
    watcher.start();
    await watcher.checkNow();
    put(row('a@example.com', 'VERIFIED'));
    put(row('b@example.com', 'VERIFIED'));
    refused.writes = 2;
    expect(await watcher.checkNow()).toBe(1); // a announced, its state refused: the round ends there
    expect(await watcher.checkNow()).toBe(0); // the write is refused again: the round is skipped
    expect(await watcher.checkNow()).toBe(1); // a's state stored first, then b announced
    await watcher.stop();
    expect((await recorded()).map((event) => [event.emailVerification.email, event.emailVerification.status]).sort()).toEqual([
      ['a@example.com', 'VERIFIED'],
      ['b@example.com', 'VERIFIED'],
    ]);
    expect(await stores.emailWatch.watched()).toEqual([]);
  });

  it('carries on from the stored state when started again on the same stores, announcing only what moved meanwhile', async () => {
    const { put, watcher, recorded, stores } = setup();
    for (const name of ['a', 'b']) put(row(`${name}@example.com`, 'PENDING'));
    watcher.start();
    await watcher.checkNow();
    await watcher.stop();
    put(row('b@example.com', 'FAILED'));
    watcher.start();
    await watcher.checkNow();
    await watcher.stop();
    expect((await recorded()).map((event) => [event.emailVerification.email, event.previousStatus, event.emailVerification.status])).toEqual([
      ['b@example.com', 'PENDING', 'FAILED'],
    ]);
    expect((await stores.emailWatch.watched())!.map((watched) => watched.key)).toEqual([emailVerificationKey(row('a@example.com', 'PENDING'))]);
  });
});

describe('the email watch state in memory', () => {
  it('keeps at most its limit of rows of each kind, dropping the oldest first', async () => {
    const state = new MemoryEmailWatchStateStore(2);
    expect(await state.watched()).toBeNull();
    await expectTwoOfEachKindKept(state);
  });
});
