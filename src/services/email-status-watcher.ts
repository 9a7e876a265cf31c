import { emailVerificationKey, type EmailVerification } from '../domain/email-verification.js';
import type { Logger } from '../observability/logger.js';
import type { EmailWatchStateStore, Locks, SettledEmailVerification, WatchedEmailVerification } from '../store/index.js';
import type { EmailVerificationService } from './email-verifications.js';
import type { EventService } from './events.js';
import { createLeasedInterval } from './leased-interval.js';
import type { RequestScope } from './request-scope.js';

export interface EmailStatusWatcherOptions {
  emailVerifications: EmailVerificationService;
  events: EventService;
  locks: Locks;
  /** Where what the watcher has seen is kept between lease holders (Stores.emailWatch). */
  state: EmailWatchStateStore;
  /** Stores.digest: row keys (addresses) in dedupe keys are digested, as everything the gateway keeps only to look up. */
  digest: (data: string) => string;
  intervalMs: number;
  logger: Logger;
  /** Rows per list page. Default 100. */
  pageSize?: number;
  /** Pages read per tick at most. Default 20. */
  maxPages?: number;
  /**
   * Watched rows re-read by key per tick at most (the rest wait for later rounds, longest-waiting first). Default 100:
   * with more pending rows than the pages read, rows still pending slip out of the listed window and would each cost
   * one upstream call every round.
   */
  maxRereads?: number;
}

export interface EmailStatusWatcher {
  start(): void;
  /** Runs one check now (after any running one); resolves with the number of changes recorded. */
  checkNow(): Promise<number>;
  stop(): Promise<void>;
}

/** The lock that keeps the watcher on one instance at a time, so a change is recorded once. */
export const WATCHER_LOCK = 'email-status-watcher';

/**
 * Neither Openprovider nor Domain Name API pushes email-verification changes, so the gateway re-reads the pending rows
 * every intervalMs (through the email service's cached, coalesced reads, so it stays within the providers' limits)
 * and records EMAIL_VERIFICATION_CHANGED when a row's status moves: a pending row that is no longer pending is read
 * again by its key, and a row that turns pending (a new verification, or one re-read after a resend) is a change too.
 *
 * What it has seen is kept in the shared store (Stores.emailWatch), written as each change is recorded, and read again
 * whenever this instance takes the lease: a new holder, or this gateway restarted, carries on from the last holder's
 * state, so a row that moved while nobody held the lease is announced by the next holder. An empty store is a first
 * look, which just learns the current state, unless this instance watched before (Redis lost its data): then it
 * carries on from its own memory.
 */
