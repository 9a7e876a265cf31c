import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { createLeasedInterval } from '../../src/services/leased-interval.js';
import type { Lease, Locks } from '../../src/store/index.js';

/**
 * Background work after a Redis blip: a lock that survived the blip is still this instance's, so the work resumes on
 * the next round by renewing it, rather than idling until its own lock expires (up to 15 s of unacked notifications).
 */

/** One lock in a fake Redis that can be "down"; renew and acquire behave as RedisLocks does (token-checked, NX). */
function fakeRedisLocks() {
  let holder: string | null = null;
  let down = false;
  let tokens = 0;
  const locks: Locks = {
    async acquire(): Promise<Lease | null> {
      if (down || holder !== null) return null;
      const token = `t${++tokens}`;
      holder = token;
      return {
        renew: async () => !down && holder === token,
        release: async () => {
          if (!down && holder === token) holder = null;
        },
      };
    },
  };
  return {
    locks,
    setDown: (value: boolean) => (down = value),
    takeOver: () => (holder = 'someone-else'),
    acquisitions: () => tokens,
  };
}

function interval(locks: Locks) {
  let rounds = 0;
  let taken = 0;
  const leased = createLeasedInterval({
    locks,
    lockName: 'test',
    intervalMs: 60_000,
    logger: silentLogger(),
    tick: async () => ++rounds,
    onLeaseTaken: () => taken++,
  });
  return { leased, rounds: () => rounds, taken: () => taken };
}

describe('a leased interval after Redis went away', () => {
  it('renews its own surviving lock on the next round instead of waiting for it to expire', async () => {
    const redis = fakeRedisLocks();
    const { leased, rounds, taken } = interval(redis.locks);
    leased.start(); // runs the first round at once
    await leased.runNow();
    expect(rounds()).toBe(2);

    redis.setDown(true);
    await leased.runNow();
    expect(rounds()).toBe(2);

    redis.setDown(false);
    await leased.runNow();
    expect(rounds()).toBe(3);
    expect(redis.acquisitions()).toBe(1);
    expect(taken()).toBe(1);
    await leased.stop();
  });

  it('stays idle once another instance holds the lock', async () => {
    const redis = fakeRedisLocks();
    const { leased, rounds } = interval(redis.locks);
    leased.start();
    await leased.runNow();
    redis.takeOver();
    await leased.runNow();
    await leased.runNow();
    expect(rounds()).toBe(2);
    await leased.stop();
  });
});
