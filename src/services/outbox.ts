import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { LocalOutbox, Locks, OutboxEffect, OutboxItem, SharedOutbox } from '../store/index.js';
import { SpoolDirectoryError, StoreUnavailable } from '../store/index.js';
import { createLeasedInterval } from './leased-interval.js';

/**
 * Applies one kind of effect. Must be idempotent: an item is applied again after a failure or a crash mid-way. What
 * it resolves with reaches the caller of settle() (e.g. the request as stored), when applied at once.
 */
export type EffectApplier = (data: unknown) => Promise<unknown>;

/** What settle() says about a write's records. */
export interface Settled {
  /** True when they could not be stored now and wait in the outbox; they are stored as soon as the store is back. */
  pending: boolean;
  /** What each effect's applier resolved with, in order; empty while pending. */
  results: unknown[];
}

/**
 * "The provider accepted the write; now store what it means", with nothing lost: the effects are applied at once and,
 * when the store cannot take them, kept (shared outbox in Redis, else this process and its spool file) and retried
 * until stored, exactly once (every effect is idempotent; events carry a dedupe key).
 */
export interface OutboxService {
  /** How to apply effects of `kind` (see outbox-effects.ts). Register before start(). */
  register(kind: string, apply: EffectApplier): void;
  /**
   * Applies the effects in order; what fails is kept and retried. `label` names the write in logs (never personal
   * data). Never throws.
   */
  settle(label: string, effects: OutboxEffect[], logger?: Logger): Promise<Settled>;
  /** Applies what is kept (this instance's items, then the shared queue) now; resolves with the number stored. */
  drainNow(): Promise<number>;
  /** Items kept by this instance (local) and, when readable, in the shared queue. */
  pending(): Promise<{ local: number; shared: number | null }>;
  /** Adopts spool files left by earlier gateways and starts the drain loops. */
  start(): Promise<void>;
  /** Stops the loops after one last attempt; what is still kept stays in the shared queue or the spool file. */
  stop(): Promise<void>;
}

export interface OutboxServiceOptions {
  shared: SharedOutbox;
  local: LocalOutbox;
  locks: Locks;
  logger: Logger;
  metrics: GatewayMetrics;
  /** How often kept items are retried. Default 1000 ms. */
  intervalMs?: number;
  /** Items applied per shared-queue round. Default 100. */
  batchSize?: number;
  /** How often the spool directory is looked at again for files of gateways that are gone. Default 10 s. */
  adoptIntervalMs?: number;
}

/** The lock that keeps the shared-queue drainer on one instance at a time. */
export const OUTBOX_DRAINER_LOCK = 'outbox-drainer';

/** An effect kind no applier was registered for (an item written by a newer gateway version). */
export class UnknownEffect extends Error {
  constructor(readonly kind: string) {
    super(`no applier for outbox effect "${kind}"`);
    this.name = 'UnknownEffect';
  }
}

/**
 * Two loops: every instance retries its own kept items (moving them to the shared queue as soon as Redis answers),
 * and the instance holding the `outbox-drainer` lease applies the shared queue (leased-interval.ts), so a restart or a
 * scale-down leaves nothing behind that another instance cannot finish.
 */
