import { GraphQLError } from 'graphql';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';

/**
 * A subscription source that throws mid-stream (a broken event log, a bug) ends the stream with one last result:
 * "Unexpected error" and the request id, like a failing resolver; the detail goes to the request's log only.
 */
export function useSubscriptionErrorMasking(): Plugin<GatewayContext> {
  return {
    onSubscribe({ args }) {
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          setResult(maskThrows(result as AsyncIterable<ExecutionResult>, args.contextValue));
        },
      };
    },
  };
}

async function* maskThrows(source: AsyncIterable<ExecutionResult>, context: GatewayContext): AsyncGenerator<ExecutionResult> {
  try {
    yield* source;
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code) {
      yield { errors: [error] };
      return;
    }
    context.logger.error({ err: error }, 'a subscription source failed');
    yield { errors: [new GraphQLError('Unexpected error', { extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: context.requestId } })] };
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
