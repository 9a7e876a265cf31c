import { randomBytes } from 'node:crypto';
import { keyedDigest } from '../store/digest-key.js';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/** `burst` requests at once at most, `perMinute` a minute on average. */
export interface BucketPolicy {
  perMinute: number;
  burst: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until the budget has room again (for Retry-After); 0 when allowed. */
  retryAfterSeconds: number;
}

/**
 * Takes `points` (default 1) from the budget named `key`. A refused take costs nothing. Implementations never throw: a
 * broken store lets the request through.
 */
export interface RateLimiter {
  take(key: string, points?: number): Promise<RateDecision>;
}

/** Never limits: RATE_LIMIT_PER_MINUTE=0, or the open sandbox. */
export const UNLIMITED: RateLimiter = { take: async () => ({ allowed: true, retryAfterSeconds: 0 }) };

/**
 * rate-limiter-flexible counts points in fixed windows. A window of burst/perMinute minutes holding `burst` points
 * gives the token bucket's two promises: at most `burst` at once, `perMinute` a minute over time. (Across a window
 * boundary two bursts can follow each other; the average holds.) Windows are whole seconds: the library keeps no
 * expiry for a shorter one.
 */
export function windowOf(policy: BucketPolicy): { points: number; duration: number } {
  const duration = Math.max(1, Math.ceil((policy.burst * 60) / policy.perMinute));
  return { points: Math.max(policy.burst, Math.floor((policy.perMinute * duration) / 60)), duration };
}

/** Budget keys whose digests a limiter remembers (hashedKey). */
const HASHED_KEYS_KEPT = 10_000;

/**
 * Keys carry caller ids (a JWT subject may be an ID number) and source addresses; stores only ever see their HMAC under
 * a secret the store never holds (src/config/digest-key.ts), so a key read from Redis cannot be confirmed by trying
 * candidates. A digest also keeps Redis hash tags out.
 */
export function hashedKey(key: string, secret: Buffer): string {
  return keyedDigest(secret, key).slice(0, 22);
}

/** The secret of limiters whose keys never leave this process (memory). */
const PROCESS_SECRET = randomBytes(32);

/**
 * A RateLimiter over any rate-limiter-flexible limiter: a rejection with a RateLimiterRes is "over budget" (its points
 * are given back, so a refused take costs nothing), any other failure lets the request through.
 */
export function rateLimiterOver(limiter: RateLimiterAbstract, secret: Buffer): RateLimiter {
  // The same few keys come back on every request (one per caller); their digests are remembered rather than hashed
  // each time. Bounded: failed-authentication keys carry source addresses, which anyone can vary.
  const digests = new LRUCache<string, string>({ max: HASHED_KEYS_KEPT });
  return {
    async take(key, points = 1) {
      let stored = digests.get(key);
      if (stored === undefined) digests.set(key, (stored = hashedKey(key, secret)));
      try {
        await limiter.consume(stored, points);
        return { allowed: true, retryAfterSeconds: 0 };
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) return { allowed: true, retryAfterSeconds: 0 };
        await limiter.reward(stored, points).catch(() => undefined);
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
      }
    },
  };
}

/** Budgets in this process's memory (one gateway, or per-instance limits when Redis is not configured). */
export function createMemoryRateLimiter(policy: BucketPolicy, keyPrefix = 'ratelimit'): RateLimiter {
  if (policy.perMinute <= 0) return UNLIMITED;
  return rateLimiterOver(new RateLimiterMemory({ ...windowOf(policy), keyPrefix }), PROCESS_SECRET);
}
