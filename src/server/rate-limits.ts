import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RateLimitConfig, UpstreamBudgetConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { RedisConnection } from '../store/index.js';
import { clientAddressResolver, type ClientAddress } from './client-address.js';
import type { FailedAuthBudget } from './failed-auth-budget.js';
import { createFailedAuthBudget } from './failed-auth-budget.js';
import type { RateLimiter } from './rate-limit.js';
import { createMemoryRateLimiter } from './rate-limit.js';
import { createRedisRateLimiter } from './rate-limit-redis.js';
import { sendJson } from './send-json.js';

/** The gateway's budgets: per caller on /graphql, per source address on /webhooks/*, per key and provider upstream. */
export interface GatewayRateLimits {
  /** Per API key or JWT subject (and per address for failed authentications). */
  callers(): RateLimiter;
  /** Failed authentications per source address, drawn from the callers' budget, on every door that takes a key. */
  readonly failedAuth: FailedAuthBudget;
  /** The address a request comes from, as every per-address budget counts it (TRUST_PROXY_HOPS). */
  readonly addressOf: ClientAddress;
  /** Upstream calls per key and provider a minute (UPSTREAM_CALLS_PER_MINUTE); see src/server/upstream-budget.ts. */
  upstream(): RateLimiter;
  /** Answers 429 with Retry-After and returns false when the sender's address is over its webhook budget. */
  admitWebhook(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Moves both budgets into Redis (called at start-up when REDIS_URL is set). */
  share(redis: RedisConnection | null): void;
}

/** `keySecret`: the HMAC key of the budget keys stored in Redis (src/config/digest-key.ts). */
export function createGatewayRateLimits(config: RateLimitConfig, logger: Logger, upstreamConfig: UpstreamBudgetConfig | undefined, keySecret: Buffer): GatewayRateLimits {
  const callerPolicy = { perMinute: config.perMinute, burst: config.burst };
  const webhookPolicy = { perMinute: config.webhookPerMinute, burst: Math.max(1, Math.ceil(config.webhookPerMinute / 4)) };
  let callers: RateLimiter = createMemoryRateLimiter(callerPolicy);
  let webhooks: RateLimiter = createMemoryRateLimiter(webhookPolicy);
  // One window of a minute holding the whole minute's calls: a request may spend them all at once.
  const upstreamPolicy = { perMinute: upstreamConfig?.callsPerMinute ?? 0, burst: upstreamConfig?.callsPerMinute ?? 0 };
  let upstream: RateLimiter = createMemoryRateLimiter(upstreamPolicy, 'ratelimit:upstream');
  const addressOf = clientAddressResolver(config.trustProxyHops);
  return {
    callers: () => callers,
    failedAuth: createFailedAuthBudget(() => callers, addressOf),
    addressOf,
    upstream: () => upstream,
    async admitWebhook(req, res) {
      const decision = await webhooks.take(`webhook:${addressOf(req)}`);
      if (decision.allowed) return true;
      sendJson(res, 429, { error: `Too many webhook deliveries from this address; retry in ${decision.retryAfterSeconds} s.` }, { 'retry-after': String(decision.retryAfterSeconds) });
      return false;
    },
    share(redis) {
      if (!redis) return;
      callers = createRedisRateLimiter(callerPolicy, redis, logger, 'ratelimit:caller', keySecret);
      webhooks = createRedisRateLimiter(webhookPolicy, redis, logger, 'ratelimit:webhook', keySecret);
      upstream = createRedisRateLimiter(upstreamPolicy, redis, logger, 'ratelimit:upstream', keySecret);
    },
  };
}
