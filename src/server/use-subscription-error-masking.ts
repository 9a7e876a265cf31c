import { GraphQLError } from 'graphql';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';
import { isAsyncIterable, ResultStream, type ResultStreamHooks, type SubscribeHooks } from './result-stream.js';

/** Shared by every subscription (see ResultStreamHooks): the subscription's own part is its context. */
const MASK_THROWS: ResultStreamHooks<GatewayContext> = {
  recover(error, context) {
    if (error instanceof GraphQLError && error.extensions.code) return { errors: [error] };
    context.logger.error({ err: error }, 'a subscription source failed');
    return { errors: [new GraphQLError('Unexpected error', { extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: context.requestId } })] };
  },
};

const HOOKS: SubscribeHooks<GatewayContext> = {
  onSubscribeResult({ args, result, setResult }) {
    if (!isAsyncIterable(result)) return;
    setResult(new ResultStream(result as AsyncIterable<ExecutionResult>, MASK_THROWS, args.contextValue));
  },
};

/**
 * A subscription source that throws mid-stream (a broken event log, a bug) ends the stream with one last result:
 * "Unexpected error" and the request id, like a failing resolver; the detail goes to the request's log only. A client
 * that goes away ends the source at once (ResultStream).
 */
export function useSubscriptionErrorMasking(): Plugin<GatewayContext> {
  return { onSubscribe: () => HOOKS };
}
