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

/**
 * The source with a throw turned into one last masked result. A hand-written iterator, not an async generator: a
 * generator's return() waits until its pending next() settles, so a client that went away (SSE disconnect, graphql-ws
 * complete or close) would keep the subscription, and its listener on the event log, alive until the next matching
 * event. Here return() reaches the source at once, and the source's pending next() resolves done.
 */
function maskThrows(source: AsyncIterable<ExecutionResult>, context: GatewayContext): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  const done = (): IteratorResult<ExecutionResult> => ({ value: undefined, done: true });
  const masked = (error: unknown): IteratorResult<ExecutionResult> => {
    finished = true;
    if (error instanceof GraphQLError && error.extensions.code) return { value: { errors: [error] }, done: false };
    context.logger.error({ err: error }, 'a subscription source failed');
    const unexpected = new GraphQLError('Unexpected error', { extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: context.requestId } });
    return { value: { errors: [unexpected] }, done: false };
  };
  return {
    async next() {
      if (finished) return done();
      try {
        const result = await iterator.next();
        if (result.done) finished = true;
        return result;
      } catch (error) {
        return masked(error);
      }
    },
    async return() {
      finished = true;
      await iterator.return?.();
      return done();
    },
    async throw(error: unknown) {
      finished = true;
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
