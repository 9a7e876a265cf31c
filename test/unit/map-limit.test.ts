import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/services/map-limit.js';

describe('mapLimit', () => {
  it('keeps at most `limit` items in flight and runs every item', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, item % 3));
      inFlight--;
      done.push(item);
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects with the first failure and starts no item after it (a provider that refused is not asked again)', async () => {
    const started: number[] = [];
    const run = mapLimit(Array.from({ length: 20 }, (_, index) => index), 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (item === 3) throw new Error('refused');
    });
    await expect(run).rejects.toThrow('refused');
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Items 0-3 ran; the other worker may have started one more item while item 3 was in flight, no later ones.
    expect(started.length).toBeLessThanOrEqual(5);
  });
});
