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
import { createStores } from '../../src/store/index.js';

function row(email: string, status: EmailVerification['status']): EmailVerification {
  return {
    provider: 'OPENPROVIDER',
    email,
    handle: `h-${email.split('@')[0]}`,
    domain: 'example.com',
    status,
    failureReason: null,
    providerStatus: status.toLowerCase(),
    suspended: false,
    expiresAt: null,
    lastNotifiedAt: null,
  };
}

/** An email service over a mutable table; list pages by 2 to exercise paging. */
function fakeEmailService(rows: Map<string, EmailVerification>, calls: string[]): EmailVerificationService {
  return {
    async list(filter, page) {
      calls.push('list');
      const matching = [...rows.values()].filter((item) => !filter?.status?.length || filter.status.includes(item.status));
      const start = page.after ? Number(page.after) : 0;
      const slice = matching.slice(start, start + 2);
      return {
        items: slice.map((node, i) => ({ cursor: String(start + i + 1), node })),
        totalCount: matching.length,
        hasNextPage: start + 2 < matching.length,
        hasPreviousPage: start > 0,
      };
    },
    async get(id) {
      calls.push(`get:${id}`);
      return rows.get(id) ?? null;
    },
    forContact: async () => [],
    resend: async () => null,
  };
}

function setup(service: (rows: Map<string, EmailVerification>, calls: string[]) => EmailVerificationService = fakeEmailService, logger = silentLogger()) {
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
  const watcher = createEmailStatusWatcher({
    emailVerifications: service(rows, calls),
    events,
    locks: stores.locks,
    intervalMs: 60_000,
    logger,
  });
  const recorded = async () => (await stores.eventLog.read({ limit: 100 })) as Extract<VerificationEvent, { type: 'EMAIL_VERIFICATION_CHANGED' }>[];
  return { rows, calls, put, watcher, recorded, unstorable };
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
});
