import { InputRejected, ProviderFailure } from '../domain/errors.js';
import type { ProcessEnd } from '../domain/verification-request-lifecycle.js';
import type { Logger } from '../observability/logger.js';
import type { RealtimeRegisterMetrics } from '../observability/realtime-register-metrics.js';
import type { RtrProcessState } from '../providers/realtime-register/processes.js';
import type { Locks, ProcessFollowUp } from '../store/index.js';
import { StoreUnavailable } from '../store/index.js';
import { createLeasedInterval } from './leased-interval.js';
import { finishProcess, type LifecycleDeps } from './verification-request-lifecycle.js';

/** Where a process stands, as the Realtime Register client answers it (null: the provider has no such process). */
export interface ProcessSource {
  getProcess(processId: string, options: { customer?: string }): Promise<RtrProcessState | null>;
}

export interface ProcessFollowerOptions {
  lifecycle: LifecycleDeps;
  processes: ProcessSource;
  locks: Locks;
  /** How often due follow-ups are looked for. */
  tickMs: number;
  /** Cap on the doubling wait between checks of one process. */
  maxDelayMs: number;
  /**
   * How long after its sending a process may stay unfinished before it is checked only every `slowIntervalMs`
   * (PROCESS_FOLLOW_SLOW_AFTER_MS, default 24 h). It is still followed to its end: only the cost is bounded.
   */
  slowAfterMs: number;
  /** The wait between checks of such a process (PROCESS_FOLLOW_SLOW_INTERVAL_MS, default 15 min); never below maxDelayMs. */
  slowIntervalMs: number;
  metrics: RealtimeRegisterMetrics;
  logger: Logger;
  /** Checks per round, so one round never holds the lease for long. Default 50. */
  maxPerTick?: number;
}

