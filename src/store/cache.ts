/** What the cache holds. Registry checks are never cached: they carry personal data (see DESIGN.md, privacy). */
export type CacheKind = 'contact' | 'email-verification' | 'list-page' | 'provider-token';

/** Every cache kind, for iteration (metrics, tests). */
export const CACHE_KINDS: readonly CacheKind[] = ['contact', 'email-verification', 'list-page', 'provider-token'];

/**
 * Default lifetime per kind. Short for provider data (a stale verification status misleads a user; writes also
 * invalidate explicitly), long for provider tokens (Openprovider bearer tokens live 24 h; we renew an hour early).
 */
export const CACHE_TTL_MS: Record<CacheKind, number> = {
  contact: 60_000,
  'email-verification': 30_000,
  'list-page': 15_000,
  'provider-token': 23 * 3600_000,
};

/**
 * A shared cache of provider reads. Values are JSON (what goes in comes out as JSON.parse(JSON.stringify(value))
 * in both implementations). It never throws and never blocks a request for long: when the backing store is
 * unreachable every read is a miss and every write is dropped, and `degraded` says so.
 *
 * It accepts any value; callers must not put personal data in it. Registry checks (national-ID results) are never
 * cached, only stored (RegistryCheckStore).
 */
export interface Cache {
  get<T>(kind: CacheKind, key: string): Promise<T | undefined>;
  /** One result per key, in order. Redis: one MGET (Cluster: one auto-pipelined GET per key, grouped by node). */
  getMany<T>(kind: CacheKind, keys: string[]): Promise<(T | undefined)[]>;
  /**
   * Every key's value at once, synchronously, or null unless the cache holds them all (counted as hits only then).
   * Only a cache that can answer without I/O has it (the in-process one): ReadThrough answers such hits without a
   * flight or a promise per key (the cached request path, issue 17).
   */
  peekAll?<T>(kind: CacheKind, keys: readonly string[]): T[] | null;
  /** ttlMs defaults to CACHE_TTL_MS[kind]. Setting undefined deletes. */
  set<T>(kind: CacheKind, key: string, value: T, ttlMs?: number): Promise<void>;
  setMany<T>(kind: CacheKind, entries: [string, T][], ttlMs?: number): Promise<void>;
  delete(kind: CacheKind, ...keys: string[]): Promise<void>;
  /** Deletes every key of a kind (e.g. all list pages after a write). O(1): bumps the kind's generation. */
  clearKind(kind: CacheKind): Promise<void>;
  /** True while the backing store is unreachable and calls are bypassed. */
  readonly degraded: boolean;
  /**
   * Calls listener synchronously whenever THIS process deletes keys or clears a kind, before the backing store is
   * told. ReadThrough uses it so a read that was already in flight does not write back a value fetched before the
   * invalidation. Returns unsubscribe.
   */
  onInvalidate(listener: InvalidationListener): () => void;
}

/** What an invalidation dropped: the listed keys of a kind, or (keys null) every key of it. */
export interface Invalidation {
  kind: CacheKind;
  keys: readonly string[] | null;
}

export type InvalidationListener = (invalidation: Invalidation) => void;

/** The listener list both implementations share. */
export class InvalidationListeners {
  private readonly listeners = new Set<InvalidationListener>();

  add(listener: InvalidationListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(kind: CacheKind, keys: readonly string[] | null): void {
    for (const listener of this.listeners) listener({ kind, keys });
  }
}

/** Namespace and schema version of every cache key; bump the version when a cached shape changes. */
export const CACHE_KEY_PREFIX = 'vgw:v1';

/**
 * `vgw:v1:<kind>:<digest of the key>` (a provider token's key is the gateway's own and stays as it is). Keys are
 * the caller's text: a list page's is the upstream query (an email address, a handle, a domain filter), a contact's
 * the handle asked for, an email verification's the address or handle looked up, and an Openprovider handle that
 * does not exist is remembered under the handle as typed (an ID number typed as a handle included). Redis keys are
 * read by anyone who can SCAN the store: the digest keeps that text out of them, and it is the stores' keyed one
 * (Stores.digest, src/config/digest-key.ts), since a plain hash of an 11-digit number is found by trying them all. The
 * in-process cache keeps plain keys: they never leave the process, and a digest would cost every cached read.
 */
export function cacheKey(kind: CacheKind, key: string, digest: (text: string) => string): string {
  return `${CACHE_KEY_PREFIX}:${kind}:${kind === 'provider-token' ? key : digest(key)}`;
}

/** Where a kind's generation counter lives (see RedisCache.clearKind). */
export function cacheGenerationKey(kind: CacheKind): string {
  return `${CACHE_KEY_PREFIX}:gen:${kind}`;
}

/** The TTL to use: the caller's when given and positive, else the kind's default. */
export function cacheTtl(kind: CacheKind, ttlMs?: number): number {
  return ttlMs !== undefined && ttlMs > 0 ? Math.ceil(ttlMs) : CACHE_TTL_MS[kind];
}
