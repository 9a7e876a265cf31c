import type { UpstreamBudgetConfig } from '../config.js';
import type { Provider } from '../domain/providers.js';
import { PROVIDER_LABEL } from '../domain/providers.js';
import { UpstreamBudgetExceeded } from '../domain/upstream-budget.js';
import type { Principal } from '../schema/context.js';
import type { UpstreamBudget } from '../services/upstream-budget.js';
import type { RateLimiter } from './rate-limit.js';

/** Calls counted so far at each provider, by what one request has made. */
export type UpstreamCallsUsed = Map<Provider, number>;

/**
 * One budget per GraphQL request: at most UPSTREAM_CALLS_PER_REQUEST calls to each provider, drawn from the key's
 * per-provider budget of UPSTREAM_CALLS_PER_MINUTE (shared through Redis, `limiter`). A batch that does not fit is
 * refused whole, before any of its calls. The open sandbox has no key, so only the per-request bound applies there.
 * `used` is the request's count: the operations of one batched HTTP request share it (upstreamCallsOfRequest).
 */
export function createUpstreamBudget(config: UpstreamBudgetConfig, principal: Principal, limiter: () => RateLimiter, used: UpstreamCallsUsed = new Map()): UpstreamBudget {
  const perMinute = principal.authenticated ? config.callsPerMinute : 0;
  return {
    async spend(provider, calls) {
      const label = PROVIDER_LABEL[provider];
      const total = (used.get(provider) ?? 0) + calls;
      if (total > config.callsPerRequest) {
        throw new UpstreamBudgetExceeded(
          provider,
          'PER_REQUEST',
          `This request would make more than ${config.callsPerRequest} calls to ${label} (UPSTREAM_CALLS_PER_REQUEST); nothing more was sent. Ask for fewer handles or ids at once.`,
        );
      }
      if (perMinute > 0 && calls > perMinute) {
        throw new UpstreamBudgetExceeded(
          provider,
          'PER_REQUEST',
          `This request would make ${calls} calls to ${label} at once, more than this key's ${perMinute} a minute (UPSTREAM_CALLS_PER_MINUTE); nothing was sent. Ask for fewer handles or ids at once.`,
        );
      }
      // Counted before the await, so batches running side by side in one request cannot both fit the last room.
      used.set(provider, total);
      if (perMinute <= 0) return;
      const decision = await limiter().take(`upstream:${principal.id}:${provider}`, calls);
      if (decision.allowed) return;
      used.set(provider, (used.get(provider) ?? calls) - calls);
      throw new UpstreamBudgetExceeded(
        provider,
        'PER_MINUTE',
        `This key has used its ${perMinute} calls a minute to ${label} (UPSTREAM_CALLS_PER_MINUTE); nothing was sent. Retry in ${decision.retryAfterSeconds} s.`,
        decision.retryAfterSeconds,
      );
    },
    startOver() {
      used.clear();
    },
  };
}

const usedByRequest = new WeakMap<object, UpstreamCallsUsed>();

/**
 * The count of one HTTP request, whichever of its operations asks: yoga gives each operation of a batch
 * (GRAPHQL_BATCHING) a context, and so a budget, of its own, and ten operations of 100 calls each made 1,000 calls in
 * one request. Keyed by yoga's Request, the one object a batch's operations share.
 */
export function upstreamCallsOfRequest(request: object): UpstreamCallsUsed {
  let used = usedByRequest.get(request);
  if (!used) usedByRequest.set(request, (used = new Map()));
  return used;
}
