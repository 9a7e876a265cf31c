import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { cacheGenerationKey, cacheKey, cacheTtl, InvalidationListeners, type Cache, type CacheKind, type InvalidationListener } from './cache.js';
import { withDeadline } from './deadline.js';
import type { RedisConnection } from './redis-connection.js';
import { traceRedis } from './redis-span.js';

/** Options for the shared Redis cache. */
export interface RedisCacheOptions {
  connection: RedisConnection;
  logger: Logger;
  /** Hit/miss counters per kind; none when omitted. */
  metrics?: GatewayMetrics;
  /** The keyed digest of cache keys (Stores.digest): instances sharing one cache must share its key. */
  digest: (text: string) => string;
  /** Deadline for each cache call, in ms. Default 150: a slow cache must cost less than the upstream call it saves. */
  timeoutMs?: number;
  /** While degraded, how often one call checks whether Redis is back (every other call skips Redis), in ms. Default 500. */
  probeIntervalMs?: number;
}

/** What is stored under a key: the value and the kind's generation at write time. */
interface StampedValue {
  g: number;
  v: unknown;
}

/**
 * The cache shared by every gateway instance. Never throws and never makes a request wait long: every call has a
 * deadline (timeoutMs); on any error or timeout a read is a miss and a write is dropped, and the cache turns
 * `degraded` (logged once). While degraded it does not call Redis at all, so a slow Redis costs one deadline, not
 * one per request; every probeIntervalMs one call probes (PING within the deadline) and, when Redis answers, the
 * cache is used again: it recovers by itself. /readyz probes too (probe()).
 *
 * A delete or clear that was dropped while degraded would leave a stale value behind once Redis is back, so the
 * kinds it touched are cleared (generation bump) as part of the probe, before any read is served from Redis again.
 * That clear is shared: every instance refetches that kind once. (An instance that could still reach Redis while this
 * one could not serves the old value until this one recovers, or the TTL ends, whichever is first.)
 *
 * clearKind uses a generation counter per kind (`vgw:v1:gen:<kind>`), not SCAN+DEL (which cannot be done atomically,
 * or at all cheaply, across a cluster). Every value is stored as `{"g": generation, "v": value}`; every read fetches
 * the generation in the same round trip as the values and treats a value of another generation as a miss. So a clear
 * is visible to every instance at once, and old entries simply expire. A write stamps the generation this instance
 * saw within the last second (normally read alongside the preceding get, else read again), so data fetched before a clear is never served after it, except in the
 * usual cache-aside race where a concurrent read of the same instance saw the newer generation first.
 */
export class RedisCache implements Cache {
  private isDegraded = false;
  private readonly timeoutMs: number;
  private readonly probeIntervalMs: number;
  /** No call goes to Redis before this time (Date.now()) while degraded. */
  private nextProbeAt = 0;
  private probing: Promise<boolean> | null = null;
  /** Kinds whose delete or clear was dropped while degraded; cleared before Redis is used again. */
  private readonly unsynced = new Set<CacheKind>();
  /** The generation each kind had at this instance's last read, and when that was (Date.now()). */
  private readonly generations = new Map<CacheKind, { value: number; readAt: number }>();
  private readonly invalidations = new InvalidationListeners();

  constructor(private readonly options: RedisCacheOptions) {
    this.timeoutMs = options.timeoutMs ?? 150;
    this.probeIntervalMs = options.probeIntervalMs ?? 500;
  }

  get degraded(): boolean {
    return this.isDegraded;
  }

  onInvalidate(listener: InvalidationListener): () => void {
    return this.invalidations.add(listener);
  }

  async get<T>(kind: CacheKind, key: string): Promise<T | undefined> {
    const [value] = await this.getMany<T>(kind, [key]);
    return value;
  }

  async getMany<T>(kind: CacheKind, keys: string[]): Promise<(T | undefined)[]> {
    if (keys.length === 0) return [];
    const misses = keys.map((): T | undefined => undefined);
    const values = await traceRedis('cache.get', kind, keys.length, () =>
      this.guard('get', misses, async () => {
        const [generation, ...raws] = await this.fetch([cacheGenerationKey(kind), ...keys.map((key) => cacheKey(kind, key, this.options.digest))]);
        const current = this.remember(kind, generation);
        return raws.map((raw) => decode<T>(raw, current));
      }),
    );
    const hits = values.filter((value) => value !== undefined).length;
    if (hits) this.options.metrics?.cacheHits.inc({ kind }, hits);
    if (keys.length - hits) this.options.metrics?.cacheMisses.inc({ kind }, keys.length - hits);
    return values;
  }

  async set<T>(kind: CacheKind, key: string, value: T, ttlMs?: number): Promise<void> {
    await this.setMany(kind, [[key, value]], ttlMs);
  }

  async setMany<T>(kind: CacheKind, entries: [string, T][], ttlMs?: number): Promise<void> {
    if (entries.length === 0) return;
    const ttl = cacheTtl(kind, ttlMs);
    const client = this.options.connection.client;
    await traceRedis('cache.set', kind, entries.length, () =>
      this.guard('set', undefined, async () => {
        const g = await this.writeGeneration(kind);
        await Promise.all(
          entries.map(([key, value]) => {
            const stamped: StampedValue = { g, v: value };
            return value === undefined ? client.del(cacheKey(kind, key, this.options.digest)) : client.set(cacheKey(kind, key, this.options.digest), JSON.stringify(stamped), 'PX', ttl);
          }),
        );
      }),
    );
  }