export function createOutboxService(options: OutboxServiceOptions): OutboxService {
  const { shared, local, logger, metrics } = options;
  const intervalMs = options.intervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 100;
  const appliers = new Map<string, EffectApplier>();
  /** Items whose failure was already logged, so a stuck item is reported once, not every second. */
  const reported = new Set<string>();
  let localTimer: NodeJS.Timeout | undefined;
  let adoptTimer: NodeJS.Timeout | undefined;
  let localRound: Promise<number> = Promise.resolve(0);
  let stopped = true;

  const apply = async (item: OutboxItem): Promise<unknown[]> => {
    const results: unknown[] = [];
    for (const effect of item.effects) {
      const applier = appliers.get(effect.kind);
      if (!applier) throw new UnknownEffect(effect.kind);
      results.push(await applier(effect.data));
    }
    return results;
  };

  const gaugeLocal = (): void => metrics.outboxPending.set({ queue: 'local' }, local.size);

  const reportOnce = (item: OutboxItem, error: unknown, what: string): void => {
    if (reported.has(item.id)) return;
    reported.add(item.id);
    const fields = { outboxItem: item.id, write: item.label, error: errorMessage(error) };
    if (error instanceof StoreUnavailable) logger.warn(fields, what);
    else logger.error(fields, what);
  };

  const stored = (item: OutboxItem): void => {
    if (reported.delete(item.id)) logger.info({ outboxItem: item.id, write: item.label }, 'outbox item stored');
  };

  /** Shared queue first (any instance can finish it); this process and its spool file when Redis is unreachable. */
  const keep = async (item: OutboxItem): Promise<'shared' | 'local'> => {
    try {
      await shared.push(item);
      return 'shared';
    } catch {
      await local.add(item).catch((error: unknown) => logger.error({ err: error, outboxItem: item.id, write: item.label }, 'outbox item could not be spooled; kept in memory'));
      gaugeLocal();
      return 'local';
    }
  };

  /** This instance's items: stored directly, or handed to the shared queue once Redis answers. */
  const drainLocal = async (): Promise<number> => {
    let done = 0;
    for (const item of local.list()) {
      try {
        await apply(item);
        stored(item);
        done++;
      } catch (error) {
        reportOnce(item, error, 'outbox item not stored yet; retrying');
        try {
          await shared.push(item);
        } catch {
          break; // Redis is still away: every other item would fail the same way
        }
      }
      await local.remove(item.id);
      gaugeLocal();
    }
    return done;
  };

  const drainShared = async (stopping: () => boolean = () => false): Promise<number> => {
    let done = 0;
    const queued = await shared.peek(batchSize);
    for (const { handle, item } of queued) {
      if (stopping()) break;
      try {
        await apply(item);
      } catch (error) {
        reportOnce(item, error, 'outbox item not stored yet; retrying');
        if (error instanceof StoreUnavailable) break;
        continue; // a newer gateway's kind, or a bug: the others still go through
      }
      await shared.remove(handle);
      stored(item);
      done++;
    }
    // An empty peek is the common case: no second round trip to count nothing.
    metrics.outboxPending.set({ queue: 'shared' }, queued.length === 0 ? 0 : await shared.size());
    return done;
  };

  const sharedDrainer = createLeasedInterval({
    locks: options.locks,
    lockName: OUTBOX_DRAINER_LOCK,
    intervalMs,
    logger,
    tick: async (_renew, stopping) => drainShared(stopping).catch(() => 0),
  });

  const runLocal = (): Promise<number> => {
    localRound = localRound.then(drainLocal, drainLocal).catch(() => 0);
    return localRound;
  };

  return {
    register(kind, applier) {
      appliers.set(kind, applier);
    },

    async settle(label, effects, requestLogger = logger) {
      if (effects.length === 0) return { pending: false, results: [] };
      const item: OutboxItem = { id: randomUUID(), createdAt: new Date().toISOString(), label, effects };
      try {
        return { pending: false, results: await apply(item) };
      } catch (error) {
        const where = await keep(item);
        const fields = { outboxItem: item.id, write: label, keptIn: where, error: errorMessage(error) };
        if (error instanceof StoreUnavailable) requestLogger.warn(fields, 'the provider accepted the write but the store did not take its records; kept in the outbox');
        else requestLogger.error(fields, 'recording an accepted write failed; kept in the outbox');
        reported.add(item.id);
        return { pending: true, results: [] };
      }
    },

    async drainNow() {
      const fromLocal = await runLocal();
      const fromShared = await drainShared().catch(() => 0);
      return fromLocal + fromShared;
    },

    async pending() {
      const sharedSize = await shared.size().catch(() => null);
      return { local: local.size, shared: sharedSize };
    },

    async start() {
      if (!stopped) return;
      stopped = false;
      const adopted = await local.open().catch((error: unknown) => {
        // A directory that cannot be used at all stops start-up (main.ts says so in one line); a file in it that
        // cannot be adopted does not.
        if (error instanceof SpoolDirectoryError) throw error;
        logger.error({ err: error }, 'could not read the outbox spool directory');
        return 0;
      });
      gaugeLocal();
      if (adopted) void runLocal();
      localTimer = setInterval(() => {
        if (local.size > 0) void runLocal();
      }, intervalMs);
      localTimer.unref();
      // A container on another host that crashed is known gone only once its file went stale: look again now and then.
      adoptTimer = setInterval(() => {
        void local.adopt().then(
          (count) => (count > 0 ? runLocal() : 0),
          (error: unknown) => logger.error({ err: error }, 'could not read the outbox spool directory'),
        );
      }, options.adoptIntervalMs ?? 10_000);
      adoptTimer.unref();
      sharedDrainer.start();
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(localTimer);
      clearInterval(adoptTimer);
      await sharedDrainer.stop();
      await localRound;
      // One last try: stored, or handed to the shared queue; what is left stays in the spool file (store closes it).
      if (local.size > 0) await runLocal();
    },
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
