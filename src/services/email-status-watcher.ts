import { emailVerificationKey, type EmailVerification, type EmailVerificationStatus } from '../domain/email-verification.js';
import type { Logger } from '../observability/logger.js';
import type { Locks } from '../store/index.js';
import type { EmailVerificationService } from './email-verifications.js';
import type { EventService } from './events.js';
import { createLeasedInterval } from './leased-interval.js';
import type { RequestScope } from './request-scope.js';

export interface EmailStatusWatcherOptions {
  emailVerifications: EmailVerificationService;
  events: EventService;
  locks: Locks;
  intervalMs: number;
  logger: Logger;
  /** Rows per list page. Default 100. */
  pageSize?: number;
  /** Pages read per tick at most. Default 20. */
  maxPages?: number;
}

export interface EmailStatusWatcher {
  start(): void;
  /** Runs one check now (after any running one); resolves with the number of changes recorded. */
  checkNow(): Promise<number>;
  stop(): Promise<void>;
}

/** Settled rows remembered for their last status (oldest forgotten first). */
const SETTLED_LIMIT = 10_000;

/** The lock that keeps the watcher on one instance at a time, so a change is recorded once. */
export const WATCHER_LOCK = 'email-status-watcher';

/**
 * Neither Openprovider nor Domain Name API pushes email-verification changes, so the gateway re-reads the pending rows
 * every intervalMs (through the email service's cached, coalesced reads, so it stays within the providers' limits)
 * and records EMAIL_VERIFICATION_CHANGED when a row's status moves: a pending row that is no longer pending is read
 * again by its key, and a row that turns pending (a new verification, or one re-read after a resend) is a change too.
 * The first check after taking the lease only learns the current state.
 */
export function createEmailStatusWatcher(options: EmailStatusWatcherOptions): EmailStatusWatcher {
  const { emailVerifications, events, locks, intervalMs, logger } = options;
  const pageSize = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? 20;
  /** Last seen status of each row being watched (the pending ones), by emailVerificationKey. */
  let known: Map<string, EmailVerificationStatus> | null = null;
  /** Where rows that left the pending list ended up, so a resend (back to PENDING) reports the status it left. */
  const settled = new Map<string, EmailVerificationStatus>();
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

  async function record(row: EmailVerification, previousStatus: EmailVerificationStatus | null): Promise<void> {
    const key = emailVerificationKey(row);
    const now = Date.now();
    await events.record(
      {
        type: 'EMAIL_VERIFICATION_CHANGED',
        provider: row.provider,
        occurredAt: new Date(now).toISOString(),
        contactHandle: row.handle,
        emailVerification: row,
        previousStatus,
      },
      { dedupeKey: `email:${key}:${previousStatus ?? 'NONE'}>${row.status}:${Math.floor(now / intervalMs)}`, source: 'email-watcher' },
    );
  }

  function remember(key: string, status: EmailVerificationStatus): void {
    settled.delete(key);
    settled.set(key, status);
    if (settled.size > SETTLED_LIMIT) settled.delete(settled.keys().next().value!);
  }

  async function tick(): Promise<number> {
    const scope: RequestScope = { requestId: `email-watch-${++ticks}`, logger };
    let changes = 0;
    try {
      const pending = await readPending(scope);
      const next = new Map<string, EmailVerificationStatus>();
      for (const row of pending) next.set(emailVerificationKey(row), row.status);
      if (known) {
        for (const row of pending) {
          const key = emailVerificationKey(row);
          const before = known.get(key) ?? settled.get(key);
          if (before !== row.status) {
            await record(row, before ?? null);
            // Progress is kept as it is made: a round that fails further on must not record this change again next
            // round (the dedupe key holds only within one interval), nor lose the status it left.
            known.set(key, row.status);
            changes++;
          }
          settled.delete(key);
        }
        for (const [key, before] of known) {
          if (next.has(key)) continue;
          const row = await emailVerifications.get(key, scope).catch((err: unknown) => {
            logger.debug({ key, error: err instanceof Error ? err.message : String(err) }, 'email verification re-read failed; retrying next time');
            next.set(key, before); // keep watching it
            return undefined;
          });
          if (!row) continue;
          if (row.status === before) {
            // The re-read came from a cache older than the list that dropped the row: look again next round.
            next.set(key, before);
            continue;
          }
          remember(key, row.status);
          await record(row, before);
          known.delete(key);
          changes++;
        }
      }
      // Progress without addresses (personal data): how many rows are watched, and how many moved this round.
      if (!known) logger.info({ watching: next.size }, 'watching pending email verifications for status changes');
      else if (changes > 0) logger.info({ changed: changes, watching: next.size }, 'email verification statuses changed');
      known = next;
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
      known = null; // a new holder starts from what it sees now
    },
  });

  return { start: interval.start, checkNow: interval.runNow, stop: interval.stop };
}
