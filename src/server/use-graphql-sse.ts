import { randomUUID } from 'node:crypto';
import type { ExecutionArgs } from 'graphql';
import { getOperationAST, GraphQLError } from 'graphql';
import { TOKEN_HEADER_KEY, TOKEN_QUERY_KEY } from 'graphql-sse';
import type { RequestParams } from 'graphql-sse';
import { createHandler } from 'graphql-sse/lib/use/fetch';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { TrustedDocumentsConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayContext } from '../schema/context.js';
import { resolveDocumentText } from './trusted-documents.js';
import type { PerKeySlots } from './per-key-slots.js';
import type { Principal } from '../schema/context.js';
import { principalOfRequest } from './use-caller-guard.js';
import { MAX_OPERATIONS_PER_CONNECTION } from './operation-limits.js';
import { INVALID_JSON_BODY, isJson } from './request-parse-errors.js';

export interface GraphQLSSEOptions {
  /** The GraphQL endpoint; graphql-sse's single-connection requests are recognised on it. */
  endpoint: string;
  /** GRAPHQL_MAX_BODY_BYTES: the bound on an operation's body, as on every other transport. */
  maxBodyBytes: number;
  trusted: TrustedDocumentsConfig | null;
  logger: Logger;
  /** How long a reserved stream (PUT) may wait for its GET before it is dropped. Default 30_000 ms. */
  reservationTtlMs?: number;
  /**
   * Long-lived connections per key (SOCKETS_PER_KEY, shared with WebSockets): a stream holds one from its PUT until
   * its reservation expires unopened or its GET ends. Keys of the open sandbox are not counted.
   */
  streamSlots?: PerKeySlots;
}

/** On dispose, how long open streams may take to complete their operations before they are cut. */
const DISPOSE_WAIT_MS = 5_000;

/** Stream tokens kept (token -> caller), newest first: bounds memory whatever callers reserve. */
const MAX_STREAM_TOKENS = 10_000;

/** What onSubscribe needs of the request that reached /graphql: graphql-sse hands it only the forwarded copy. */
interface Origin {
  request: Request;
  serverContext: Record<string, unknown>;
  /** Frees the operation's place on its stream (idempotent). */
  release: () => void;
  /** Set once onSubscribe has the operation: from then on its end, not the POST's answer, frees the place. */
  handedOff: boolean;
  /** The operation's results once onSubscribe has them (a subscription): ended here when graphql-sse drops them. */
  operation?: AsyncIterableIterator<unknown>;
}

/**
 * graphql-sse's single-connection mode on /graphql, with graphql-sse's own server handler (the official one, as
 * @graphql-yoga/plugin-graphql-sse uses): PUT reserves a stream and answers its token, GET `?token=` opens it, POSTs
 * carrying the `x-graphql-event-stream-token` header run operations on it, DELETE `?operationId=` stops one. The
 * distinct-connections mode (one POST or GET with `Accept: text/event-stream` per operation) stays with yoga's own
 * SSE on the same path; both speak the GraphQL over SSE protocol.
 *
 * Why not the plugin as it is: it executes outside yoga's request pipeline, so it would skip what /graphql enforces
 * in that pipeline. Here every request is authenticated and rate-limited by useCallerGuard first (same path), a
 * stream's token works only for the caller that reserved it, bodies are bounded (GRAPHQL_MAX_BODY_BYTES), trusted
 * documents apply (resolveDocumentText), unconnected reservations expire, a stream runs at most
 * MAX_OPERATIONS_PER_CONNECTION operations at once (TOO_MANY_OPERATIONS beyond), and dispose() ends open streams so a
 * shutdown can drain.
 */
