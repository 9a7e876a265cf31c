import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';
import { forgetPerRequestCaches } from '../schema/per-request-caches.js';
import { isAsyncIterable, ResultStream, type ResultStreamHooks, type SubscribeHooks } from './result-stream.js';

/**
 * After each event is executed: its scope checks are done, and so is its upstream count. Each event is an execution
 * of its own: counted over the subscription's life, UPSTREAM_CALLS_PER_REQUEST contact reads in all made every later
 * event's contact QUERY_TOO_COSTLY for good (the key's UPSTREAM_CALLS_PER_MINUTE still bounds them together).
 */
const AFTER_EACH_EVENT: ResultStreamHooks<GatewayContext> = {
  map(result, context) {
    forgetPerRequestCaches(context);
    context.upstream.startOver();
    return result;
  },
};

const HOOKS: SubscribeHooks<GatewayContext> = {
  onSubscribeResult({ args, result, setResult }) {
    if (!isAsyncIterable(result)) return;
    // Subscribing checked the field's scopes; each event's execution checks its types' scopes again, afresh.
    forgetPerRequestCaches(args.contextValue);
    setResult(new ResultStream(result as AsyncIterable<ExecutionResult>, AFTER_EACH_EVENT, args.contextValue));
  },
};

/**
 * A subscription keeps no memoized scope decisions or loaders while it waits for events (src/schema/per-request-caches.ts says
 * why): they are dropped once it is set up and after each event, on every transport; each event's upstream calls are
 * counted afresh too.
 */
export function useSubscriptionScopeCache(): Plugin<GatewayContext> {
  return { onSubscribe: () => HOOKS };
}
