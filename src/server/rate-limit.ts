/** A token bucket: `burst` tokens at most, refilled at `perMinute` a minute; each request takes one. */
export interface BucketPolicy {
  perMinute: number;
  burst: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until a token is back (for Retry-After); 0 when allowed. */
  retryAfterSeconds: number;
}

/** Takes a token from the bucket named `key`. Implementations never throw: a broken store lets the request through. */
export interface RateLimiter {
  take(key: string): Promise<RateDecision>;
}

/** Never limits: RATE_LIMIT_PER_MINUTE=0, or the open sandbox. */
export const UNLIMITED: RateLimiter = { take: async () => ({ allowed: true, retryAfterSeconds: 0 }) };

/** Seconds until `tokens` (below 1) has grown to 1 at the policy's rate. */
export function secondsUntilToken(tokens: number, policy: BucketPolicy): number {
  return Math.max(1, Math.ceil(((1 - tokens) * 60) / policy.perMinute));
}

/**
 * Buckets in this process's memory (one gateway, or per-instance limits when Redis is not configured). Idle buckets
 * are full again after burst/perMinute minutes and are dropped then, so memory stays bounded by active callers.
 */
export function createMemoryRateLimiter(policy: BucketPolicy, now: () => number = Date.now): RateLimiter {
  if (policy.perMinute <= 0) return UNLIMITED;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = policy.perMinute / 60_000;
  const refillMs = policy.burst / perMs;
  let lastSweep = now();
  const sweep = (time: number) => {
    if (time - lastSweep < refillMs) return;
    lastSweep = time;
    for (const [key, bucket] of buckets) if (time - bucket.at >= refillMs) buckets.delete(key);
  };
  return {
    async take(key) {
      const time = now();
      sweep(time);
      const bucket = buckets.get(key) ?? { tokens: policy.burst, at: time };
      bucket.tokens = Math.min(policy.burst, bucket.tokens + (time - bucket.at) * perMs);
      bucket.at = time;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, retryAfterSeconds: 0 };
      }
      return { allowed: false, retryAfterSeconds: secondsUntilToken(bucket.tokens, policy) };
    },
  };
}
