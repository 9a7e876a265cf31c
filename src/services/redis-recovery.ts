import type { Logger } from '../observability/logger.js';
import type { Locks, RedisDataLoss, RedisDurabilityWatch } from '../store/index.js';

/** Re-reads one provider's still-available history into the store; resolves with how many records it restored. */
export type RecoveryHook = () => Promise<number>;

/**
 * After Redis lost its data (RedisDurabilityWatch), re-read what providers can still deliver, once per loss across all
 * instances (a lock named after the loss, held until it expires so later noticers skip it). Hooks are idempotent:
 * everything they restore goes through the deduplicating ingest paths, so a partial loss only fills the gaps.
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
  durability: RedisDurabilityWatch | null;
  locks: Locks;
  logger: Logger;
  /** First pause between attempts of a failing hook, doubling up to retryCapMs. Default 1000 ms. */
  retryBaseMs?: number;
  /** Longest pause between attempts. Default 30_000 ms. */
  retryCapMs?: number;
  /**
   * How long a failing hook is retried before the loss is left unrecovered (error log). Default: while this instance
   * holds the recovery lock (RECOVERY_LOCK_TTL_MS, less a minute), since no other instance takes this loss meanwhile.
   */
  giveUpAfterMs?: number;
}

/** The lock is kept this long: any instance noticing the same loss within it leaves the work to the first one. */
const RECOVERY_LOCK_TTL_MS = 15 * 60_000;

export function createRedisRecovery(options: RedisRecoveryOptions): RedisRecovery {
  const { logger } = options;
  const hooks = new Map<string, RecoveryHook>();
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const retryCapMs = options.retryCapMs ?? 30_000;
  const giveUpAfterMs = options.giveUpAfterMs ?? RECOVERY_LOCK_TTL_MS - 60_000;
  let unsubscribe: (() => void) | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  /** Wakes a hook waiting between attempts when the service stops, so a shutdown does not wait for the pause. */
  let stopping = new AbortController();

  // Why retry this long: the loss is noticed once per instance, and the instance holding the lock is the only one
  // that recovers it. Five attempts (31 s) gave up for good when the provider was unreachable for half a minute (the
  // same network trouble that cut Redis off, say), and the notifications acknowledged before the loss stayed lost.
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
    for (const [name, hook] of hooks) results[name] = await runHook(name, hook);
    logger.info({ detectedAt: loss.detectedAt }, 'redis data loss: recovery finished');
    return results;
  };

  const onLoss = (loss: RedisDataLoss): void => {
    running = running.then(async () => {
      if (stopped) return;
      const lease = await options.locks.acquire(`redis-recovery:${loss.epoch}`, RECOVERY_LOCK_TTL_MS);
      if (!lease) return; // another instance is on it (or Redis went away again)
      await recover(loss);
    });
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
