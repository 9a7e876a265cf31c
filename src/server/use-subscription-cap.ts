import type { ExecutionResult } from 'graphql';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';
import type { PerKeySlots } from './per-key-slots.js';
import { isAsyncIterable, ResultStream, type ResultStreamHooks, type SubscribeHooks } from './result-stream.js';

/**
 * At most SUBSCRIPTIONS_PER_KEY subscriptions open at once per key or JWT subject on this instance, over every
 * transport (GraphQL over SSE in both modes, graphql-ws): each open one holds memory and an event-log listener until
 * its client ends it, and the rate limit bounds only how fast a key starts them. One more is refused with
 * RATE_LIMITED: over HTTP (SSE) as a 429 whose one event is the error, and the stream ends there; over a WebSocket as
 * that operation's result, the socket and its other operations carrying on. A slot is taken when the stream exists and
 * given back when it ends however it ends (the client completes it or goes away, the source finishes or fails), so
 * the count is exact and an error on the way never leaks a slot. The open sandbox (no keys) is not counted.
 */
export function useSubscriptionCap(slots: PerKeySlots): Plugin<GatewayContext> {
  const endReleases: ResultStreamHooks<string> = { end: (key) => slots.release(key) };
  const hooks: SubscribeHooks<GatewayContext> = {
    onSubscribeResult({ args, result, setResult }) {
      if (!isAsyncIterable(result)) return;
      const key = args.contextValue.principal.id;
      if (slots.take(key)) {
        setResult(new ResultStream(result as AsyncIterable<ExecutionResult>, endReleases, key));
        return;
      }
      // Others of the key's started between the look in onSubscribe and now: this one ends before its first event.
      void (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().return?.();
      setResult({ errors: [tooManySubscriptions(slots.limit, 'request' in args.contextValue)] });
    },
  };
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const context = args.contextValue as GatewayContext & { request?: Request };
      if (!context.principal?.authenticated) return;
      // Full already: refused before the subscription's resolver runs (no replay read, no listener).
      if (slots.full(context.principal.id)) {
        setResultAndStopExecution({ errors: [tooManySubscriptions(slots.limit, context.request !== undefined)] });
        return;
      }
      return hooks;
    },
  };
}

/** RATE_LIMITED for a key holding SUBSCRIPTIONS_PER_KEY open subscriptions; `overHttp` makes yoga answer it with 429. */
function tooManySubscriptions(limit: number, overHttp: boolean): GraphQLError {
  return new GraphQLError(`This key already holds ${limit} open subscriptions on this instance (SUBSCRIPTIONS_PER_KEY); end one before starting another.`, {
    // yoga takes the status from `http` and leaves `http` out of the body; graphql-ws would send it as it is.
    extensions: { code: 'RATE_LIMITED', ...(overHttp ? { http: { status: 429 } } : {}) },
  });
}
