import { LRUCache } from 'lru-cache';
import type { GatewayMetrics } from '../observability/metrics.js';
import { cacheTtl, InvalidationListeners, type Cache, type CacheKind, type InvalidationListener } from './cache.js';

/** Options for the in-process cache. */
export interface MemoryCacheOptions {
  /** Most entries kept across all kinds; the least recently used go first. Default 50_000. */
  max?: number;
  /** Hit/miss counters per kind; none when omitted (tools, unit tests). */
  metrics?: GatewayMetrics;
}

/**
 * The cache of a single gateway process (no REDIS_URL). A value is stored as its JSON copy, deeply frozen: callers see
 * what Redis would give them (dates as strings, no undefined, no shared references with what they set) and cannot
 * mutate a cached value by accident (it throws), while a hit costs no parse (the cached request path: issue 17).
 * The copy is parsed from its JSON text at the first read, not at the write: a miss writes what it read and most
 * entries written under misses are never read before they expire or are pushed out, so the write only serialises
 * (the cache-miss path: issue 17).
 */
export class MemoryCache implements Cache {
  readonly degraded = false;
  private readonly entries: LRUCache<string, Entry>;
  /** clearKind bumps a kind's generation; keys carry it, so older entries become unreachable and age out. */
  private readonly generations = new Map<CacheKind, number>();
  private readonly invalidations = new InvalidationListeners();

  constructor(private readonly options: MemoryCacheOptions = {}) {
    this.entries = new LRUCache<string, Entry>({ max: options.max ?? 50_000 });
  }

  private key(kind: CacheKind, key: string): string {
    return `${kind}:${key}#${this.generations.get(kind) ?? 0}`;
  }

  async get<T>(kind: CacheKind, key: string): Promise<T | undefined> {
    const [value] = await this.getMany<T>(kind, [key]);
    return value;
  }

  async getMany<T>(kind: CacheKind, keys: string[]): Promise<(T | undefined)[]> {
    const values = keys.map((key) => this.read<T>(kind, key));
    const hits = values.filter((value) => value !== undefined).length;
    this.count(kind, hits, keys.length - hits);
    return values;
  }

  peekAll<T>(kind: CacheKind, keys: readonly string[]): T[] | null {
    const values: T[] = [];
    for (const key of keys) {
      const value = this.read<T>(kind, key);
      if (value === undefined) return null;
      values.push(value);
    }
    this.count(kind, values.length, 0);
    return values;
  }

  private read<T>(kind: CacheKind, key: string): T | undefined {
    const entry = this.entries.get(this.key(kind, key));
    return entry && (readValue(entry) as T);
  }

  private count(kind: CacheKind, hits: number, misses: number): void {
    if (hits) this.options.metrics?.cacheHits.inc({ kind }, hits);
    if (misses) this.options.metrics?.cacheMisses.inc({ kind }, misses);
  }

  async set<T>(kind: CacheKind, key: string, value: T, ttlMs?: number): Promise<void> {
    await this.setMany(kind, [[key, value]], ttlMs);
  }

  async setMany<T>(kind: CacheKind, entries: [string, T][], ttlMs?: number): Promise<void> {
    const ttl = cacheTtl(kind, ttlMs);
    for (const [key, value] of entries) {
      const raw = JSON.stringify(value) as string | undefined;
      if (raw === undefined) this.entries.delete(this.key(kind, key));
      else this.entries.set(this.key(kind, key), { json: raw, value: undefined }, { ttl });
    }
  }

  async delete(kind: CacheKind, ...keys: string[]): Promise<void> {
    this.invalidations.emit(kind, keys);
    for (const key of keys) this.entries.delete(this.key(kind, key));
  }

  async clearKind(kind: CacheKind): Promise<void> {
    this.invalidations.emit(kind, null);
    this.generations.set(kind, (this.generations.get(kind) ?? 0) + 1);
  }

  onInvalidate(listener: InvalidationListener): () => void {
    return this.invalidations.add(listener);
  }

  /** Entries currently held (expired ones may still count until touched); for tests. */
  get size(): number {
    return this.entries.size;
  }
}

/** A cached value: its JSON text until the first read, then the frozen copy parsed from it (and the text dropped). */
interface Entry {
  json: string | null;
  value: unknown;
}

function readValue(entry: Entry): unknown {
  if (entry.json !== null) {
    entry.value = deepFreeze(JSON.parse(entry.json) as unknown);
    entry.json = null;
  }
  return entry.value;
}

/** Freezes a JSON value and everything in it (JSON has no cycles). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
