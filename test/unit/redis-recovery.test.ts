import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createRedisRecovery } from '../../src/services/redis-recovery.js';
import { MemoryLocks } from '../../src/store/locks.js';

/**
 * After Redis lost its data, the instance holding the recovery lock is the only one that re-reads the providers: a
 * provider unreachable for a while must not make it give up after a handful of attempts, and a shutdown must not wait
 * out a pause between attempts.
 */

const LOSS = { detectedAt: '2026-04-16T00:00:00.000Z', epoch: 'epoch-1' };

function recoveryWith(options: { retryBaseMs?: number; retryCapMs?: number; giveUpAfterMs?: number }) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
  const recovery = createRedisRecovery({ durability: null, locks: new MemoryLocks(), logger, ...options });
  return { recovery, logs: () => lines.join('') };
}

/** A hook that fails `failures` times (the provider unreachable), then restores `restored` records. */
function flakyHook(failures: number, restored: number) {
  const hook = async () => {
    hook.calls += 1;
    if (hook.calls <= failures) throw new Error('Realtime Register could not be reached (ECONNREFUSED)');
    return restored;
  };
  hook.calls = 0;
  return hook;
}

describe('redis data loss recovery', () => {
  it('keeps re-reading a provider that stays unreachable for many attempts, until it answers', async () => {
    const { recovery, logs } = recoveryWith({ retryBaseMs: 1, retryCapMs: 2 });
    const hook = flakyHook(20, 7);
    recovery.register('REALTIME_REGISTER', hook);
    expect(await recovery.recover(LOSS)).toEqual({ REALTIME_REGISTER: 7 });
    expect(hook.calls).toBe(21);
    expect(logs()).toMatch(/"level":40[^\n]*"restored":7[^\n]*re-read what the provider still had/);
    expect(logs()).not.toMatch(/"level":50/);
  });

  it('gives up, at error level, once its time is spent', async () => {
    const { recovery, logs } = recoveryWith({ retryBaseMs: 1, retryCapMs: 2, giveUpAfterMs: 30 });
    const hook = flakyHook(Number.POSITIVE_INFINITY, 0);
    recovery.register('REALTIME_REGISTER', hook);
    const results = await recovery.recover(LOSS);
    expect(results.REALTIME_REGISTER).toBeInstanceOf(Error);
    expect(hook.calls).toBeGreaterThan(1);
    expect(logs()).toMatch(/"level":50[^\n]*could not re-read what the provider still had/);
  });

  it('stops waiting between attempts when the service stops', async () => {
    const { recovery } = recoveryWith({ retryBaseMs: 600_000 });
    const hook = flakyHook(Number.POSITIVE_INFINITY, 0);
    recovery.register('REALTIME_REGISTER', hook);
    recovery.start();
    const results = recovery.recover(LOSS);
    while (hook.calls === 0) await new Promise((resolve) => setImmediate(resolve));
    await recovery.stop();
    expect((await results).REALTIME_REGISTER).toBeInstanceOf(Error);
    expect(hook.calls).toBe(1);
  });
});
