import { describe, expect, it } from 'vitest';
import { redisEpochFileName } from '../../src/store/redis-durability.js';

describe('the file that remembers a Redis across gateway restarts', () => {
  it('is named by where the Redis is, not by its password: a rotated password names the same Redis', () => {
    const before = redisEpochFileName(['redis://:old-secret@cache.internal:6380/2']);
    expect(redisEpochFileName(['redis://:new-secret@cache.internal:6380/2'])).toBe(before);
    expect(redisEpochFileName(['redis://default:new-secret@cache.internal:6380/2'])).toBe(before);
    expect(before).not.toMatch(/secret/);
  });

  it('tells different Redis servers and databases apart', () => {
    const names = new Set([
      redisEpochFileName(['redis://cache.internal:6380/2']),
      redisEpochFileName(['redis://cache.internal:6380/3']),
      redisEpochFileName(['redis://other.internal:6380/2']),
      redisEpochFileName(['redis://cache.internal:6380/2', 'redis://replica.internal:6380/2']),
    ]);
    expect(names.size).toBe(4);
  });
});
