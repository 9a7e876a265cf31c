import { createHash } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import type { RedisConnection } from '../store/index.js';
import { withDeadline } from '../store/index.js';
import type { BucketPolicy, RateLimiter } from './rate-limit.js';
import { createMemoryRateLimiter, secondsUntilToken, UNLIMITED } from './rate-limit.js';

/**
 * One bucket per key in a Redis hash, refilled and taken in one atomic script so every gateway instance shares the
 * same budget. Redis's own clock (TIME) is used, so instances with skewed clocks agree. Returns
 * {allowed (0|1), tokens left x1000 (Lua numbers come back as integers)}.
 */
const TAKE_TOKEN_SCRIPT = `
local perMs = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(stored[1]) or burst
local at = tonumber(stored[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ttl)
return { allowed, math.floor(tokens * 1000) }
`;

/** A rate-limit check must cost far less than the request it guards. */
const REDIS_DEADLINE_MS = 100;
/** While Redis is failing, one request per interval tries it again; the rest go straight to the local bucket. */
const RETRY_INTERVAL_MS = 500;

/**
 * Rate limiting shared through Redis (REDIS_URL). If Redis cannot answer within REDIS_DEADLINE_MS, the request is
 * judged by a per-process bucket instead (logged once per outage), and so are the following ones until a periodic
 * retry finds Redis again: a slow or absent Redis neither blocks nor slows every caller, nor lifts every limit.
 */
export function createRedisRateLimiter(policy: BucketPolicy, redis: RedisConnection, logger: Logger, prefix = 'ratelimit'): RateLimiter {
  if (policy.perMinute <= 0) return UNLIMITED;
  const fallback = createMemoryRateLimiter(policy);
  const perMs = policy.perMinute / 60_000;
  const ttlMs = Math.ceil(policy.burst / perMs) + 1_000;
  let degraded = false;
  let retryAt = 0;
  return {
    async take(key) {
      if (degraded && Date.now() < retryAt) return fallback.take(key);
      // Keys may carry caller ids; hash them so Redis never holds them in clear (and hash tags cannot be injected).
      const redisKey = `${prefix}:${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;
      try {
        const script = redis.client.eval(TAKE_TOKEN_SCRIPT, 1, redisKey, String(perMs), String(policy.burst), String(ttlMs));
        const [allowed, milliTokens] = (await withDeadline(script, REDIS_DEADLINE_MS, 'rate limit')) as [number, number];
        if (degraded) logger.info('rate limiting is shared through Redis again');
        degraded = false;
        return allowed === 1 ? { allowed: true, retryAfterSeconds: 0 } : { allowed: false, retryAfterSeconds: secondsUntilToken(milliTokens / 1000, policy) };
      } catch (error) {
        if (!degraded) logger.warn({ err: error }, 'rate limiting falls back to per-process buckets: Redis did not answer');
        degraded = true;
        retryAt = Date.now() + RETRY_INTERVAL_MS;
        return fallback.take(key);
      }
    },
  };
}
