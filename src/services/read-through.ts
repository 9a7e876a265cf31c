import type { Cache, CacheKind } from '../store/index.js';

/**
 * Process-wide read path under the per-request DataLoaders: identical in-flight reads share one upstream call
 * (coalescing), then the shared cache, then the provider. Values that were not found are not cached, so a
 * contact created a moment later is seen at once.
 */
export class ReadThrough<T> {
  private readonly inflight = new Map<string, Promise<T | null>>();

  constructor(
    private readonly cache: Cache,
    private readonly kind: CacheKind,
    private readonly ttlMs?: number,
  ) {}

  /** One value; `fetch` runs only on a miss with no identical read in flight. */
  async get(key: string, fetch: () => Promise<T | null>): Promise<T | null> {
    const [value] = await this.getMany([key], async () => {
      const fetched = await fetch();
      return fetched === null ? new Map() : new Map([[key, fetched]]);
    });
    return value ?? null;
  }

  /**
   * Values for keys, in order (null where not found). Cache hits first; keys already in flight join that call;
   * the rest go upstream in ONE fetchMissing call (the caller batches them, e.g. `handle:in=`).
   */
  async getMany(keys: readonly string[], fetchMissing: (keys: string[]) => Promise<Map<string, T>>): Promise<(T | null)[]> {
    const unique = [...new Set(keys)];
    const results = new Map<string, Promise<T | null>>();
    const notInFlight = unique.filter((key) => {
      const pending = this.inflight.get(key);
      if (pending) results.set(key, pending);
      return !pending;
    });
    if (notInFlight.length > 0) {
      const batch = this.loadBatch(notInFlight, fetchMissing);
      for (const key of notInFlight) {
        const one = batch.then((values) => values.get(key) ?? null);
        this.inflight.set(key, one);
        results.set(key, one);
      }
      batch.finally(() => {
        for (const key of notInFlight) this.inflight.delete(key);
      }).catch(() => {});
    }
    return Promise.all(keys.map((key) => results.get(key)!));
  }

  /** Drops cached values after a write so the next read is fresh. */
  async invalidate(...keys: string[]): Promise<void> {
    await this.cache.delete(this.kind, ...keys);
  }

  private async loadBatch(keys: string[], fetchMissing: (keys: string[]) => Promise<Map<string, T>>): Promise<Map<string, T | null>> {
    const cached = await this.cache.getMany<T>(this.kind, keys);
    const values = new Map<string, T | null>();
    const missing: string[] = [];
    keys.forEach((key, index) => {
      const hit = cached[index];
      if (hit !== undefined) values.set(key, hit);
      else missing.push(key);
    });
    if (missing.length > 0) {
      const fetched = await fetchMissing(missing);
      const entries = [...fetched.entries()];
      if (entries.length > 0) await this.cache.setMany(this.kind, entries, this.ttlMs);
      for (const key of missing) values.set(key, fetched.get(key) ?? null);
    }
    return values;
  }
}
