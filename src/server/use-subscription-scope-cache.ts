import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';
import { forgetScopeDecisions } from '../schema/scope-decisions.js';
import { isAsyncIterable, ResultStream, type ResultStreamHooks, type SubscribeHooks } from './result-stream.js';

/** After each event is executed: its scope checks are done. */
const AFTER_EACH_EVENT: ResultStreamHooks<GatewayContext> = {
  map(result, context) {
    forgetScopeDecisions(context);
    return result;
  },
};

const HOOKS: SubscribeHooks<GatewayContext> = {
  onSubscribeResult({ args, result, setResult }) {
    if (!isAsyncIterable(result)) return;
    // Subscribing checked the field's scopes; each event's execution checks its types' scopes again, afresh.
    forgetScopeDecisions(args.contextValue);
    setResult(new ResultStream(result as AsyncIterable<ExecutionResult>, AFTER_EACH_EVENT, args.contextValue));
  },
};

/**
 * A subscription keeps no memoized scope decisions while it waits for events (src/schema/scope-decisions.ts says
 * why): they are dropped once it is set up and after each event, on every transport.
 */
export function useSubscriptionScopeCache(): Plugin<GatewayContext> {
  return { onSubscribe: () => HOOKS };
}