export function createEmailStatusWatcher(options: EmailStatusWatcherOptions): EmailStatusWatcher {
  const { emailVerifications, events, locks, state, digest, intervalMs, logger } = options;
  const pageSize = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? 20;
  const maxRereads = options.maxRereads ?? 100;
  /** The watched rows (the pending ones) by emailVerificationKey, as stored; null until read from the store. */
  let known: Map<string, WatchedEmailVerification> | null = null;
  /**
   * What this instance watched when it last held the lease. Only used when the store then answers "never looked":
   * after a first look was stored, that means Redis lost its data (keys, lease and all), and this memory is the one
   * copy of the watch left, so carrying on from it announces what moved meanwhile instead of learning it silently.
   */
  let remembered: Map<string, WatchedEmailVerification> | null = null;
  /**
   * State writes the store did not take, oldest first. A failed write ends the round, and the next round writes these
   * before anything else, or is skipped (as the lease skips rounds while Redis is away): working on from memory
   * would announce more changes whose state no other holder could see. What was announced stays in `known`, so this
   * holder does not announce it again; another holder, reading the state without it, announces it again under the
   * same dedupe key (see record), which the event log answers as a duplicate.
   */
  let unsaved: (() => Promise<void>)[] = [];
  let ticks = 0;
  let quiet = false;

  async function readPending(scope: RequestScope): Promise<EmailVerification[]> {
    const rows: EmailVerification[] = [];
    let after: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const result = await emailVerifications.list({ status: ['PENDING'] }, { first: pageSize, after }, scope);
      rows.push(...result.items.map((item) => item.node));
      const last = result.items.at(-1);
      if (!result.hasNextPage || !last) break;
      after = last.cursor;
    }
    return rows;
  }

  /**
   * The change is named by the stored status it left and when that was first seen (`since`), not by the clock: every
   * holder that read the same state names the same change alike, so a change announced by a holder that stopped before
   * storing it is a duplicate when the next one announces it (dedupe keys are kept 8 days), while a row that moves the
   * same way again later (resent, verified again) is a new change. A row with no stored status falls back to the
   * interval it was seen in.
   */
  async function record(row: EmailVerification, before: SettledEmailVerification | null): Promise<void> {
    const key = emailVerificationKey(row);
    const now = Date.now();
    const seen = before ? String(before.since) : `t${Math.floor(now / intervalMs)}`;
    await events.record(
      {
        type: 'EMAIL_VERIFICATION_CHANGED',
        provider: row.provider,
        occurredAt: new Date(now).toISOString(),
        contactHandle: row.handle,
        emailVerification: row,
        previousStatus: before?.status ?? null,
      },
      { dedupeKey: `email:${digest(key)}:${before?.status ?? 'NONE'}>${row.status}:${seen}`, source: 'email-watcher' },
    );
  }

  /** Strictly after the entry it replaces, so two moves of one row never share a dedupe key, whatever the clocks say. */
  function sinceAfter(before: SettledEmailVerification | null): number {
    return Math.max(Date.now(), (before?.since ?? 0) + 1);
  }

  async function save(write: () => Promise<void>): Promise<void> {
    unsaved.push(write);
    await writeUnsaved();
  }

  async function writeUnsaved(): Promise<void> {
    while (unsaved.length > 0) {
      await unsaved[0]!();
      unsaved.shift();
    }
  }

  /**
   * The store lost the watch this instance still remembers (Redis lost its data): store the memory as the first look,
   * so every instance carries on from it, and compare against it. Another instance that took the lease first after the
   * loss has stored its own first look already, and that one stands (what moved before it is not known to it).
   */
  async function restore(rows: Map<string, WatchedEmailVerification>): Promise<Map<string, WatchedEmailVerification>> {
    await state.begin([...rows.values()]);
    logger.warn({ watching: rows.size }, 'the stored email watch is gone (Redis lost its data?): carrying on from this instance\'s memory of it');
    return new Map(rows);
  }

  /** The first look at an empty store: learn what is pending now, announce nothing. */
  async function begin(pending: EmailVerification[]): Promise<Map<string, WatchedEmailVerification>> {
    const since = Date.now();
    const rows = new Map(pending.map((row) => [emailVerificationKey(row), { key: emailVerificationKey(row), status: row.status, since }]));
    await state.begin([...rows.values()]);
    logger.info({ watching: rows.size }, 'watching pending email verifications for status changes');
    return rows;
  }

  async function tick(): Promise<number> {
    const scope: RequestScope = { requestId: `email-watch-${++ticks}`, logger };
    let changes = 0;
    try {
      await writeUnsaved();
      const pending = await readPending(scope);
      if (!known) {
        const stored = await state.watched();
        if (stored) {
          known = new Map(stored.map((row) => [row.key, row]));
          logger.info({ watching: known.size }, 'carrying on the watch of pending email verifications from the stored state');
        } else if (remembered) {
          known = await restore(remembered);
        } else {
          known = await begin(pending);
          quiet = false;
          return 0;
        }
      }
      const watched = known;
      const listed = new Set(pending.map(emailVerificationKey));
      const settled = await state.settledOf([...listed].filter((key) => !watched.has(key)));
      for (const row of pending) {
        const key = emailVerificationKey(row);
        const current = watched.get(key);
        if (current?.status === row.status) continue;
        const before = current ?? settled.get(key) ?? null;
        if (before?.status !== row.status) {
          await record(row, before);
          changes++;
        }
        // Progress is kept as it is made: a round that fails further on must not record this change again next
        // round, nor lose the status it left.
        const next = { key, status: row.status, since: sinceAfter(before) };
        watched.set(key, next);
        await save(() => state.watch(next));
      }
      // A copy: rows re-read and still watched move to the end, so the next round starts with those that waited longest.
      let rereads = 0;
      for (const [key, before] of [...watched]) {
        if (listed.has(key)) continue;
        if (rereads++ >= maxRereads) break;
        watched.delete(key);
        watched.set(key, before);
        const row = await emailVerifications.get(key, scope).catch((err: unknown) => {
          logger.debug({ key: digest(key), error: err instanceof Error ? err.message : String(err) }, 'email verification re-read failed; retrying next time');
          return undefined; // keep watching it
        });
        if (row === undefined) continue;
        if (row === null) {
          // The provider no longer has the row: nothing to announce, nothing left to watch.
          watched.delete(key);
          await save(() => state.unwatch(key));
          continue;
        }
        // The same status: the re-read came from a cache older than the list that dropped the row; look again next round.
        if (row.status === before.status) continue;
        await record(row, before);
        watched.delete(key);
        changes++;
        const settledAt = { status: row.status, since: sinceAfter(before) };
        await save(() => state.settle(key, settledAt));
      }
      // Progress without addresses (personal data): how many rows are watched, and how many moved this round.
      if (changes > 0) logger.info({ changed: changes, watching: watched.size }, 'email verification statuses changed');
      quiet = false;
    } catch (err) {
      if (!quiet) {
        logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'email status check failed; retrying next time');
      }
      quiet = true;
    }
    return changes;
  }

  const interval = createLeasedInterval({
    locks,
    lockName: WATCHER_LOCK,
    intervalMs,
    logger,
    tick,
    onLeaseTaken: () => {
      // Another instance may have held the lease since: carry on from the stored state, not from this memory (kept
      // only for a store that lost it, see `remembered`). Writes this instance could not store are dropped; what they
      // announced is announced again under the same dedupe key.
      remembered = known ?? remembered;
      known = null;
      unsaved = [];
    },
  });

  return { start: interval.start, checkNow: interval.runNow, stop: interval.stop };
}
