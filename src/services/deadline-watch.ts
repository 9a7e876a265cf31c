import { dueReminders, reminderKey, type DueReminder } from '../domain/deadline-reminders.js';
import type { VerificationRequest } from '../domain/verification-request.js';
import { effectiveRequestStatus } from '../domain/verification-request.js';
import type { Logger } from '../observability/logger.js';
import type { Claims, Locks } from '../store/index.js';
import { DEDUPE_TTL_MS } from '../store/event-log.js';
import { StoreUnavailable } from '../store/index.js';
import { createLeasedInterval } from './leased-interval.js';
import { recordOverdue, type LifecycleDeps } from './verification-request-lifecycle.js';

export interface DeadlineWatchOptions {
  lifecycle: LifecycleDeps;
  claims: Claims;
  locks: Locks;
  intervalMs: number;
  /** DEADLINE_REMINDERS in seconds (any order). Empty: no reminders, OVERDUE only. */
  thresholdsSeconds: readonly number[];
  logger: Logger;
}

export interface DeadlineWatch {
  start(): void;
  /** One scan now (after any running one); resolves with the number of events emitted. */
  scanNow(): Promise<number>;
  stop(): Promise<void>;
}

/** The lock that keeps the scan on one instance at a time. */
export const DEADLINE_WATCH_LOCK = 'verification-deadline-watch';

/**
 * Every intervalMs, on the one instance holding the lease, looks at every stored request: one whose earliest deadline
 * passed while OPEN or REJECTED becomes OVERDUE (stored, announced once); one still needing evidence gets a
 * DEADLINE_APPROACHING event when a deadline comes within a threshold. Each reminder is appended deduplicated on its
 * key and then marked done in the store (a claim), so it goes out exactly once per request, deadline and threshold
 * whichever instance scans, even when the lease changes hands mid-scan or the store fails between the two steps.
 */
export function createDeadlineWatch(options: DeadlineWatchOptions): DeadlineWatch {
  const { lifecycle, claims, logger } = options;
  let failing = false;

  async function remind(request: VerificationRequest, reminder: DueReminder, now: Date): Promise<boolean> {
    const key = reminderKey(request.id, reminder.kind, reminder.deadline, reminder.thresholdSeconds);
    // Kept past the deadline and the event log's own dedupe window, so neither a late scan nor a replay repeats it.
    const ttlMs = Date.parse(reminder.deadline) - now.getTime() + DEDUPE_TTL_MS;
    if (await claims.isClaimed(key)) return false;
    // The append is what makes it once: deduplicated on the reminder's key, atomically, whichever instance appends it.
    // The claim is taken only after it, as the mark that it is done (reminders may be due for longer than the log
    // remembers a dedupe key). Claimed first, a reminder whose append failed kept its claim whenever giving it back
    // failed too (the same outage), and was never sent.
    const { duplicate } = await lifecycle.events.record(
      {
        type: 'DEADLINE_APPROACHING',
        provider: request.provider,
        occurredAt: now.toISOString(),
        contactHandle: request.contactHandle,
        request,
        deadlineKind: reminder.kind,
        deadline: reminder.deadline,
        remainingSeconds: reminder.remainingSeconds,
      },
      { dedupeKey: key },
    );
    await claims.claim(key, ttlMs);
    for (const moot of reminder.mootThresholdsSeconds) await claims.claim(reminderKey(request.id, reminder.kind, reminder.deadline, moot), ttlMs);
    return !duplicate;
  }

  async function tick(_renew: () => Promise<boolean>, stopping: () => boolean): Promise<number> {
    let emitted = 0;
    try {
      for (const listed of await lifecycle.requests.list()) {
        if (stopping()) break;
        const now = lifecycle.now?.() ?? new Date();
        let request: VerificationRequest | null = listed;
        const becameOverdue = (listed.status === 'OPEN' || listed.status === 'REJECTED') && effectiveRequestStatus(listed, now) === 'OVERDUE';
        if (becameOverdue) {
          request = await recordOverdue(lifecycle, listed.id);
          if (request?.status === 'OVERDUE') emitted++;
        }
        if (!request) continue;
        for (const reminder of dueReminders(request, options.thresholdsSeconds, now)) {
          if (await remind(request, reminder, now)) emitted++;
        }
      }
      if (failing) logger.info('deadline scan recovered');
      failing = false;
    } catch (error) {
      if (!failing) {
        const what = error instanceof StoreUnavailable ? 'deadline scan paused: the store is unavailable' : 'deadline scan failed';
        logger.warn({ error: (error as Error).message }, what);
      }
      failing = true;
    }
    return emitted;
  }

  const interval = createLeasedInterval({ locks: options.locks, lockName: DEADLINE_WATCH_LOCK, intervalMs: options.intervalMs, logger, tick });
  return { start: interval.start, scanNow: interval.runNow, stop: interval.stop };
}
