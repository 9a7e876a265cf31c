import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMetrics, type GatewayMetrics } from '../../src/observability/metrics.js';
import { CACHE_TTL_MS, cacheKey, cacheTtl } from '../../src/store/cache.js';
import { MemoryCache } from '../../src/store/memory-cache.js';
import { keyedDigest, processDigestKey } from '../../src/store/digest-key.js';

async function count(metrics: GatewayMetrics, name: 'cacheHits' | 'cacheMisses', kind: string): Promise<number> {
  const metric = await metrics[name].get();
  return metric.values.find((value) => value.labels.kind === kind)?.value ?? 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cache key and ttl policy', () => {
  it('should namespace and version keys as vgw:v1:<kind>:<keyed digest of the key>, so no caller text is a Redis key', () => {
    const key = processDigestKey();
    const digest = (text: string) => keyedDigest(key, text);
    expect(cacheKey('contact', 'OPENPROVIDER::49912319999', digest)).toMatch(/^vgw:v1:contact:[\w-]{43}$/);
    expect(cacheKey('email-verification', 'dna:email:ann@example.com', digest)).not.toContain('ann');
    expect(cacheKey('contact', 'RR:acme:h1', digest)).not.toBe(cacheKey('contact', 'RR:acme:h2', digest));
    // Keyed: the plain SHA-256 of a guessed handle does not find it.
    expect(cacheKey('contact', 'OPENPROVIDER::49912319999', digest)).not.toContain(createHash('sha256').update('OPENPROVIDER::49912319999').digest('base64url'));
    // A provider token's key is the gateway's own (an account digest), kept readable for operators.
    expect(cacheKey('provider-token', 'openprovider:8f3d:token', digest)).toBe('vgw:v1:provider-token:openprovider:8f3d:token');
  });

  it('should use the kind default unless a positive ttl is given', () => {
    expect(cacheTtl('list-page')).toBe(CACHE_TTL_MS['list-page']);
    expect(cacheTtl('list-page', 0)).toBe(15_000);
    expect(cacheTtl('contact', 5)).toBe(5);
  });
});

describe('MemoryCache', () => {
  it('should return a JSON copy of what was set, which no reader can change', async () => {
    const cache = new MemoryCache();
    const value = { handle: 'h1', tags: ['a'], at: new Date('2026-01-01T00:00:00Z'), gone: undefined };
    await cache.set('contact', 'h1', value);
    value.tags.push('b');
    const cached = await cache.get<{ handle: string; tags: string[] }>('contact', 'h1');
    expect(cached).toEqual({ handle: 'h1', tags: ['a'], at: '2026-01-01T00:00:00.000Z' });
    expect(() => cached!.tags.push('c')).toThrow(TypeError);
    expect(await cache.get('contact', 'h1')).toEqual({ handle: 'h1', tags: ['a'], at: '2026-01-01T00:00:00.000Z' });
    expect(cache.degraded).toBe(false);
  });

  it('should count hits and misses per kind on get and getMany', async () => {
    const metrics = createMetrics();
    const cache = new MemoryCache({ metrics });
    expect(await cache.get('contact', 'h1')).toBeUndefined();
    await cache.setMany('contact', [['h1', 1], ['h2', 2]]);
    expect(await cache.getMany('contact', ['h1', 'missing', 'h2'])).toEqual([1, undefined, 2]);
    expect(await count(metrics, 'cacheHits', 'contact')).toBe(2);
    expect(await count(metrics, 'cacheMisses', 'contact')).toBe(2);
    expect(await count(metrics, 'cacheHits', 'list-page')).toBe(0);
  });

  it('should expire an entry after its ttl', async () => {
    const cache = new MemoryCache();
    // Beside it an entry that lives a minute: a loaded machine may take longer than 20 ms between two lines.
    await cache.set('email-verification', 'e1', 'pending', 20);
    await cache.set('email-verification', 'e2', 'verified', 60_000);
    await sleep(40);
    expect(await cache.get('email-verification', 'e1')).toBeUndefined();
    expect(await cache.get('email-verification', 'e2')).toBe('verified');
  });

  it('should drop the least recently used entry beyond max', async () => {
    const cache = new MemoryCache({ max: 3 });
    await cache.setMany('contact', [['a', 1], ['b', 2], ['c', 3]]);
    await cache.get('contact', 'a');
    await cache.set('contact', 'd', 4);
    expect(await cache.getMany('contact', ['a', 'b', 'c', 'd'])).toEqual([1, undefined, 3, 4]);
    expect(cache.size).toBe(3);
  });

  it('should keep kinds apart and clear only the kind asked for', async () => {
    const cache = new MemoryCache();
    await cache.set('list-page', 'p1', 'page');
    await cache.set('contact', 'p1', 'contact');
    await cache.clearKind('list-page');
    expect(await cache.get('list-page', 'p1')).toBeUndefined();
    expect(await cache.get('contact', 'p1')).toBe('contact');
    await cache.set('list-page', 'p1', 'fresh');
    expect(await cache.get('list-page', 'p1')).toBe('fresh');
  });

  it('should delete keys, and treat setting undefined as a delete', async () => {
    const cache = new MemoryCache();
    await cache.setMany('contact', [['a', 1], ['b', 2], ['c', 3]]);
    await cache.delete('contact', 'a', 'b');
    await cache.set('contact', 'c', undefined);
    expect(await cache.getMany('contact', ['a', 'b', 'c'])).toEqual([undefined, undefined, undefined]);
  });
});
