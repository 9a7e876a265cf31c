import { join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Cache } from './cache.js';
import type { EventLog } from './event-log.js';
import { MemoryLocks, RedisLocks, type Locks } from './locks.js';
import { MemoryCache } from './memory-cache.js';
import { MemoryEventLog } from './memory-event-log.js';
import { RedisCache } from './redis-cache.js';
import { FallbackCache } from './fallback-cache.js';
import { connectRedis, type RedisConnection, type RedisConnectionOptions } from './redis-connection.js';
import { RedisEventLog } from './redis-event-log.js';
import { RedisRegistryCheckStore } from './redis-registry-check-store.js';
import { RedisVerificationRequestStore } from './redis-verification-request-store.js';
import { MemoryRegistryCheckStore, type RegistryCheckStore } from './registry-check-store.js';
import { MemoryVerificationRequestStore, type VerificationRequestStore } from './verification-request-store.js';
import { MemoryClaims, RedisClaims, type Claims } from './claims.js';
import { MemoryProcessFollowUpStore, RedisProcessFollowUpStore, type ProcessFollowUpStore } from './process-follow-up-store.js';
import { MemoryQuarantineStore, type QuarantineStore } from './quarantine-store.js';
import { RedisQuarantineStore } from './redis-quarantine-store.js';
import { MemorySharedOutbox, type SharedOutbox } from './outbox.js';
import { LocalOutbox } from './outbox-spool.js';
import { RedisSharedOutbox } from './redis-outbox.js';
import { RedisDurabilityWatch, redisEpochFileName } from './redis-durability.js';
import { keyedDigest, processDigestKey } from './digest-key.js';
import { MemoryEmailWatchStateStore, type EmailWatchStateStore } from './email-watch-state.js';
import { RedisEmailWatchStateStore } from './redis-email-watch-state.js';

export type { Cache, CacheKind, Invalidation, InvalidationListener } from './cache.js';
export { CACHE_TTL_MS } from './cache.js';
export type { AppendOptions, AppendResult, EventLog, ReadOptions } from './event-log.js';
export { EventLogUnavailable, InvalidEventId, compareEventIds, isEventId } from './event-log.js';
export type { Lease, Locks } from './locks.js';
export type { RedisConnection } from './redis-connection.js';
export type { DuePoll, RegistryCheckStore, ScheduledPoll } from './registry-check-store.js';
export { StoreUnavailable } from './store-errors.js';
export { withDeadline } from './deadline.js';
export type { VerificationRequestStore } from './verification-request-store.js';
export type { Claims } from './claims.js';
export type { ProcessFollowUp, ProcessFollowUpStore } from './process-follow-up-store.js';
export type { QuarantineStore } from './quarantine-store.js';
export type { EmailWatchStateStore, SettledEmailVerification, WatchedEmailVerification } from './email-watch-state.js';
export type { OutboxEffect, OutboxItem, QueuedOutboxItem, SharedOutbox } from './outbox.js';
export { LocalOutbox, prepareSpoolDirectory, SpoolDirectoryError } from './outbox-spool.js';
export type { RedisDataLoss, RedisDurabilityStatus, RedisDurabilityWatch } from './redis-durability.js';

/** Entries the in-process fallback cache holds while Redis is unreachable. */
const LOCAL_FALLBACK_ENTRIES = 5_000;

/** What the gateway needs to build its stores. */
export interface StoresOptions {
  /** Redis (one URL) or Redis Cluster seed nodes (several). Empty: everything in memory, for one process. */
  redisUrls: string[];
  metrics: GatewayMetrics;
  logger: Logger;
  /** Connection tuning (command timeout, reconnect cap); defaults suit a request path. */
  redis?: RedisConnectionOptions;
  /** Deadline per Redis cache call in ms. Default 150. */
  cacheTimeoutMs?: number;
  /** In-memory cache entries. Default 50_000. */
  cacheMaxEntries?: number;
  /** In-memory event log capacity. Default 10_000. */
  eventLogCapacity?: number;
  /** Where outbox items that even the shared outbox could not take are spooled (OUTBOX_SPOOL_DIR); null: memory only. */
  outboxSpoolDir?: string | null;
  /** How often the Redis marker and persistence settings are checked besides every reconnect. Default 30 s. */
  durabilityCheckIntervalMs?: number;
  /** The key of `digest` (src/config/digest-key.ts); without one, a key of this process's own. */
  digestKey?: Buffer;
}

/** Health as /readyz reports it. */
export interface StoresHealth {
  /** 'disabled' without REDIS_URL; 'down' when a short PING fails. */
  redis: 'disabled' | 'ok' | 'down';
  /** 'degraded' while the cache is bypassing an unreachable Redis. */
  cache: 'ok' | 'degraded';
  /** Redis keeps what it acknowledges: 'ok', 'none' (no AOF, no snapshots, or cannot tell), 'unknown' (not read yet). */
  persistence?: 'ok' | 'none' | 'unknown';
  /** Why the stores are degraded beyond redis/cache (Redis does not persist; Redis lost its data), for operators. */
  reasons?: string[];
}

