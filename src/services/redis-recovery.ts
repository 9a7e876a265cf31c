import type { Logger } from '../observability/logger.js';
import type { Locks, RedisDataLoss, RedisDurabilityWatch } from '../store/index.js';
import { sleep } from '../store/deadline.js';

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
  /** Attempts per hook before giving up (a provider down right then). Default 5, 1 s doubling. */
  attempts?: number;
}

/** The lock is kept this long: any instance noticing the same loss within it leaves the work to the first one. */
const RECOVERY_LOCK_TTL_MS = 15 * 60_000;

export function createRedisRecovery(options: RedisRecoveryOptions): RedisRecovery {
  const { logger } = options;
  const hooks = new Map<string, RecoveryHook>();
  const attempts = options.attempts ?? 5;
  let unsubscribe: (() => void) | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const runHook = async (name: string, hook: RecoveryHook): Promise<number | Error> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const restored = await hook();
        logger.warn({ source: name, restored }, 'redis data loss: re-read what the provider still had');
        return restored;
      } catch (error) {
        if (attempt >= attempts || stopped) {
          logger.error({ source: name, error: (error as Error).message }, 'redis data loss: could not re-read what the provider still had');
          return error as Error;
        }
        await sleep(1_000 * 2 ** (attempt - 1));
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
      unsubscribe ??= options.durability?.onDataLoss(onLoss) ?? null;
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      unsubscribe = null;
      await running.catch(() => undefined);
    },
  };
}
