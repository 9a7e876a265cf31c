import { ProviderFailure } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import type { VeriffClient } from '../providers/veriff/client.js';
import type { Locks, RegistryCheckStore } from '../store/index.js';
import { StoreUnavailable } from '../store/index.js';
import { createLeasedInterval, type LeasedInterval } from './leased-interval.js';
import type { RegistryCheckService } from './registry-checks.js';

/** The lock that keeps decision polling on one gateway instance at a time. */
export const DECISION_POLL_LOCK = 'veriff-decision-poll';

export interface RegistryDecisionPollOptions {
  registryChecks: RegistryCheckService;
  /** Holds the poll schedule (shared through Redis, so a restart or another instance resumes it). */
  store: RegistryCheckStore;
  veriff: VeriffClient;
  locks: Locks;
  logger: Logger;
  /** The first poll comes this long after submission (VERIFF_DECISION_POLL_AFTER_MS, default 10 minutes). */
  afterMs: number;
  /** How often the loop looks for due polls. Default a quarter of afterMs, within 1 s to 60 s. */
  intervalMs?: number;
  /** Polls per check before it is left PENDING with a logged reason. Default 8 (about a day at the default delay). */
  maxAttempts?: number;
  /** Longest wait between two polls of one check. Default 6 hours. */
  maxDelayMs?: number;
  /** Checks polled per round, one after another (never a burst at Veriff). Default 50. */
  batchSize?: number;
  now?: () => number;
}

/**
 * Resolves registry checks whose decision webhook never came: a check still PENDING `afterMs` after submission is
 * polled with `GET /v1/sessions/{id}/decision` (Veriff's answer "for polling when webhook delivery fails",
 * providers/veriff.md, revision 2), backing off (afterMs, 2x, 4x... up to maxDelayMs, or longer when Veriff says
 * Retry-After), on one instance at a time (the leased loop), at most maxAttempts times. A decision found this way is
 * stored exactly like a webhook's (same dedupe, same event); a check still undecided after the last poll stays
 * PENDING and the log says why.
 */
export function createRegistryDecisionPoll(options: RegistryDecisionPollOptions): LeasedInterval {
  const { store, veriff, logger, afterMs } = options;
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 8;
  const maxDelayMs = options.maxDelayMs ?? 6 * 3_600_000;
  const batchSize = options.batchSize ?? 50;

  /** After a poll that settled nothing: the next one, backed off, or none when the attempts are used up. */
  async function reschedule(id: string, attempts: number, reason: string, retryAfterSeconds: number | null = null): Promise<void> {
    if (attempts >= maxAttempts) {
      await store.schedulePoll(id, null);
      logger.warn({ sessionId: id, attempts, reason }, `registry check left PENDING: no decision after ${attempts} polls (${reason})`);
      return;
    }
    const delayMs = Math.max(Math.min(maxDelayMs, afterMs * 2 ** attempts), (retryAfterSeconds ?? 0) * 1000);
    await store.schedulePoll(id, { at: now() + delayMs, attempts });
    logger.debug({ sessionId: id, attempts, reason, nextInMs: delayMs }, 'registry check still PENDING; polling again later');
  }

  /** One due check: read the decision at Veriff and store it, or plan the next poll. */
  async function pollOne(id: string, attemptsSoFar: number): Promise<void> {
    const check = await store.get(id);
    if (!check || check.status !== 'PENDING') {
      // Decided meanwhile (a late webhook) or expired: nothing left to poll.
      await store.schedulePoll(id, null);
      return;
    }
    const attempts = attemptsSoFar + 1;
    let answer: Awaited<ReturnType<VeriffClient['getDecision']>>;
    try {
      answer = await veriff.getDecision(id);
    } catch (error) {
      if (!(error instanceof ProviderFailure)) throw error;
      // Any failure (Veriff down, a refused or unsigned answer) costs one attempt; the attempts bound the rest.
      return reschedule(id, attempts, error.message, error.retryAfterSeconds);
    }
    if (answer === 'unknown-session') {
      await store.schedulePoll(id, null);
      logger.warn({ sessionId: id }, 'registry check left PENDING: Veriff does not know the session (404 on the decision poll)');
      return;
    }
    if (answer === null) return reschedule(id, attempts, 'Veriff has no decision yet');
    const outcome = await options.registryChecks.applyDecision(id, answer, 'veriff-poll');
    if (outcome.kind === 'event-unwritten') return reschedule(id, attempts, 'the decision is stored but its event could not be logged');
    await store.schedulePoll(id, null);
    logger.info({ sessionId: id, status: answer.status, attempts, outcome: outcome.kind }, 'registry check resolved by polling Veriff (its webhook never came)');
  }

  return createLeasedInterval({
    locks: options.locks,
    lockName: DECISION_POLL_LOCK,
    intervalMs: options.intervalMs ?? Math.min(60_000, Math.max(1_000, Math.floor(afterMs / 4))),
    logger,
    tick: async (renew, stopping) => {
      let done = 0;
      let due: Awaited<ReturnType<RegistryCheckStore['duePolls']>>;
      try {
        due = await store.duePolls(now(), batchSize);
      } catch (error) {
        logger.warn({ err: error }, 'decision polling paused: the store is unavailable');
        return 0;
      }
      for (const { id, attempts } of due) {
        if (stopping()) break;
        try {
          await pollOne(id, attempts);
        } catch (error) {
          // The store went away mid-round: the schedule is still there for the next round (or instance).
          if (error instanceof StoreUnavailable) {
            logger.warn({ err: error }, 'decision polling paused: the store is unavailable');
            break;
          }
          logger.error({ sessionId: id, err: error }, 'decision poll failed');
          await reschedule(id, attempts + 1, 'unexpected error').catch(() => undefined);
        }
        done++;
        if (done % 10 === 0 && !(await renew())) break;
      }
      return done;
    },
  });
}
