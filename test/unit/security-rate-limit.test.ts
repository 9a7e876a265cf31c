import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { createHash } from 'node:crypto';
import { createMemoryRateLimiter, hashedKey } from '../../src/server/rate-limit.js';
import { createRedisRateLimiter } from '../../src/server/rate-limit-redis.js';
import { connectRedis } from '../../src/store/redis-connection.js';
import type { RedisConnection } from '../../src/store/redis-connection.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { startRedisServer } from '../helpers/redis-server.js';

/** The key every instance of one deployment derives (src/config/digest-key.ts). */
const SECRET = Buffer.from('the budget key of this test deployment, 32+ characters');

async function takeMany(limiter: { take(key: string): Promise<{ allowed: boolean }> }, key: string, n: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < n; i++) if ((await limiter.take(key)).allowed) allowed++;
  return allowed;
}

describe('the in-memory budget (rate-limiter-flexible windows)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a burst through, then refuses with the seconds until the window ends', async () => {
    // 60 a minute with a burst of 3: windows of 3 s holding 3 requests.
    const limiter = createMemoryRateLimiter({ perMinute: 60, burst: 3 });
    expect(await takeMany(limiter, 'k', 3)).toBe(3);
    expect(await limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 3 });
    vi.advanceTimersByTime(3_000);
    expect(await takeMany(limiter, 'k', 4)).toBe(3);
  });

  it('keeps one budget per key', async () => {
    const limiter = createMemoryRateLimiter({ perMinute: 6, burst: 1 });
    expect((await limiter.take('a')).allowed).toBe(true);
    expect(await limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect((await limiter.take('b')).allowed).toBe(true);
  });

  it('never lets more than the burst through at once, however long the key was idle', async () => {
    const limiter = createMemoryRateLimiter({ perMinute: 600, burst: 20 });
    await takeMany(limiter, 'k', 20);
    vi.advanceTimersByTime(3_600_000);
    expect(await takeMany(limiter, 'k', 25)).toBe(20);
  });

  it('takes several points at once, and a refused take costs nothing', async () => {
    const limiter = createMemoryRateLimiter({ perMinute: 60, burst: 60 });
    expect((await limiter.take('k', 50)).allowed).toBe(true);
    expect((await limiter.take('k', 20)).allowed).toBe(false);
    expect((await limiter.take('k', 10)).allowed).toBe(true);
    expect((await limiter.take('k', 1)).allowed).toBe(false);
  });

  it('never limits when the rate is 0', async () => {
    const limiter = createMemoryRateLimiter({ perMinute: 0, burst: 1 });
    expect(await takeMany(limiter, 'k', 50)).toBe(50);
  });
});

describe('the Redis budget', () => {
  let redis: RedisServerHandle;
  const connections: RedisConnection[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    for (const connection of connections) await connection.close();
    await redis.stop();
  });

  const connect = async () => {
    const connection = connectRedis([redis.url], silentLogger());
    connections.push(connection);
    expect(await connection.ready()).toBe(true);
    return connection;
  };

  it('shares one budget between gateway instances', async () => {
    const policy = { perMinute: 60, burst: 4 };
    const first = createRedisRateLimiter(policy, await connect(), silentLogger(), 'test-shared', SECRET);
    const second = createRedisRateLimiter(policy, await connect(), silentLogger(), 'test-shared', SECRET);
    expect(await takeMany(first, 'key-1', 2)).toBe(2);
    expect(await takeMany(second, 'key-1', 2)).toBe(2);
    const refused = await second.take('key-1');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((await first.take('key-1')).allowed).toBe(false);
    expect((await first.take('key-2')).allowed).toBe(true);
  });

  it('stores hashed keys that expire, never the caller id in clear', async () => {
    const connection = await connect();
    const limiter = createRedisRateLimiter({ perMinute: 60, burst: 2 }, connection, silentLogger(), 'test-keys', SECRET);
    await limiter.take('caller:key-7');
    const stored = await connection.client.keys('test-keys:*');
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toContain('key-7');
    const ttl = await connection.client.pttl(stored[0]!);
    expect(ttl).toBeGreaterThan(0);
  });

  it('stores a key no one can confirm a guessed caller against without the secret Redis never holds', async () => {
    const connection = await connect();
    const limiter = createRedisRateLimiter({ perMinute: 60, burst: 2 }, connection, silentLogger(), 'test-guess', SECRET);
    const caller = 'caller:jwt:49912319999';
    await limiter.take(caller);
    const [stored] = await connection.client.keys('test-guess:*');
    // Whoever reads Redis and guesses the ID number can compute a plain digest, or an HMAC under any key but ours.
    const plainDigest = createHash('sha256').update(caller).digest('base64url').slice(0, 22);
    expect(stored).not.toContain(plainDigest);
    expect(stored).not.toContain(hashedKey(caller, Buffer.from('a key the guesser picked, 32 characters long')));
    expect(stored).toBe(`test-guess:${hashedKey(caller, SECRET)}`);
  });

  it('keeps the budgets of instances with different secrets apart (why every instance must derive the same one)', async () => {
    const policy = { perMinute: 60, burst: 2 };
    const first = createRedisRateLimiter(policy, await connect(), silentLogger(), 'test-apart', SECRET);
    const second = createRedisRateLimiter(policy, await connect(), silentLogger(), 'test-apart', Buffer.from('another deployment, another 32-character secret'));
    expect(await takeMany(first, 'key-1', 3)).toBe(2);
    expect(await takeMany(second, 'key-1', 3)).toBe(2);
  });

  /** Resolves once a PING on a connected probe goes unanswered for 50 ms: the busy script has started (a fixed sleep is not enough on a loaded machine). */
  async function serverIsStalled(probe: Redis): Promise<void> {
    for (;;) {
      const answered = await Promise.race([probe.ping().then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50))]);
      if (!answered) return;
    }
  }

  it('counts per process while Redis is too slow to answer within its deadline, and logs that once', async () => {
    const connection = await connect();
    // Both connected before the script is sent, so neither waits for a connection while the server is stalled.
    const blocker = new Redis(redis.url);
    const probe = new Redis(redis.url);
    await Promise.all([blocker.ping(), probe.ping()]);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
    const limiter = createRedisRateLimiter({ perMinute: 60, burst: 2 }, connection, logger, 'test-slow', SECRET);
    // A busy script stalls the whole server for 2 s, far longer than the limiter's 100 ms deadline.
    const stalled = blocker.eval(
      "local t = redis.call('TIME') local start = t[1] * 1000000 + t[2] repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start > 2000000 return 1",
      0,
    );
    await serverIsStalled(probe);
    expect(await takeMany(limiter, 'k', 5)).toBe(2);
    await stalled;
    blocker.disconnect();
    probe.disconnect();
    expect(lines.filter((line) => line.includes('counted per process'))).toHaveLength(1);
  });

  it('falls back to a per-process bucket when Redis does not answer, instead of failing or lifting the limit', async () => {
    const connection = await connect();
    const limiter = createRedisRateLimiter({ perMinute: 60, burst: 2 }, connection, silentLogger(), 'test-down', SECRET);
    connection.disconnect();
    expect(await takeMany(limiter, 'k', 5)).toBe(2);
  });
});