export function useGraphQLSSE(options: GraphQLSSEOptions): Plugin<GatewayContext> {
  const reservationTtlMs = options.reservationTtlMs ?? 30_000;
  /** token -> the principal id that reserved it. */
  const owners = new LRUCache<string, string>({ max: MAX_STREAM_TOKENS });
  /** The Fetch request yoga handed us, and its server context, for each request passed to graphql-sse. */
  const origins = new WeakMap<Request, Origin>();
  /** token -> operations running on that stream. */
  const running = new Map<string, number>();
  /** Open streams: aborting one ends it (dispose()). */
  const open = new Set<AbortController>();
  /** Tokens whose GET is open. */
  const streaming = new Set<string>();
  /** Tokens whose stream graphql-sse still holds: reserved and not expired unopened, or open and not ended. */
  const live = new Set<string>();
  /** token -> gives back the stream's slot (streamSlots); removed once given back, so it runs once. */
  const slotsHeld = new Map<string, () => void>();
  let handler: ((request: Request) => Promise<Response>) | null = null;

  const json = (status: number, message: string, code: string) =>
    new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

  const giveBackSlot = (token: string) => {
    slotsHeld.get(token)?.();
    slotsHeld.delete(token);
  };

  /** Drops a reservation nobody connected to: opening it with an aborted signal makes graphql-sse dispose of it. */
  const expire = (token: string) => {
    if (!streaming.has(token)) {
      giveBackSlot(token);
      live.delete(token);
      // Forgotten, so its token gets the unknown token's 404: graphql-sse would take a GET of it for a
      // distinct-connections request ("Missing query", 400).
      owners.delete(token);
    }
    const abandoned = new AbortController();
    abandoned.abort();
    const request = new Request(`http://gateway${options.endpoint}?${TOKEN_QUERY_KEY}=${encodeURIComponent(token)}`, {
      headers: { accept: 'text/event-stream' },
      signal: abandoned.signal,
    });
    void handler?.(request).then((response) => response.body?.cancel(), () => {});
  };

  return {
    onYogaInit({ yoga }) {
      handler = createHandler(
        {
          authenticate: (req) => req.headers.get(TOKEN_HEADER_KEY) ?? new URL(req.url).searchParams.get(TOKEN_QUERY_KEY) ?? undefined,
          onSubscribe: async (req, params) => {
            const origin = origins.get(req.raw);
            if (!origin) throw new Error('graphql-sse request without its origin');
            origin.handedOff = true;
            try {
              const result = await prepare(origin, params);
              if (isAsyncIterable(result)) return (origin.operation = releasingOnEnd(result, origin.release)) as never;
              origin.release();
              return result as never;
            } catch (error) {
              origin.release();
              throw error;
            }
          },
        },
        yoga.fetchAPI,
      );

      /** Parses, validates and starts one operation as /graphql would (its result, or its errors as a result). */
      async function prepare(origin: Origin, params: RequestParams): Promise<unknown> {
        const enveloped = yoga.getEnveloped({ ...origin.serverContext, request: origin.request, params });
        const contextValue = (await enveloped.contextFactory()) as unknown as GatewayContext;
        const text = resolveDocumentText(options.trusted, params as RequestParams & { extensions?: Record<string, unknown> }, contextValue.principal);
        // `data: null` marks these as results for graphql-sse (isExecutionResult), delivered on the stream.
        if (text instanceof GraphQLError) return { data: null, errors: [text] };
        let document: ExecutionArgs['document'];
        try {
          document = enveloped.parse(text);
        } catch (error) {
          if (error instanceof GraphQLError) return { data: null, errors: [error] };
          throw error;
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return { data: null, errors };
        const args: ExecutionArgs = {
          schema: enveloped.schema,
          document,
          contextValue,
          variableValues: params.variables ?? null,
          operationName: params.operationName ?? null,
        };
        const operation = getOperationAST(document, params.operationName);
        const result = await (operation?.operation === 'subscription' ? enveloped.subscribe(args) : enveloped.execute(args));
        // A request error (a variable that does not coerce) comes without `data`, and graphql-sse takes an object
        // without `data` for execution arguments: the POST got 400 "Unable to detect operation AST" instead of the
        // operation's errors on its stream.
        return isAsyncIterable(result) || 'data' in result ? result : { data: null, ...result };
      }
    },

    // Synchronous until it knows the request is graphql-sse's: every other request on /graphql passes without a promise.
    onRequest({ request, url, serverContext, endResponse }) {
      if (url.pathname !== options.endpoint || !handler) return;
      // The query string is parsed only when there is one: most requests on /graphql are plain POSTs.
      const token = request.headers.get(TOKEN_HEADER_KEY) ?? (url.search ? url.searchParams.get(TOKEN_QUERY_KEY) : null);
      // Everything else on /graphql, the distinct-connections mode included, is yoga's.
      if (request.method !== 'PUT' && request.method !== 'DELETE' && token === null) return;
      const principal = principalOfRequest(request);
      if (!principal) return; // useCallerGuard has answered (401, 429) or this is a preflight
      return singleConnection(request, token, principal, serverContext as Record<string, unknown>).then(endResponse, (error: unknown) => {
        options.logger.error({ err: error }, 'graphql-sse request failed');
        endResponse(json(500, 'Unexpected error', 'INTERNAL_SERVER_ERROR'));
      });
    },

    // On shutdown the event service has already ended every subscription; each ends with a `complete` on its stream
    // once graphql-sse sees its iterator done. Aborting a stream before then cuts it with operations still active (the
    // client reports "Connection closed while having active streams"), so the streams close only once their
    // operations are over (or after DISPOSE_WAIT_MS, for one that never ends).
    async onDispose() {
      const deadline = Date.now() + DISPOSE_WAIT_MS;
      while (running.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      // graphql-sse writes the last `complete` after the iterator said done: one more turn for it to be queued.
      await new Promise((resolve) => setImmediate(resolve));
      for (const stream of open) stream.abort();
      open.clear();
    },
  };

  async function singleConnection(request: Request, token: string | null, principal: Principal, serverContext: Record<string, unknown>): Promise<Response> {
    const caller = principal.id;
    // graphql-sse's handler reads a token's GET or POST by its accept header alone: exactly text/event-stream opens the
    // reserved stream (a POST too), anything else runs an operation (a GET too, its parameters in the query string).
    // Each kind is counted as such whatever its method: a GET operation took no place on the stream, and a stream
    // opened by POST was neither given back to SOCKETS_PER_KEY when it ended nor ended on dispose.
    const readsOrRuns = request.method === 'GET' || request.method === 'POST';
    const opensStream = readsOrRuns && request.headers.get('accept') === 'text/event-stream';
    const runsOperation = readsOrRuns && !opensStream;
    const headers = new Headers(request.headers);
    const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers };
    if (request.method === 'PUT') {
      const reserved = randomUUID();
      const slots = principal.authenticated ? options.streamSlots : undefined;
      if (slots) {
        if (!slots.take(caller)) {
          return json(429, `This key already holds ${slots.limit} event streams and WebSockets (SOCKETS_PER_KEY); close one first.`, 'RATE_LIMITED');
        }
        slotsHeld.set(reserved, () => slots.release(caller));
      }
      owners.set(reserved, caller);
      live.add(reserved);
      headers.set(TOKEN_HEADER_KEY, reserved);
      setTimeout(() => expire(reserved), reservationTtlMs).unref();
    } else if (token === null || owners.get(token) !== caller) {
      // Unknown, expired, or another caller's: the same answer, so tokens cannot be probed.
      return json(404, 'No such event stream for this caller: reserve one with PUT first.', 'NOT_FOUND');
    }
    if (request.method === 'POST') {
      const declared = request.headers.get('content-length');
      if (declared === null) return json(411, 'Send the operation with a Content-Length.', 'BAD_REQUEST');
      if (!/^\d+$/.test(declared) || Number(declared) > options.maxBodyBytes) {
        return json(413, `The request body is larger than ${options.maxBodyBytes} bytes (GRAPHQL_MAX_BODY_BYTES).`, 'REQUEST_TOO_LARGE');
      }
      // node:http stops a body at its Content-Length, so this read is bounded.
      init.body = await request.text();
      // graphql-sse answers a body it cannot parse with JSON.parse's message, which quotes the text around the fault.
      if (!isJson(init.body)) return json(400, INVALID_JSON_BODY, 'BAD_REQUEST');
    }
    const release = runsOperation ? reserveOperation(token!) : () => {};
    if (!release) {
      return json(400, `This stream already runs ${MAX_OPERATIONS_PER_CONNECTION} operations; stop one, or reserve another stream.`, 'TOO_MANY_OPERATIONS');
    }
    const stream = new AbortController();
    const signal = AbortSignal.any([request.signal, stream.signal]);
    init.signal = signal;
    const forwarded = new Request(request.url, init);
    const origin: Origin = { request, serverContext, release, handedOff: false };
    origins.set(forwarded, origin);
    // The first event-stream request of a token opens its stream (graphql-sse refuses another with 409): its end gives
    // the slot back. One answered without a stream is forgotten once answered: a response that finishes never aborts
    // the signal, so the slot would stay held forever.
    let opens = false;
    if (opensStream) {
      open.add(stream);
      opens = !streaming.has(token!);
      if (opens) streaming.add(token!);
      signal.addEventListener(
        'abort',
        () => {
          open.delete(stream);
          if (!opens) return;
          streaming.delete(token!);
          live.delete(token!);
          owners.delete(token!);
          giveBackSlot(token!);
        },
        { once: true },
      );
    }
    try {
      const response = await handler!(forwarded);
      // graphql-sse drops, without ending it, a subscription set up while its operation was stopped (DELETE: 204) or
      // while its stream ended (the stream's end ended the operations it held then, not this one): ended here, so its
      // SUBSCRIPTIONS_PER_KEY slot, its listener and its place on the stream are given back.
      if (origin.operation && (response.status === 204 || !live.has(token!))) void origin.operation.return?.().catch(() => undefined);
      if (opensStream && response.status !== 200) {
        open.delete(stream);
        if (opens) streaming.delete(token!);
        opens = false;
      }
      return response;
    } finally {
      // Refused before it ran (a malformed body, a stream not open): the place was never taken by an operation.
      if (!origin.handedOff) release();
    }
  }

  /** A place for one more operation on the stream `token`, and how to free it; null when the stream is full. */
  function reserveOperation(token: string): (() => void) | null {
    const count = running.get(token) ?? 0;
    if (count >= MAX_OPERATIONS_PER_CONNECTION) return null;
    running.set(token, count + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const left = (running.get(token) ?? 1) - 1;
      if (left > 0) running.set(token, left);
      else running.delete(token);
    };
  }
}

/**
 * The operation's results, freeing its place when they end however they end: done, failed, or stopped by the client
 * (return(), which graphql-sse calls on DELETE and when the stream closes). A plain iterator object, not an async
 * generator: a generator's return() would wait for the next event before it ran.
 */
function releasingOnEnd<T>(source: AsyncIterable<T>, release: () => void): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const iterable: AsyncIterableIterator<T> = {
    next: () =>
      iterator.next().then(
        (result) => {
          if (result.done) release();
          return result;
        },
        (error: unknown) => {
          release();
          throw error;
        },
      ),
    return: (value?: unknown) => {
      release();
      return iterator.return ? iterator.return(value) : Promise.resolve({ done: true, value: value as T });
    },
    throw: (error?: unknown) => {
      release();
      return iterator.throw ? iterator.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]: () => iterable,
  };
  return iterable;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
