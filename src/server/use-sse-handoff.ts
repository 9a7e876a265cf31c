import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';
import type { SerializableResult } from './result-json.js';

/**
 * Requests the SSE route (src/server/sse-route.ts) sent through yoga and will write the stream of itself, with the
 * body the route read (null for a GET).
 */
const handedOff = new WeakMap<Request, Uint8Array<ArrayBuffer> | null>();
/** Their subscription results, once yoga has them. */
const streams = new WeakMap<Request, AsyncIterable<SerializableResult>>();
/** The source under those results, as the subscription field's resolver handed it (GatewayContext.onSubscriptionSource). */
const sources = new WeakMap<Request, AsyncIterable<unknown>>();

/** A subscription yoga produced for a marked request. */
export interface HandedOffStream {
  results: AsyncIterable<SerializableResult>;
  /** What the subscription field's resolver returned, when it said (null when it did not). */
  source: AsyncIterable<unknown> | null;
}

/** The headers yoga's SSE processor answers a stream with (graphql-yoga src/plugins/result-processor/sse.ts). */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream',
  Connection: 'keep-alive',
  'Cache-Control': 'no-cache',
  'Content-Encoding': 'none',
};

/**
 * Marks a request whose subscription stream the caller will write itself (see useSseHandoff). The request carries no
 * body; `body` is what the caller read from the socket, handed to yoga's parsers when they ask for it.
 */
export function writeStreamOutsideYoga(request: Request, body: Uint8Array<ArrayBuffer> | null): void {
  handedOff.set(request, body);
}

/** The subscription yoga produced for a marked request (once), or undefined when it produced none. */
export function takeHandedOffStream(request: Request): HandedOffStream | undefined {
  const results = streams.get(request);
  const source = sources.get(request) ?? null;
  streams.delete(request);
  sources.delete(request);
  return results && { results, source };
}

/**
 * For a request the SSE route marked, a subscription's results are not turned into yoga's streamed Response (a
 * ReadableStream, an encoder and a ping timer per subscriber, all held for the subscription's life): yoga answers an
 * empty Response with the SSE status and headers (its CORS and other response hooks still apply), and the route
 * writes the results to the socket itself. Everything before that (authentication, rate limits, trusted documents,
 * limits, parse, validate, context, subscribe and every plugin's subscription hooks) is yoga's own pipeline.
 * Anything that is not a stream (errors, a query sent with Accept: text/event-stream) is yoga's to answer, as always.
 */
export function useSseHandoff(): Plugin<GatewayContext> {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const body = handedOff.get(request);
      if (!body || !requestParser) return;
      handedOff.set(request, null); // read once; not held for the subscription's life
      // The parsers (yoga's, and the checks wrapped around them: src/server/use-request-shape-messages.ts) read the
      // body from a request of its own, which is dropped once parsed. The request yoga keeps (in the context, for the
      // subscription's life) has none: a body would hold yoga's size-limit stream pipeline, about 11 KB, as long as the
      // subscriber stays. The route bounded the body already (Content-Length at most GRAPHQL_MAX_BODY_BYTES).
      setRequestParser((req) => requestParser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body })));
    },
    onSubscribe({ args, extendContext }) {
      const { request } = args.contextValue;
      if (!request || !handedOff.has(request)) return;
      extendContext({ onSubscriptionSource: (source) => void sources.set(request, source) });
    },
    onResultProcess({ request, result, setResultProcessor }) {
      if (!handedOff.has(request) || !isAsyncIterable(result)) return;
      setResultProcessor((stream, fetchAPI) => {
        streams.set(request, stream as AsyncIterable<SerializableResult>);
        return new fetchAPI.Response(null, { status: 200, headers: EVENT_STREAM_HEADERS });
      }, 'text/event-stream');
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
