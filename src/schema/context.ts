import type { contextCacheSymbol } from '@pothos/core';
import type { GraphQLError } from 'graphql';
import type { Logger } from '../observability/logger.js';
import type { RateLimiter } from '../server/rate-limit.js';
import type { Services } from '../services/index.js';
import type { UpstreamBudget } from '../services/upstream-budget.js';

/** Who is calling: a configured API key (or JWT subject), or the open sandbox. */
export interface Principal {
  id: string;
  /** The API key's configured name (or the JWT subject) for audit trails; never the key. Null in the open sandbox. */
  name: string | null;
  scopes: ReadonlySet<string>;
  /** False for the open sandbox (no keys configured). */
  authenticated: boolean;
  /**
   * When the credential stops being accepted (epoch ms): a JWT's `exp` plus the clock tolerance. Subscriptions end
   * then (src/server/use-credential-expiry.ts). Absent for API keys, which do not expire.
   */
  expiresAt?: number;
}

/** Built fresh per request; Pothos keys its per-request DataLoaders on this object's identity. */
export interface GatewayContext {
  services: Services;
  principal: Principal;
  requestId: string;
  logger: Logger;
  /**
   * Errors to report beside data that was still returned (a merged connection missing one provider). useErrorCodes
   * adds them to the response with their codes.
   */
  partialErrors: GraphQLError[];
  /** The upstream calls this request may still cause (UPSTREAM_CALLS_PER_REQUEST / _PER_MINUTE). */
  upstream: UpstreamBudget;
  /**
   * The per-caller request budget (RATE_LIMIT_PER_MINUTE), for work one operation goes on doing past a request's
   * worth (a long filtered replay: src/services/event-stream.ts). The gateway's one getter, not a closure per request.
   */
  callers: () => RateLimiter;
  /**
   * Objects a mutation of this request created from the caller's own input (see ownResultScopes in builder.ts): a
   * write-scoped caller may read those, and only those, without the read scope.
   */
  ownResults: WeakSet<object>;
  /**
   * Set for a subscription whose results the gateway writes itself (src/server/use-sse-handoff.ts): the subscription
   * field's resolver hands it the source it returns, so that the writer can wait for the source's next event without a
   * pending next() through every layer above it.
   */
  onSubscriptionSource?: (source: AsyncIterable<unknown>) => void;
  /** Where Pothos keeps this request's loaders and scope decisions (schema/per-request-caches.ts). */
  [contextCacheSymbol]: object;
}
