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

const LOSS = { detectedAt: '2026-04-16T00:00:00.000Z', epoch: 'epoch-1', resumed: false };

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
    // Said when it begins, since the re-read can take minutes, and when each source is done.
    expect(logs()).toMatch(/"level":40[^\n]*"sources":\["REALTIME_REGISTER"\][^\n]*re-reading what the providers still have/);
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

/** The durability watch as the recovery service sees it: losses told by hand, the Redis ledger as a set. */
function watchedRecovery(hook: () => Promise<number>) {
  const listeners: ((loss: typeof LOSS) => void)[] = [];
  const recovered = new Set<string>();
  const durability = {
    onDataLoss: (listener: (loss: typeof LOSS) => void) => (listeners.push(listener), () => undefined),
    recoveryFinished: async (epoch: string) => recovered.has(epoch),
    markRecovered: async (epoch: string) => void recovered.add(epoch),
  };
  const locks = new MemoryLocks();
  const recovery = createRedisRecovery({ durability, locks, logger: createLogger({ level: 'silent' }), retryBaseMs: 1, retryCapMs: 1, giveUpAfterMs: 20 });
  recovery.register('REALTIME_REGISTER', hook);
  recovery.start();
  const tell = (loss: typeof LOSS) => listeners.forEach((listener) => listener(loss));
  return { recovery, locks, recovered, tell };
}

describe('a loss owed across instances', () => {
  it('is recorded as recovered only when every source was re-read, so a failed round is taken up again', async () => {
    let failing = true;
    const hook = Object.assign(
      async () => {
        hook.calls++;
        if (failing) throw new Error('Realtime Register could not be reached (ECONNREFUSED)');
        return 2;
      },
      { calls: 0 },
    );
    const { recovery, locks, recovered, tell } = watchedRecovery(hook);
    tell(LOSS);
    // The round gives up after 20 ms and releases the lock; nothing is recorded.
    await eventuallyTrue(() => hook.calls > 1);
    for (let lease = null; !lease; await new Promise((resolve) => setTimeout(resolve, 2))) lease = await locks.acquire(`redis-recovery:${LOSS.epoch}`, 1);
    expect(recovered.has(LOSS.epoch)).toBe(false);

    failing = false;
    await new Promise((resolve) => setTimeout(resolve, 2)); // the probe lease above expires
    tell({ ...LOSS, resumed: true });
    await eventuallyTrue(() => recovered.has(LOSS.epoch));
    await recovery.stop();
  });

  it('runs once while the same loss is told again and again, records it, and skips it afterwards', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hook = Object.assign(async () => (hook.calls++, await gate, 3), { calls: 0 });
    const { recovery, recovered, tell } = watchedRecovery(hook);
    tell(LOSS);
    while (hook.calls === 0) await new Promise((resolve) => setImmediate(resolve));
    tell({ ...LOSS, resumed: true });
    tell({ ...LOSS, resumed: true });
    release();
    await eventuallyTrue(() => recovered.has(LOSS.epoch));
    tell({ ...LOSS, resumed: true });
    await recovery.stop();
    expect(hook.calls).toBe(1);
  });

  it('leaves a loss to the instance holding its lock', async () => {
    const hook = flakyHook(0, 1);
    const { recovery, locks, recovered, tell } = watchedRecovery(hook);
    const held = await locks.acquire(`redis-recovery:${LOSS.epoch}`, 60_000);
    expect(held).not.toBe(null);
    tell(LOSS);
    await recovery.stop();
    expect(hook.calls).toBe(0);
    expect(recovered.size).toBe(0);
  });
});

async function eventuallyTrue(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(check()).toBe(true);
}
