import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.js';

/**
 * Counts subscriptions served over HTTP (GraphQL over SSE) in gateway_subscribers{transport="sse"}, from the moment
 * the stream starts until it completes or the client goes away. WebSocket subscriptions are counted in websocket.ts;
 * they run without a Fetch `request` in their context, which is how the two are told apart.
 */
export function useSubscriberMetrics(metrics: GatewayMetrics): Plugin {
  return {
    onSubscribe({ args }) {
      const overHttp = typeof args.contextValue === 'object' && args.contextValue !== null && 'request' in args.contextValue;
      if (!overHttp) return;
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return;
          metrics.subscribers.inc({ transport: 'sse' });
          return { onEnd: () => metrics.subscribers.dec({ transport: 'sse' }) };
        },
      };
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