/** Every store the services use, memory or Redis behind the same interfaces. */
export interface Stores {
  cache: Cache;
  eventLog: EventLog;
  verificationRequests: VerificationRequestStore;
  registryChecks: RegistryCheckStore;
  locks: Locks;
  /** Signed deliveries that could not be used (Realtime Register webhook and queue). */
  quarantine: QuarantineStore;
  /** 202 processes still to follow to their end. */
  processFollowUps: ProcessFollowUpStore;
  /** Once-only markers (deadline reminders). */
  claims: Claims;
  /** What the email-status watcher has seen, so the next holder of its lease carries on from it. */
  emailWatch: EmailWatchStateStore;
  /** The shared connection, null in memory mode (e.g. for @graphql-yoga/redis-event-target). */
  redis: RedisConnection | null;
  /** Outbox items every instance can take (Redis stream; memory without Redis). */
  outbox: SharedOutbox;
  /** Outbox items only this process holds (Redis unreachable), spooled to disk when a directory is configured. */
  localOutbox: LocalOutbox;
  /** Persistence settings and data-loss detection; null in memory mode. */
  durability: RedisDurabilityWatch | null;
  /**
   * Whether a write would be taken now: always in memory; with Redis, a short PING. Mutations ask before calling a
   * provider, so "store down" means nothing was sent.
   */
  canWrite(): Promise<boolean>;
  /** For /readyz. */
  health(): Promise<StoresHealth>;
  /** Stops live event delivery and closes Redis connections. */
  close(): Promise<void>;
  /**
   * The digest to store or log in place of outside text (a quarantined body, an email address): keyed, so that
   * whoever reads Redis or the log cannot confirm a guess against it (src/config/digest-key.ts).
   */
  digest(data: string | Buffer): string;
}

/**
 * Builds the stores: in memory when redisUrls is empty, else on one Redis connection (the event log's live reader
 * opens a second one on first subscribe). Returns at once; Redis connects in the background and calls made before
 * it is ready fail fast (cache: a miss; the rest: StoreUnavailable). Await `redis.ready()` to wait for it.
 */
export function createStores(options: StoresOptions): Stores {
  const { metrics, logger } = options;
  const digestKey = options.digestKey ?? processDigestKey();
  const digest = (data: string | Buffer) => keyedDigest(digestKey, data);
  if (options.redisUrls.length === 0) {
    const eventLog = new MemoryEventLog({ capacity: options.eventLogCapacity, metrics, logger });
    // Nothing here outlives the process, so spooling the outbox would only keep records of a store that is gone.
    const localOutbox = new LocalOutbox({ dir: null, logger });
    return {
      cache: new MemoryCache({ max: options.cacheMaxEntries, metrics }),
      eventLog,
      verificationRequests: new MemoryVerificationRequestStore(),
      registryChecks: new MemoryRegistryCheckStore(),
      locks: new MemoryLocks(),
      quarantine: new MemoryQuarantineStore(),
      processFollowUps: new MemoryProcessFollowUpStore(),
      claims: new MemoryClaims(),
      emailWatch: new MemoryEmailWatchStateStore(),
      redis: null,
      outbox: new MemorySharedOutbox(),
      localOutbox,
      durability: null,
      canWrite: async () => true,
      health: async () => ({ redis: 'disabled', cache: 'ok' }),
      digest,
      close: async () => {
        await eventLog.close();
        await localOutbox.close();
      },
    };
  }
  const redis = connectRedis(options.redisUrls, logger, options.redis);
  const sharedCache = new RedisCache({ connection: redis, logger, metrics, timeoutMs: options.cacheTimeoutMs, digest });
  // While Redis is away a small local cache keeps identical reads from all going upstream (see FallbackCache).
  const cache = new FallbackCache(sharedCache, new MemoryCache({ max: LOCAL_FALLBACK_ENTRIES, metrics }));
  const eventLog = new RedisEventLog({ connection: redis, logger, metrics });
  const localOutbox = new LocalOutbox({ dir: options.outboxSpoolDir ?? null, logger });
  // The spool directory outlives the process: it remembers which Redis data this deployment last saw (per Redis
  // address, so pointing the gateway at another Redis is a new Redis, not a loss).
  const epochFile = options.outboxSpoolDir ? join(options.outboxSpoolDir, redisEpochFileName(options.redisUrls)) : null;
  const durability = new RedisDurabilityWatch({
    connection: redis,
    logger,
    metrics,
    checkIntervalMs: options.durabilityCheckIntervalMs,
    epochFile,
    lastWrite: { newest: () => eventLog.newestAppendedId(), stillHolds: (id) => eventLog.stillHolds(id) },
  });
  return {
    cache,
    eventLog,
    verificationRequests: new RedisVerificationRequestStore(redis),
    registryChecks: new RedisRegistryCheckStore(redis),
    locks: new RedisLocks(redis, logger),
    quarantine: new RedisQuarantineStore(redis),
    processFollowUps: new RedisProcessFollowUpStore(redis),
    claims: new RedisClaims(redis),
    emailWatch: new RedisEmailWatchStateStore(redis, digest),
    redis,
    outbox: new RedisSharedOutbox(redis, logger),
    localOutbox,
    durability,
    canWrite: async () => redis.healthy && (await redis.ping()),
    digest,
    health: async () => {
      const up = await redis.ping();
      // A cache left degraded by an outage recovers here too, so /readyz turns ready without waiting for traffic.
      if (up && cache.degraded) await sharedCache.probe();
      const kept = durability.status();
      const reasons = [
        ...(kept.problem ? [kept.problem] : []),
        ...(kept.dataLossDetectedAt ? [`Redis lost its data (detected ${kept.dataLossDetectedAt}); events and requests stored before may be missing; what providers can still deliver is read again.`] : []),
      ];
      const persistence = kept.persistent === null ? 'unknown' : kept.persistent ? 'ok' : 'none';
      return { redis: up ? 'ok' : 'down', cache: cache.degraded ? 'degraded' : 'ok', persistence, reasons };
    },
    close: async () => {
      durability.close();
      await eventLog.close();
      await localOutbox.close();
      await redis.close();
    },
  };
}
