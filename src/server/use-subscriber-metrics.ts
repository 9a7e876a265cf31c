import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.js';
import { isAsyncIterable, ResultStream, type ResultStreamHooks, type SubscribeHooks } from './result-stream.js';

/**
 * Counts subscriptions served over HTTP (GraphQL over SSE) in gateway_subscribers{transport="sse"}, from the moment
 * the stream starts until it completes or the client goes away. WebSocket subscriptions are counted in websocket.ts;
 * they run without a Fetch `request` in their context, which is how the two are told apart.
 */
export function useSubscriberMetrics(metrics: GatewayMetrics): Plugin {
  // One ResultStream per subscription with nothing of its own to hold (envelop's onEnd wrapper holds about 1 KB).
  const countEnd: ResultStreamHooks<null> = { end: () => metrics.subscribers.dec({ transport: 'sse' }) };
  const hooks: SubscribeHooks = {
    onSubscribeResult({ args, result, setResult }) {
      const overHttp = typeof args.contextValue === 'object' && args.contextValue !== null && 'request' in args.contextValue;
      if (!overHttp || !isAsyncIterable(result)) return;
      metrics.subscribers.inc({ transport: 'sse' });
      setResult(new ResultStream(result as AsyncIterable<ExecutionResult>, countEnd, null));
    },
  };
  return { onSubscribe: () => hooks };
}
