import type { Logger } from '../observability/logger.js';
import type { Locks, RedisDataLoss, RedisDurabilityWatch } from '../store/index.js';

/** Re-reads one provider's still-available history into the store; resolves with how many records it restored. */
export type RecoveryHook = () => Promise<number>;

/**
 * After Redis lost its data (RedisDurabilityWatch), re-read what providers can still deliver, once per loss across all
 * instances: a short lock named after the loss, renewed while the hooks run, and a ledger in Redis (recovery-ledger)
 * saying which loss is still owed. An instance killed mid-recovery stops renewing; its lock expires within a minute and
 * the next instance to check (another one, or this one restarted) finds the loss still owed and takes it over. Hooks
 * are idempotent: everything they restore goes through the deduplicating ingest paths, so running one twice (a take-
 * over after a holder that was only slow) or after a partial loss only fills the gaps.
 *
 * Registered today: Realtime Register's notification list (realtime-register-recovery.ts). Veriff has no list of
 * sessions; a registry check is keyed by its session id, so its decisions can be re-polled by session (issue 14's
 * decision poll) only for checks still known: register such a hook here.
 */
export interface RedisRecovery {
  register(name: string, hook: RecoveryHook): void;
  /** Runs every hook now, for this loss (tests and operators); resolves with the records each restored. */
  recover(loss: RedisDataLoss): Promise<Record<string, number | Error>>;
  start(): void;
  stop(): Promise<void>;
}

export interface RedisRecoveryOptions {
  durability: Pick<RedisDurabilityWatch, 'onDataLoss' | 'recoveryFinished' | 'markRecovered'> | null;
  locks: Locks;
  logger: Logger;
  /** First pause between attempts of a failing hook, doubling up to retryCapMs. Default 1000 ms. */
  retryBaseMs?: number;
  /** Longest pause between attempts. Default 30_000 ms. */
  retryCapMs?: number;
  /**
   * How long one round retries a failing hook (error log when it gives up). The loss stays owed in the ledger, so the
   * next durability check (30 s later, on any instance) starts another round, until the ledger entry expires (a day).
   * Default 14 minutes.
   */
  giveUpAfterMs?: number;
  /** How long the recovery lock lasts without renewal: how soon a killed holder's loss is taken over. Default 60 s. */
  lockTtlMs?: number;
}

export function createRedisRecovery(options: RedisRecoveryOptions): RedisRecovery {
  const { logger } = options;
  const hooks = new Map<string, RecoveryHook>();
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const retryCapMs = options.retryCapMs ?? 30_000;
  const giveUpAfterMs = options.giveUpAfterMs ?? 14 * 60_000;
  const lockTtlMs = options.lockTtlMs ?? 60_000;
  /** Losses waiting for, or in, a recovery on this instance: the watch tells an owed loss again at every check. */
  const queued = new Set<string>();
  let unsubscribe: (() => void) | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  /** Wakes a hook waiting between attempts when the service stops, so a shutdown does not wait for the pause. */
  let stopping = new AbortController();

  // Why retry this long within one round: five attempts (31 s) gave up when the provider was unreachable for half a
  // minute (the same network trouble that cut Redis off, say), and each new round repeats the whole re-read.
  const runHook = async (name: string, hook: RecoveryHook): Promise<number | Error> => {
    const giveUpAt = Date.now() + giveUpAfterMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const restored = await hook();
        logger.warn({ source: name, restored, attempt }, 'redis data loss: re-read what the provider still had');
        return restored;
      } catch (error) {
        const pause = Math.min(retryCapMs, retryBaseMs * 2 ** (attempt - 1));
        if (stopped || Date.now() + pause > giveUpAt) {
          logger.error({ source: name, attempts: attempt, error: (error as Error).message }, 'redis data loss: could not re-read what the provider still had');
          return error as Error;
        }
        if (attempt === 1) logger.warn({ source: name, error: (error as Error).message }, 'redis data loss: the provider cannot be read yet; retrying');
        await pauseUnlessStopped(pause, stopping.signal);
      }
    }
  };

  const recover = async (loss: RedisDataLoss): Promise<Record<string, number | Error>> => {
    const results: Record<string, number | Error> = {};
    // Said before the re-read, which can take minutes (5,000 notifications, or a provider retried for 14 min).
    logger.warn({ detectedAt: loss.detectedAt, sources: [...hooks.keys()] }, 'redis data loss: re-reading what the providers still have');
    for (const [name, hook] of hooks) results[name] = await runHook(name, hook);
    logger.info({ detectedAt: loss.detectedAt }, 'redis data loss: recovery finished');
    return results;
  };

  /** One recovery of `loss` under its lock, unless another instance holds it or finished it already. */
  const recoverOnce = async (loss: RedisDataLoss): Promise<void> => {
    const durability = options.durability;
    if (stopped || !durability) return;
    const lease = await options.locks.acquire(`redis-recovery:${loss.epoch}`, lockTtlMs);
    if (!lease) return; // another instance is on it (or Redis went away again): the next check looks again
    const renewing = setInterval(() => void lease.renew(), Math.max(1, Math.floor(lockTtlMs / 3)));
    try {
      if (await durability.recoveryFinished(loss.epoch).catch(() => false)) return;
      if (loss.resumed) logger.warn({ epoch: loss.epoch }, 'redis data loss: taking over a recovery that never finished (its instance stopped or every attempt failed)');
      const results = await recover(loss);
      if (Object.values(results).some((result) => result instanceof Error)) return; // still owed: the next check retries
      await durability.markRecovered(loss.epoch).catch((error: Error) =>
        logger.warn({ error: error.message }, 'redis data loss: recovered, but could not record it; another round may run (it only fills gaps)'),
      );
    } finally {
      clearInterval(renewing);
      await lease.release();
    }
  };

  const onLoss = (loss: RedisDataLoss): void => {
    if (queued.has(loss.epoch)) return;
    queued.add(loss.epoch);
    running = running.then(() => recoverOnce(loss)).finally(() => queued.delete(loss.epoch));
  };

  return {
    register(name, hook) {
      hooks.set(name, hook);
    },
    recover,
    start() {
      stopped = false;
      stopping = new AbortController();
      unsubscribe ??= options.durability?.onDataLoss(onLoss) ?? null;
    },
    async stop() {
      stopped = true;
      stopping.abort();
      unsubscribe?.();
      unsubscribe = null;
      await running.catch(() => undefined);
    },
  };
}

function pauseUnlessStopped(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
