import type { Cache, CacheKind, Invalidation } from '../store/index.js';

/** What a batch read found, by key: absent keys were not found, an Error is that key's failed read. */
export type Fetched<T> = Map<string, T | Error>;

/** One upstream read in flight for one key; `stale` once the key was invalidated while it ran. */
interface Flight {
  value: Promise<unknown>;
  stale: boolean;
}

/**
 * The reads in flight against one cache, by kind and key, shared by every ReadThrough on that cache in this process.
 * It listens to the cache's invalidations, so a delete or clear made by ANY service (through a ReadThrough or on the
 * cache directly) detaches the reads already in flight: later readers start a fresh read instead of joining one that
 * may have fetched the old value, and the old value is not written back to the cache.
 */
class Flights {
  private readonly byKind = new Map<CacheKind, Map<string, Flight>>();

  constructor(cache: Cache) {
    cache.onInvalidate((invalidation) => this.invalidate(invalidation));
  }

  of(kind: CacheKind): Map<string, Flight> {
    let flights = this.byKind.get(kind);
    if (!flights) this.byKind.set(kind, (flights = new Map()));
    return flights;
  }

  private invalidate({ kind, keys }: Invalidation): void {
    const flights = this.byKind.get(kind);
    if (!flights) return;
    for (const key of keys ?? [...flights.keys()]) {
      const flight = flights.get(key);
      if (!flight) continue;
      flight.stale = true;
      flights.delete(key);
    }
  }
}

const flightsByCache = new WeakMap<Cache, Flights>();

function flightsOf(cache: Cache, kind: CacheKind): Map<string, Flight> {
  let flights = flightsByCache.get(cache);
  if (!flights) flightsByCache.set(cache, (flights = new Flights(cache)));
  return flights.of(kind);
}

/** Options of a ReadThrough. */
export interface ReadThroughOptions {
  /**
   * How long "not found" is remembered, in ms. Default: not at all, so a contact created a moment later is seen at
   * once. Set where repeating a read that finds nothing costs more than that (see OpenproviderCustomerReads).
   */
  absentTtlMs?: number;
}

/**
 * Process-wide read path under the per-request DataLoaders: identical in-flight reads share one upstream call
 * (coalescing), then the shared cache, then the provider. Values that were not found are not cached unless
 * `absentTtlMs` says so. Two ReadThroughs of the same cache and kind share in-flight reads.
 */
export class ReadThrough<T> {
  private readonly inflight: Map<string, Flight>;

  constructor(
    private readonly cache: Cache,
    private readonly kind: CacheKind,
    private readonly ttlMs?: number,
    private readonly options: ReadThroughOptions = {},
  ) {
    this.inflight = flightsOf(cache, kind);
  }

  /** One value; `fetch` runs only on a miss with no identical read in flight. */
  async get(key: string, fetch: () => Promise<T | null>): Promise<T | null> {
    const [value] = await this.getMany([key], async () => {
      const fetched = await fetch();
      return fetched === null ? new Map() : new Map([[key, fetched]]);
    });
    return value ?? null;
  }

  /**
   * The value the cache holds for `key` right now, synchronously: undefined unless a cache that answers without I/O
   * (the in-process one) holds it and no read of it is in flight. A hit here is counted as a hit.
   */
  peek(key: string): T | null | undefined {
    if (!this.cache.peekAll || this.inflight.has(key)) return undefined;
    return this.cache.peekAll<T | null>(this.kind, [key])?.[0];
  }

  /**
   * Values for keys, in order (null where not found). Cache hits first; keys already in flight join that call;
   * the rest go upstream in ONE fetchMissing call (the caller batches them, e.g. `handle:in=`). Throws the first
   * failure: of the whole batch, or of one key (see getManySettled).
   */
  async getMany(keys: readonly string[], fetchMissing: (keys: string[]) => Promise<Fetched<T>>): Promise<(T | null)[]> {
    const settled = await this.getManySettled(keys, fetchMissing);
    const failure = settled.find((value): value is Error => value instanceof Error);
    if (failure) throw failure;
    return settled as (T | null)[];
  }

  /**
   * As getMany, but each key settles on its own: fetchMissing may answer an Error for one key (that contact's read
   * failed; the others did not), and a failure of the whole call becomes every fetched key's Error. Errors are never
   * cached; readers that joined the flight get the same Error.
   */
  async getManySettled(keys: readonly string[], fetchMissing: (keys: string[]) => Promise<Fetched<T>>): Promise<(T | null | Error)[]> {
    // All held by a cache that answers at once (the in-process one) and none being read: answered now, without a
    // flight, a promise per key or the turns between them (Cache.peekAll). A value held as null was remembered absent.
    if (this.cache.peekAll && !keys.some((key) => this.inflight.has(key))) {
      const held = this.cache.peekAll<T | null>(this.kind, keys);
      if (held) return held;
    }
    const unique = [...new Set(keys)];
    const results = new Map<string, Promise<T | null>>();
    const started = new Map<string, Flight>();
    for (const key of unique) {
      const pending = this.inflight.get(key);
      if (pending) results.set(key, pending.value as Promise<T | null>);
      else started.set(key, { value: Promise.resolve(null), stale: false });
    }
    if (started.size > 0) {
      const batch = this.loadBatch(started, fetchMissing);
      for (const [key, flight] of started) {
        const one = batch.then((values) => {
          const value = values.get(key);
          if (value instanceof Error) throw value;
          return value ?? null;
        });
        flight.value = one;
        this.inflight.set(key, flight);
        results.set(key, one);
      }
      batch
        .finally(() => {
          for (const [key, flight] of started) if (this.inflight.get(key) === flight) this.inflight.delete(key);
        })
        .catch(() => {});
    }
    const settled = new Map<string, Promise<T | null | Error>>();
    for (const [key, value] of results) settled.set(key, value.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))));
    return Promise.all(keys.map((key) => settled.get(key)!));
  }

  /** Drops cached values after a write so the next read is fresh (reads in flight are detached: see Flights). */
  async invalidate(...keys: string[]): Promise<void> {
    await this.cache.delete(this.kind, ...keys);
  }

  private async loadBatch(flights: Map<string, Flight>, fetchMissing: (keys: string[]) => Promise<Fetched<T>>): Promise<Map<string, T | null | Error>> {
    const keys = [...flights.keys()];
    const cached = await this.cache.getMany<T>(this.kind, keys);
    const values = new Map<string, T | null | Error>();
    const missing: string[] = [];
    keys.forEach((key, index) => {
      const hit = cached[index];
      if (hit !== undefined) values.set(key, hit);
      else missing.push(key);
    });
    if (missing.length > 0) {
      const fetched = await fetchMissing(missing);
      // A key invalidated while this read ran may have been fetched before the write: answer the callers that asked
      // before the write with it, but do not cache it. A key whose read failed is not cached either.
      const entries = [...fetched.entries()].filter((entry): entry is [string, T] => !(entry[1] instanceof Error) && !flights.get(entry[0])?.stale);
      if (entries.length > 0) await this.cache.setMany(this.kind, entries, this.ttlMs);
      if (this.options.absentTtlMs !== undefined) {
        // Remembered as null: a cache hit (get answers undefined only on a miss) that reads as "not found".
        const absent = missing.filter((key) => !fetched.has(key) && !flights.get(key)?.stale).map((key): [string, null] => [key, null]);
        if (absent.length > 0) await this.cache.setMany(this.kind, absent, this.options.absentTtlMs);
      }
      for (const key of missing) values.set(key, fetched.get(key) ?? null);
    }
    return values;
  }
}
