import type { Logger } from '../observability/logger.js';
import type { Lease, Locks } from '../store/index.js';

export interface LeasedIntervalOptions {
  locks: Locks;
  /** The lock that keeps this work on one instance at a time. */
  lockName: string;
  intervalMs: number;
  logger: Logger;
  /**
   * One round of work, run only while holding the lease; resolves with how much it did. `renew` extends the lease;
   * `stopping` turns true once stop() was called: a long round should end early then (stop() waits for it).
   */
  tick: (renew: () => Promise<boolean>, stopping: () => boolean) => Promise<number>;
  /** Called when this instance takes the lease (after losing it, or first time): a new holder starts fresh. */
  onLeaseTaken?: () => void;
}

export interface LeasedInterval {
  start(): void;
  /** Runs one round now (after any running one). */
  runNow(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Background work that must run on one gateway instance at a time (the Realtime Register poller, the email-status
 * watcher): every intervalMs, take or renew a lease with expiry (three intervals, at least 15 s, so a crashed holder is
 * replaced quickly) and run one round; rounds never overlap; stop() waits for the running round and frees the lease.
 */
export function createLeasedInterval(options: LeasedIntervalOptions): LeasedInterval {
  const { locks, lockName, intervalMs, logger } = options;
  const leaseTtlMs = Math.max(intervalMs * 3, 15_000);
  let lease: Lease | null = null;
  /** The lease could not be renewed (Redis away, or taken over); kept in case it is still ours. */
  let lost = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> = Promise.resolve(0);
  let stopped = true;

  async function holdLease(): Promise<boolean> {
    if (lease && (await lease.renew())) {
      lost = false;
      return true;
    }
    const taken = await locks.acquire(lockName, leaseTtlMs);
    if (taken) {
      lease = taken;
      lost = false;
      logger.info({ lock: lockName }, 'holding the lease');
      options.onLeaseTaken?.();
      return true;
    }
    // Keep the old lease: renewing is token-checked, so when Redis only went away (and came back holding our lock) the
    // next round renews it, instead of idling until our own lock expires. Taken by another instance, it never renews.
    if (lease && !lost) logger.warn({ lock: lockName }, 'lost the lease; another instance may take over');
    lost = lease !== null;
    return false;
  }

  async function round(): Promise<number> {
    if (stopped || !(await holdLease())) return 0;
    return options.tick(async () => (await lease?.renew()) ?? false, () => stopped);
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void runNow().finally(schedule), intervalMs);
    timer.unref();
  }

  function runNow(): Promise<number> {
    running = running.then(round, round);
    return running;
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      void runNow().finally(schedule);
    },
    runNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => 0);
      await lease?.release();
      lease = null;
    },
  };
}