  async delete(kind: CacheKind, ...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    this.invalidations.emit(kind, keys);
    const client = this.options.connection.client;
    // One DEL per key: a multi-key DEL would be CROSSSLOT on a cluster. ioredis pipelines them on the socket anyway.
    await this.guard('delete', undefined, () => Promise.all(keys.map((key) => client.del(cacheKey(kind, key, this.options.digest)))), kind);
  }

  async clearKind(kind: CacheKind): Promise<void> {
    this.invalidations.emit(kind, null);
    await this.guard('clear', undefined, () => this.bumpGeneration(kind), kind);
  }

  /**
   * Checks whether Redis answers again (within the deadline) and, if so, clears the kinds whose invalidations were
   * dropped and leaves degraded mode. True when the cache is usable. Concurrent calls share one probe.
   */
  /** Probes once the probe interval has passed; for callers that keep away from Redis while it is degraded. */
  probeIfDue(): void {
    if (this.isDegraded && Date.now() >= this.nextProbeAt) void this.probe();
  }

  probe(): Promise<boolean> {
    if (!this.isDegraded) return Promise.resolve(true);
    this.probing ??= this.runProbe().finally(() => {
      this.probing = null;
    });
    return this.probing;
  }

  private async runProbe(): Promise<boolean> {
    this.nextProbeAt = Date.now() + this.probeIntervalMs;
    if (!this.options.connection.healthy) return false;
    try {
      const kinds = [...this.unsynced];
      const answer: Promise<unknown> = kinds.length
        ? Promise.all(kinds.map((kind) => this.bumpGeneration(kind)))
        : this.options.connection.client.ping();
      await withDeadline(answer, this.timeoutMs, 'cache probe');
      for (const kind of kinds) this.unsynced.delete(kind);
    } catch {
      return false;
    }
    this.isDegraded = false;
    this.options.logger.info('redis cache recovered');
    return true;
  }

  private async bumpGeneration(kind: CacheKind): Promise<void> {
    this.remember(kind, String(await this.options.connection.client.incr(cacheGenerationKey(kind))));
  }

  private remember(kind: CacheKind, raw: string | null | undefined): number {
    const value = parseGeneration(raw);
    this.generations.set(kind, { value, readAt: Date.now() });
    return value;
  }

  /**
   * The generation to stamp a write with: the one seen by a read in the last GENERATION_FRESH_MS (normally the get
   * that missed just before this set), else read again, so a Redis restart or flush cannot leave a stale number here.
   */
  private async writeGeneration(kind: CacheKind): Promise<number> {
    const known = this.generations.get(kind);
    if (known && Date.now() - known.readAt < GENERATION_FRESH_MS) return known.value;
    return this.remember(kind, await this.options.connection.client.get(cacheGenerationKey(kind)));
  }

  /** MGET on one Redis; on a cluster the keys live in different slots, so one GET each (auto-pipelined per node). */
  private fetch(keys: string[]): Promise<(string | null)[]> {
    const client = this.options.connection.client;
    if (this.options.connection.isCluster) return Promise.all(keys.map((key) => client.get(key)));
    return client.mget(keys);
  }

  /**
   * Runs op within the deadline. When Redis is known to be unusable, or op fails, returns fallback; a dropped
   * invalidation marks its kind for clearing on recovery.
   */
  private async guard<R>(operation: string, fallback: R, op: () => Promise<R>, invalidates?: CacheKind): Promise<R> {
    if (!(await this.usable(operation))) {
      if (invalidates) this.unsynced.add(invalidates);
      return fallback;
    }
    try {
      return await withDeadline(op(), this.timeoutMs, `cache ${operation}`);
    } catch (err) {
      if (invalidates) this.unsynced.add(invalidates);
      this.degrade(operation, err instanceof Error ? err.message : String(err));
      return fallback;
    }
  }

  /** False while degraded (except for the call that probes, when the probe succeeds) or while disconnected. */
  private async usable(operation: string): Promise<boolean> {
    if (this.isDegraded) return Date.now() >= this.nextProbeAt && (await this.probe());
    if (this.options.connection.healthy) return true;
    this.degrade(operation, 'not connected');
    return false;
  }

  private degrade(operation: string, error: string): void {
    if (this.isDegraded) return;
    this.isDegraded = true;
    this.nextProbeAt = Date.now() + this.probeIntervalMs;
    this.options.logger.warn({ operation, error }, 'redis cache degraded; bypassing it');
  }
}

/** How long a generation read stays good for stamping writes. */
const GENERATION_FRESH_MS = 1_000;

function parseGeneration(raw: string | null | undefined): number {
  const parsed = raw ? Number.parseInt(raw, 10) : 0;
  return Number.isFinite(parsed) ? parsed : 0;
}

/** A stored value of the current generation, or undefined (absent, stale generation, or unreadable). */
function decode<T>(raw: string | null | undefined, generation: number): T | undefined {
  if (!raw) return undefined;
  try {
    const stamped = JSON.parse(raw) as StampedValue;
    return stamped.g === generation ? (stamped.v as T) : undefined;
  } catch {
    return undefined;
  }
}
