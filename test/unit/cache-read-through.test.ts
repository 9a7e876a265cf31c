import { describe, expect, it } from 'vitest';
import { ReadThrough } from '../../src/services/read-through.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { MemoryCache } from '../../src/store/memory-cache.js';

/** A fetch the test resolves by hand, counting calls. */
function controlledFetch() {
  const calls: string[][] = [];
  const pending: ((values: Map<string, string>) => void)[] = [];
  return {
    calls,
    fetch: (keys: string[]) => {
      calls.push(keys);
      return new Promise<Map<string, string>>((resolve) => pending.push(resolve));
    },
    /** Answers the oldest open call with `value@key` for each key it asked. */
    answer(value: string) {
      const keys = calls[calls.length - pending.length]!;
      pending.shift()!(new Map(keys.map((key) => [key, `${value}@${key}`])));
    },
  };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ReadThrough', () => {
  it('shares one upstream call between identical reads in flight, then serves the cache', async () => {
    const reads = new ReadThrough<string>(new MemoryCache(), 'contact');
    const upstream = controlledFetch();
    const first = reads.getMany(['a', 'b'], upstream.fetch);
    const second = reads.getMany(['b', 'a', 'a'], upstream.fetch);
    await settle();
    upstream.answer('v1');
    expect(await first).toEqual(['v1@a', 'v1@b']);
    expect(await second).toEqual(['v1@b', 'v1@a', 'v1@a']);
    expect(await reads.getMany(['a'], upstream.fetch)).toEqual(['v1@a']);
    expect(upstream.calls).toEqual([['a', 'b']]);
  });

  it('does not let a read that started before an invalidation serve or cache the old value afterwards', async () => {
    const cache = new MemoryCache();
    const reads = new ReadThrough<string>(cache, 'contact');
    const upstream = controlledFetch();
    const before = reads.get('a', async () => (await upstream.fetch(['a'])).get('a') ?? null);
    await settle();

    // A write lands upstream and invalidates while the old read is still in flight.
    await reads.invalidate('a');
    const after = reads.get('a', async () => (await upstream.fetch(['a'])).get('a') ?? null);
    await settle();
    expect(upstream.calls).toHaveLength(2);

    upstream.answer('old');
    upstream.answer('new');
    expect(await before).toBe('old@a');
    expect(await after).toBe('new@a');
    expect(await cache.get('contact', 'a')).toBe('new@a');
  });

  it('detaches reads in flight when the kind is cleared on the cache directly, from another ReadThrough', async () => {
    const cache = new MemoryCache();
    const pages = new ReadThrough<string>(cache, 'list-page');
    const upstream = controlledFetch();
    const before = pages.getMany(['p1'], upstream.fetch);
    await settle();
    await cache.clearKind('list-page');
    upstream.answer('old');
    expect(await before).toEqual(['old@p1']);
    expect(await cache.get('list-page', 'p1')).toBeUndefined();
    // Another reader of the same cache and kind shares in-flight reads with the first.
    const other = new ReadThrough<string>(cache, 'list-page');
    const joined = [pages.getMany(['p2'], upstream.fetch), other.getMany(['p2'], upstream.fetch)];
    await settle();
    upstream.answer('shared');
    expect(await Promise.all(joined)).toEqual([['shared@p2'], ['shared@p2']]);
    expect(upstream.calls).toEqual([['p1'], ['p2']]);
  });

  it('leaves other kinds and keys in flight alone', async () => {
    const cache = new MemoryCache();
    const contacts = new ReadThrough<string>(cache, 'contact');
    const upstream = controlledFetch();
    const read = contacts.getMany(['a', 'b'], upstream.fetch);
    await settle();
    await cache.clearKind('list-page');
    await cache.delete('contact', 'b');
    upstream.answer('v');
    expect(await read).toEqual(['v@a', 'v@b']);
    expect(await cache.get('contact', 'a')).toBe('v@a');
    expect(await cache.get('contact', 'b')).toBeUndefined();
  });

  it('does not cache a value that was not found, and lets the next read ask again', async () => {
    const cache = new MemoryCache();
    const reads = new ReadThrough<string>(cache, 'contact');
    let calls = 0;
    const nothing = async () => {
      calls++;
      return null;
    };
    expect(await reads.get('gone', nothing)).toBeNull();
    expect(await reads.get('gone', nothing)).toBeNull();
    expect(calls).toBe(2);
  });

  it("settles each key on its own: one key's failed read is its Error, shared with readers in flight, and never cached", async () => {
    const reads = new ReadThrough<string>(new MemoryCache(), 'contact');
    const calls: string[][] = [];
    let failing = true;
    const fetch = async (keys: string[]) => {
      calls.push(keys);
      return new Map<string, string | Error>(keys.map((key) => [key, key === 'b' && failing ? new Error('b refused') : `v@${key}`]));
    };
    const [first, joined] = await Promise.all([reads.getManySettled(['a', 'b', 'c'], fetch), reads.getManySettled(['b'], fetch)]);
    expect(first).toEqual(['v@a', new Error('b refused'), 'v@c']);
    expect(joined).toEqual([new Error('b refused')]);
    await expect(reads.getMany(['a', 'b'], fetch)).rejects.toThrow('b refused');
    failing = false;
    expect(await reads.getMany(['a', 'b', 'c'], fetch)).toEqual(['v@a', 'v@b', 'v@c']);
    // a and c were cached by the first read; b was asked again each time.
    expect(calls).toEqual([['a', 'b', 'c'], ['b'], ['b']]);
  });

  it("makes a failure of the whole fetch every fetched key's Error", async () => {
    const reads = new ReadThrough<string>(new MemoryCache(), 'contact');
    const settled = await reads.getManySettled(['a', 'b'], async () => {
      throw new Error('provider away');
    });
    expect(settled).toEqual([new Error('provider away'), new Error('provider away')]);
  });

  it('answers from the in-process cache when it holds every key (absences remembered as null), fetches only what it lacks, and counts each hit once', async () => {
    const metrics = createMetrics();
    const reads = new ReadThrough<string>(new MemoryCache({ metrics }), 'contact', undefined, { absentTtlMs: 60_000 });
    const calls: string[][] = [];
    const fetch = async (keys: string[]) => {
      calls.push(keys);
      return new Map(keys.filter((key) => key !== 'gone').map((key) => [key, `v@${key}`]));
    };
    expect(await reads.getMany(['a', 'gone'], fetch)).toEqual(['v@a', null]);
    expect(await reads.getMany(['gone', 'a'], fetch)).toEqual([null, 'v@a']);
    expect(await reads.getMany(['a', 'b'], fetch)).toEqual(['v@a', 'v@b']);
    expect(calls).toEqual([['a', 'gone'], ['b']]);
    const count = async (counter: typeof metrics.cacheHits) => (await counter.get()).values.find((value) => value.labels.kind === 'contact')?.value ?? 0;
    // Hits: both keys of the second read, then a of the third (b's miss sent that read the long way, counted there once).
    expect(await count(metrics.cacheHits)).toBe(3);
    expect(await count(metrics.cacheMisses)).toBe(3);
  });

  it('joins a read in flight for a key rather than answering it from the cache beside it', async () => {
    const cache = new MemoryCache();
    const reads = new ReadThrough<string>(cache, 'contact');
    const upstream = controlledFetch();
    await cache.set('contact', 'a', 'cached@a');
    const first = reads.getMany(['a', 'b'], upstream.fetch);
    await settle();
    await cache.set('contact', 'b', 'cached@b');
    const joined = reads.getMany(['a', 'b'], upstream.fetch);
    upstream.answer('fresh');
    expect(await first).toEqual(['cached@a', 'fresh@b']);
    expect(await joined).toEqual(['cached@a', 'fresh@b']);
    expect(upstream.calls).toEqual([['b']]);
  });
});
