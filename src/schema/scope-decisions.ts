import { RequestCache } from '@pothos/plugin-scope-auth';
import type { GatewayContext } from './context.js';

/**
 * Forgets the scope decisions Pothos' scope-auth plugin memoized for this context (builder.ts: root fields and every
 * object type are checked). They are derived from the context's principal alone, so they come back the same when
 * next needed. A subscription's context lives as long as the subscriber: kept, these caches (a handful of Maps) cost
 * every idle subscriber about 2 KB (bench/README.md, fan-out).
 */
export function forgetScopeDecisions(context: GatewayContext): void {
  RequestCache.clearForContext(context);
}
