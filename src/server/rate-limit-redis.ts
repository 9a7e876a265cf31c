import { RateLimiterMemory, RateLimiterRedis, RLWrapperTimeouts } from 'rate-limiter-flexible';
import type { Logger } from '../observability/logger.js';
import type { RedisConnection } from '../store/index.js';
import type { BucketPolicy, RateLimiter } from './rate-limit.js';
import { rateLimiterOver, UNLIMITED, windowOf } from './rate-limit.js';

/** A rate-limit check must cost far less than the request it guards. */
const REDIS_DEADLINE_MS = 100;
/** While Redis is away the fallback is logged at most this often. */
const FALLBACK_LOG_INTERVAL_MS = 60_000;

/**
 * Budgets shared through Redis (REDIS_URL): rate-limiter-flexible's RateLimiterRedis counts each window in one
 * atomic script, so every gateway instance draws on the same budget. When Redis is not connected, or does not answer
 * within REDIS_DEADLINE_MS, the same limits are counted per process instead (the insurance limiter): a slow or absent
 * Redis neither blocks every caller nor lifts every limit. Keys are HMACs under `secret` (see hashedKey; instances
 * share a budget only when they share the secret) that expire with their window.
 */
export function createRedisRateLimiter(policy: BucketPolicy, redis: RedisConnection, logger: Logger, prefix: string, secret: Buffer): RateLimiter {
  if (policy.perMinute <= 0) return UNLIMITED;
  const window = windowOf(policy);
  const insurance = new LoggedInsurance({ ...window, keyPrefix: prefix }, logger);
  const shared = new RateLimiterRedis({ ...window, keyPrefix: prefix, storeClient: redis.client, rejectIfRedisNotReady: true });
  // The insurance sits on the deadline wrapper, which sees both kinds of failure (an error, or no answer in time):
  // one consume per request either way, even when a timed-out Redis call fails later.
  return rateLimiterOver(new RLWrapperTimeouts({ limiter: shared, timeoutMs: REDIS_DEADLINE_MS, insuranceLimiter: insurance }), secret);
}

/** The per-process limiter Redis falls back to; the library calls it only when Redis failed, so that is logged. */
class LoggedInsurance extends RateLimiterMemory {
  private loggedAt = 0;

  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly logger: Logger,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): ReturnType<RateLimiterMemory['consume']> {
    const now = Date.now();
    if (now - this.loggedAt >= FALLBACK_LOG_INTERVAL_MS) {
      this.loggedAt = now;
      this.logger.warn({ limiter: this.keyPrefix }, 'rate limits are counted per process: Redis did not answer');
    }
    return super.consume(...args);
  }
}
