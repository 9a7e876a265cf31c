import { describe, expect, it } from 'vitest';
import { FallbackCache } from '../../src/store/fallback-cache.js';
import { MemoryCache } from '../../src/store/memory-cache.js';
import type { RedisCache } from '../../src/store/redis-cache.js';

/** A stand-in for the Redis cache whose health the test flips; it stores like a memory cache while healthy. */
function sharedCache() {
  const store = new MemoryCache();
  let degraded = false;
  const probes: number[] = [];
  const shared = {
    get degraded() {
      return degraded;
    },
    getMany: (kind: never, keys: string[]) => (degraded ? Promise.resolve(keys.map(() => undefined)) : store.getMany(kind, keys)),
    setMany: (kind: never, entries: [string, unknown][], ttl?: number) => (degraded ? Promise.resolve() : store.setMany(kind, entries, ttl)),
    delete: (kind: never, ...keys: string[]) => store.delete(kind, ...keys),
    clearKind: (kind: never) => store.clearKind(kind),
    probeIfDue: () => probes.push(Date.now()),
  } as unknown as RedisCache;
  return { shared, setDegraded: (value: boolean) => (degraded = value), probes };
}

describe('FallbackCache', () => {
  it('serves repeats from the local cache while Redis is degraded, and still probes Redis', async () => {
    const { shared, setDegraded, probes } = sharedCache();
    const cache = new FallbackCache(shared, new MemoryCache());
    setDegraded(true);
    expect(await cache.get('list-page', 'q')).toBeUndefined();
    await cache.set('list-page', 'q', ['row']);
    expect(await cache.get('list-page', 'q')).toEqual(['row']);
    expect(probes.length).toBeGreaterThan(0);
  });

  it('forgets what it held locally once Redis is back, so nothing from the outage is served later', async () => {
    const { shared, setDegraded } = sharedCache();
    const cache = new FallbackCache(shared, new MemoryCache());
    setDegraded(true);
    await cache.set('contact', 'k', 'during the outage');
    setDegraded(false);
    expect(await cache.get('contact', 'k')).toBeUndefined();
    setDegraded(true);
    expect(await cache.get('contact', 'k')).toBeUndefined();
  });

  it('applies deletes to both caches', async () => {
    const { shared, setDegraded } = sharedCache();
    const cache = new FallbackCache(shared, new MemoryCache());
    setDegraded(true);
    await cache.set('contact', 'k', 'v');
    await cache.delete('contact', 'k');
    expect(await cache.get('contact', 'k')).toBeUndefined();
  });
});