export interface ProcessFollower {
  start(): void;
  /** One round now (after any running one); resolves with the number of processes checked. */
  followNow(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * How many checks in a row may answer 404 without RTR's "no such object" type before the process counts as gone. One
 * such answer says nothing about the process (a proxy, a deploy); three, over at least 1 + 2 + 4 s, say RTR has no
 * answer to give, and a request left PROCESSING for ever would never turn OVERDUE while its deadline passes.
 */
export const UNEXPLAINED_NOT_FOUND_LIMIT = 3;

/** The lock that keeps the follower on one instance at a time. */
export const PROCESS_FOLLOWER_LOCK = 'rtr-process-follower';

/**
 * Follows every process a 202 started (`GET /v2/processes/{id}`) until it ends, on the one instance holding the lease:
 * first check `followInitialMs` after the sending, then a wait that doubles up to `maxDelayMs` (the vendor spec says
 * 1 s doubling to 30 s). COMPLETED makes the request SUBMITTED; FAILED, INVALID or CANCELLED makes it REJECTED with
 * the provider's reason; a process the provider does not know (ObjectDoesNotExist at once, a 404 that does not say
 * why after UNEXPLAINED_NOT_FOUND_LIMIT checks in a row) makes it REJECTED with a reason too, so nothing
 * is followed forever at the normal pace: one still unfinished `slowAfterMs` after its sending is checked every
 * `slowIntervalMs` from then on (a warning says so once), because giving it an outcome the provider never gave would be
 * worse than a slow answer. The schedule lives in the store (ProcessFollowUp), so a restart or another instance picks it
 * up; a new lease holder also re-creates follow-ups for PROCESSING submissions that have none (a crash between the
 * request update and the follow-up write).
 */
export function createProcessFollower(options: ProcessFollowerOptions): ProcessFollower {
  const { lifecycle, processes, logger, metrics } = options;
  const maxPerTick = options.maxPerTick ?? 50;
  let reconcile = true;
  let failing = false;

  const slowIntervalMs = Math.max(options.slowIntervalMs, options.maxDelayMs);

  const reschedule = async (checked: ProcessFollowUp, unexplainedNotFound = 0): Promise<void> => {
    const now = (lifecycle.now?.() ?? new Date()).getTime();
    const { unexplainedNotFound: _former, ...rest } = checked;
    const followUp: ProcessFollowUp = unexplainedNotFound > 0 ? { ...rest, unexplainedNotFound } : rest;
    // A `since` that does not parse (NaN) never counts as long-running: the normal pace is the safe side.
    const followedForMs = now - Date.parse(followUp.since);
    if (followedForMs >= options.slowAfterMs) {
      await lifecycle.followUps.put({ ...followUp, checks: followUp.checks + 1, nextCheckAt: now + slowIntervalMs, delayMs: slowIntervalMs, slow: true });
      // Logged once the slow schedule is stored, so a failed write does not leave a warning for a change never made.
      if (!followUp.slow) {
        logger.warn(
          { processId: followUp.processId, verificationRequest: followUp.requestId, followedForMs, checks: followUp.checks + 1, nextCheckInMs: slowIntervalMs },
          'a process is still unfinished long after its sending; checking it less often from now on',
        );
      }
      return;
    }
    await lifecycle.followUps.put({
      ...followUp,
      checks: followUp.checks + 1,
      nextCheckAt: now + followUp.delayMs,
      delayMs: Math.min(followUp.delayMs * 2, options.maxDelayMs),
    });
  };

  const end = async (followUp: ProcessFollowUp, outcome: ProcessEnd): Promise<void> => {
    const request = await finishProcess(lifecycle, followUp, outcome);
    logger.info({ processId: followUp.processId, verificationRequest: followUp.requestId, status: request?.status ?? null }, 'process ended');
  };

  async function check(followUp: ProcessFollowUp): Promise<void> {
    let state: RtrProcessState | null;
    try {
      state = await processes.getProcess(followUp.processId, followUp.customer ? { customer: followUp.customer } : {});
    } catch (error) {
      if (error instanceof InputRejected) {
        metrics.processChecks.inc({ outcome: 'gone' });
        return end(followUp, { status: 'FAILED', reason: `The process id ${followUp.processId.slice(0, 40)} cannot be asked about; send the evidence again.` });
      }
      if (error instanceof ProviderFailure && error.httpStatus === 404) {
        const inARow = (followUp.unexplainedNotFound ?? 0) + 1;
        if (inARow >= UNEXPLAINED_NOT_FOUND_LIMIT) {
          metrics.processChecks.inc({ outcome: 'gone' });
          return end(followUp, {
            status: 'FAILED',
            reason: `Realtime Register answered 404 for process ${followUp.processId} ${inARow} times in a row, so its outcome cannot be known; send the evidence again.`,
          });
        }
        metrics.processChecks.inc({ outcome: 'error' });
        logger.warn({ processId: followUp.processId, error: error.message, inARow }, 'a process check answered 404 without saying the process is gone; asking again');
        return reschedule(followUp, inARow);
      }
      metrics.processChecks.inc({ outcome: 'error' });
      if (!failing) logger.warn({ processId: followUp.processId, error: (error as Error).message }, 'could not check a process; trying again later');
      failing = true;
      return reschedule(followUp);
    }
    failing = false;
    if (state === null) {
      metrics.processChecks.inc({ outcome: 'gone' });
      return end(followUp, {
        status: 'FAILED',
        reason: `Realtime Register has no process ${followUp.processId} (404), so its outcome cannot be known; send the evidence again.`,
      });
    }
    if (state.outcome === 'PENDING') {
      metrics.processChecks.inc({ outcome: 'pending' });
      return reschedule(followUp);
    }
    metrics.processChecks.inc({ outcome: state.outcome === 'COMPLETED' ? 'completed' : 'failed' });
    return end(followUp, state.outcome === 'COMPLETED' ? { status: 'COMPLETED' } : { status: 'FAILED', reason: state.reason ?? `The process ended ${state.status}.` });
  }

  /** PROCESSING submissions without a follow-up get one, due now. */
  async function reconcileFromRequests(): Promise<void> {
    const now = (lifecycle.now?.() ?? new Date()).getTime();
    for (const request of await lifecycle.requests.list()) {
      for (const submission of request.submissions ?? []) {
        if (submission.status !== 'PROCESSING' || !submission.processId) continue;
        if (await lifecycle.followUps.get(submission.processId)) continue;
        logger.info({ processId: submission.processId, verificationRequest: request.id }, 'resuming a process follow-up that had no schedule');
        await lifecycle.followUps.put({
          processId: submission.processId,
          requestId: request.id,
          customer: request.customer,
          since: submission.submittedAt,
          nextCheckAt: now,
          delayMs: lifecycle.followInitialMs,
          checks: 0,
        });
      }
    }
  }

  async function tick(renew: () => Promise<boolean>, stopping: () => boolean): Promise<number> {
    let checked = 0;
    try {
      if (reconcile) {
        await reconcileFromRequests();
        reconcile = false;
      }
      const now = (lifecycle.now?.() ?? new Date()).getTime();
      const due = (await lifecycle.followUps.list()).filter((followUp) => followUp.nextCheckAt <= now).sort((a, b) => a.nextCheckAt - b.nextCheckAt);
      for (const followUp of due.slice(0, maxPerTick)) {
        if (stopping()) break;
        await check(followUp);
        checked++;
        if (checked % 10 === 0 && !(await renew())) break;
      }
    } catch (error) {
      // The store is away: the follow-ups stay as they are and the next round tries again.
      const what = error instanceof StoreUnavailable ? 'process follow-up paused: the store is unavailable' : 'process follow-up failed';
      logger.warn({ error: (error as Error).message }, what);
    }
    return checked;
  }

  const interval = createLeasedInterval({
    locks: options.locks,
    lockName: PROCESS_FOLLOWER_LOCK,
    intervalMs: options.tickMs,
    logger,
    tick,
    onLeaseTaken: () => {
      reconcile = true;
    },
  });
  return { start: interval.start, followNow: interval.runNow, stop: interval.stop };
}
