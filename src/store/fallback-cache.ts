import type { Cache, CacheKind, InvalidationListener } from './cache.js';
import { CACHE_KINDS } from './cache.js';
import { MemoryCache } from './memory-cache.js';
import type { RedisCache } from './redis-cache.js';

/**
 * The shared Redis cache with a small in-process cache behind it for while Redis is away. Bypassing the cache
 * entirely during an outage would send every read upstream: under a polling dashboard that is exactly the stream of
 * identical calls that gets a caller blacklisted at Openprovider (300 identical calls in 300 s). So while the Redis
 * cache is degraded, reads and writes use the local cache; writes, deletes and clears still go to Redis too (which
 * and reads probe Redis every probe interval, so the cache notices its recovery). The first call after recovery empties the local cache, so nothing
 * it held outlives the outage.
 */
export class FallbackCache implements Cache {
  private usedLocal = false;

  constructor(
    private readonly shared: RedisCache,
    private readonly local: MemoryCache,
  ) {}

  get degraded(): boolean {
    return this.shared.degraded;
  }

  onInvalidate(listener: InvalidationListener): () => void {
    return this.shared.onInvalidate(listener);
  }

  async get<T>(kind: CacheKind, key: string): Promise<T | undefined> {
    const [value] = await this.getMany<T>(kind, [key]);
    return value;
  }

  async getMany<T>(kind: CacheKind, keys: string[]): Promise<(T | undefined)[]> {
    if (await this.sharedUsable()) return this.shared.getMany<T>(kind, keys);
    this.shared.probeIfDue();
    return this.local.getMany<T>(kind, keys);
  }

  async set<T>(kind: CacheKind, key: string, value: T, ttlMs?: number): Promise<void> {
    await this.setMany(kind, [[key, value]], ttlMs);
  }

  async setMany<T>(kind: CacheKind, entries: [string, T][], ttlMs?: number): Promise<void> {
    await this.shared.setMany(kind, entries, ttlMs);
    if (this.shared.degraded) {
      this.usedLocal = true;
      await this.local.setMany(kind, entries, ttlMs);
    }
  }

  async delete(kind: CacheKind, ...keys: string[]): Promise<void> {
    await Promise.all([this.shared.delete(kind, ...keys), this.local.delete(kind, ...keys)]);
  }

  async clearKind(kind: CacheKind): Promise<void> {
    await Promise.all([this.shared.clearKind(kind), this.local.clearKind(kind)]);
  }

  /** True when Redis serves reads; on the way back from an outage, forgets what the local cache held. */
  private async sharedUsable(): Promise<boolean> {
    if (this.shared.degraded) return false;
    if (this.usedLocal) {
      this.usedLocal = false;
      await Promise.all(CACHE_KINDS.map((kind) => this.local.clearKind(kind)));
    }
    return true;
  }
}
