import { contextCacheSymbol, initContextCache } from '@pothos/core';
import type { GatewayContext } from './context.js';

/**
 * The key Pothos files its per-request caches under (scope-auth's memoized scope decisions, the dataloader plugin's
 * loaders): a fresh one per context, so they can be dropped as a whole by replacing it. Spread into every context.
 */
export function perRequestCaches(): Pick<GatewayContext, typeof contextCacheSymbol> {
  return initContextCache() as Pick<GatewayContext, typeof contextCacheSymbol>;
}

/**
 * Forgets what Pothos memoized for this context. A subscription's context lives as long as its subscriber: kept, the
 * scope decisions would cost every idle subscriber about 2 KB (bench/README.md, fan-out), and the loaders would grow
 * with every event that selects nested data and serve a later event the contact as the first one read it. Both come
 * back as needed, from the caller's scopes and through the cache.
 */
export function forgetPerRequestCaches(context: GatewayContext): void {
  Object.assign(context, initContextCache());
}
