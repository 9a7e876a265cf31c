import { createClient as createSseClient } from 'graphql-sse';
import type { Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import type { Client as WsClient } from 'graphql-ws';
import type { GatewayGraphQLError } from './errors.js';
import { GatewayRequestError } from './errors.js';
import type { TypedDocumentString } from './generated/graphql.js';
import type { DocumentMode } from './persisted.js';
import { documentParams } from './persisted.js';

export interface GatewayClientOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:4000` (the GraphQL endpoint is `<url>/graphql`). */
  url: string;
  /**
   * Sent as `Authorization: Bearer <apiKey>` (HTTP, SSE) and in graphql-ws's connection_init. A function is asked on
   * every request and connection, so a key entered later is used. Not needed by an open sandbox gateway.
   */
  apiKey?: string | null | (() => string | null | undefined);
  /** Extra headers for every HTTP request (e.g. x-request-id, traceparent). */
  headers?: Record<string, string>;
  /** How operations name their document (see DocumentMode). Default `hash-and-text`. */
  documents?: DocumentMode;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** A WebSocket constructor where there is no global one (Node 20: `import WebSocket from 'ws'`). */
  webSocketImpl?: unknown;
}

/** How a subscription travels. All three are the official clients of their protocols. */
export type SubscriptionTransport =
  /** GraphQL over SSE, distinct connections mode: one HTTP stream per subscription (graphql-sse). */
  | 'sse'
  /** GraphQL over SSE, single connection mode: one stream for all of this client's subscriptions (graphql-sse). */
  | 'sse-single'
  /** graphql-transport-ws (graphql-ws). */
  | 'ws';

export interface SubscribeOptions {
  /** Default `sse`. */
  transport?: SubscriptionTransport;
  /** Aborting ends the subscription (the iteration returns). */
  signal?: AbortSignal;
  /**
   * Called once the server has accepted the subscription's connection, before any result: the stream's response
   * (`sse`) or the socket's acknowledgement (`ws`, at once when the socket is already open). Not called for
   * `sse-single`, whose one stream is shared.
   */
  onConnected?: () => void;
}

/** Variables are optional exactly when the operation declares none that are required. */
export type VariablesArgument<TVariables> = Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export interface GatewayClient {
  /** Runs a query or mutation; throws GatewayRequestError when the response has errors (with any partial data). */
  request<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, ...variables: VariablesArgument<TVariables>): Promise<TResult>;
  /**
   * Runs a subscription and yields each result's data until the server completes it or `signal` aborts. A result with
   * errors, or a transport failure, ends the iteration by throwing (GatewayRequestError for GraphQL errors). There are
   * no automatic retries: a resumable subscription (e.g. `verificationEvents(after:)`) is restarted by the caller
   * with its latest resume point.
   */
  subscribe<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables, options?: SubscribeOptions): AsyncGenerator<TResult>;
  /** Closes the WebSocket and the single SSE connection, if they were opened. */
  dispose(): Promise<void>;
}

type ResultBody<TResult> = { data?: TResult | null; errors?: readonly GatewayGraphQLError[] };

/** A typed client for the gateway over fetch, graphql-sse and graphql-ws. */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const base = options.url.replace(/\/+$/, '');
  const endpoint = `${base}/graphql`;
  const mode = options.documents ?? 'hash-and-text';
  const doFetch: typeof fetch = options.fetch ?? ((...args) => fetch(...args));
  const apiKey = () => (typeof options.apiKey === 'function' ? options.apiKey() : options.apiKey) ?? null;
  /** Authorization and the caller's extra headers; graphql-sse sets its own accept and content type per request. */
  const callerHeaders = (): Record<string, string> => {
    const key = apiKey();
    return { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers };
  };

  /**
   * graphql-sse's NetworkError keeps a refused response, but its body is gone by the time the error arrives: read it
   * here, so the gateway's error codes (FORBIDDEN, PERSISTED_QUERY_NOT_FOUND, ...) reach the caller.
   */
  const refusals = new WeakMap<object, readonly GatewayGraphQLError[]>();
  const sseFetch: typeof fetch = async (input, init) => {
    const response = await doFetch(input, init);
    if (response.ok) return response;
    const text = await response.text();
    const copy = new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
    const errors = refusalErrors(text);
    if (errors?.length) refusals.set(copy, errors);
    return copy;
  };
  const sse: Partial<Record<'sse' | 'sse-single', SseClient<boolean>>> = {};
  let ws: WsClient | null = null;
  let wsOpen = false;
  const sseClient = (transport: 'sse' | 'sse-single') =>
    (sse[transport] ??= createSseClient({
      url: endpoint,
      singleConnection: transport === 'sse-single',
      headers: callerHeaders,
      fetchFn: sseFetch,
      retryAttempts: 0,
    }));
  const wsClient = () =>
    (ws ??= createWsClient({
      url: endpoint.replace(/^http/, 'ws'),
      connectionParams: () => {
        const key = apiKey();
        return key ? { authorization: `Bearer ${key}` } : {};
      },
      retryAttempts: 0,
      lazy: true,
      on: {
        connected: () => void (wsOpen = true),
        closed: () => void (wsOpen = false),
      },
      ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
    }));

  return {
    async request<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, ...[variables]: VariablesArgument<TVariables>) {
      const params = documentParams(document, mode);
      const response = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...callerHeaders() },
        body: JSON.stringify({ ...(params.query ? { query: params.query } : {}), variables: variables ?? {}, ...(params.extensions ? { extensions: params.extensions } : {}) }),
      });
      const body = (await response.json().catch(() => null)) as ResultBody<TResult> | null;
      if (!body) throw new Error(`${endpoint} answered HTTP ${response.status} without a GraphQL body.`);
      if (body.errors?.length) throw new GatewayRequestError<TResult>(body.errors, body.data ?? null, response.status);
      if (!body.data) throw new Error(`${endpoint} answered HTTP ${response.status} without data.`);
      return body.data;
    },

    async *subscribe<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables, subscribeOptions: SubscribeOptions = {}) {
      const transport = subscribeOptions.transport ?? 'sse';
      const payload = { ...documentParams(document, mode), variables: (variables ?? {}) as Record<string, unknown> };
      const connected = subscribeOptions.onConnected;
      let results: AsyncIterableIterator<ResultBody<TResult>>;
      if (transport === 'ws') {
        const client = wsClient();
        results = client.iterate<TResult>(payload);
        if (connected && wsOpen) queueMicrotask(connected);
        else if (connected) {
          const off = client.on('connected', () => (off(), connected()));
        }
      } else if (transport === 'sse') {
        results = (sseClient('sse') as SseClient<false>).iterate<TResult>(payload, connected ? { connected: () => connected() } : undefined);
      } else {
        results = sseClient(transport).iterate<TResult>(payload);
      }
      const stop = () => void results.return?.();
      subscribeOptions.signal?.addEventListener('abort', stop, { once: true });
      try {
        if (subscribeOptions.signal?.aborted) return;
        for await (const result of results) {
          if (result.errors?.length) throw new GatewayRequestError<TResult>(result.errors, result.data ?? null, 0);
          if (result.data) yield result.data;
        }
      } catch (error) {
        throw asError(error, refusals);
      } finally {
        subscribeOptions.signal?.removeEventListener('abort', stop);
        await results.return?.();
      }
    },

    async dispose() {
      for (const client of Object.values(sse)) client?.dispose();
      await ws?.dispose();
    },
  };
}

/**
 * graphql-ws and graphql-sse reject with GraphQL error lists, close events or network errors: always an Error, and a
 * GatewayRequestError with the gateway's codes when a refused response said why.
 */
function asError(error: unknown, refusals: WeakMap<object, readonly GatewayGraphQLError[]>): Error {
  const response = (error as { response?: Response } | null)?.response;
  const refused = response ? refusals.get(response) : undefined;
  if (refused && response) return new GatewayRequestError(refused, null, response.status);
  if (error instanceof Error) return error;
  if (Array.isArray(error)) return new GatewayRequestError(error as GatewayGraphQLError[], null, 0);
  const closed = error as { code?: unknown; reason?: unknown } | null;
  if (closed && typeof closed.code === 'number') {
    const text = `The WebSocket closed (${closed.code}${closed.reason ? `: ${String(closed.reason)}` : ''}).`;
    // The closes that mean what /graphql answers with a code: the same code, so one check serves every transport.
    const code = WS_CLOSE_CODES[closed.code];
    return code ? new GatewayRequestError([{ message: text, extensions: { code } }], null, 0) : new Error(text);
  }
  return new Error(String(error));
}

/**
 * The gateway's graphql-ws closes that answer for the caller's key: 4403, graphql-ws's Forbidden, when connection_init
 * carried no valid key (401 UNAUTHENTICATED on HTTP); 4429 when the address is over its failed-authentication budget
 * (429 RATE_LIMITED) or the key holds SOCKETS_PER_KEY sockets already.
 */
const WS_CLOSE_CODES: Readonly<Record<number, string>> = { 4403: 'UNAUTHENTICATED', 4429: 'RATE_LIMITED' };

/** The errors in a refused response: a JSON body, or (yoga answers an SSE request so) the first `next` event's data. */
function refusalErrors(text: string): readonly GatewayGraphQLError[] | undefined {
  const eventData = /^event: next\r?\ndata: (.*)$/m.exec(text.slice(0, 100_000));
  for (const candidate of [text, eventData?.[1]]) {
    if (candidate === undefined) continue;
    try {
      const body = JSON.parse(candidate) as ResultBody<unknown> | null;
      if (body?.errors?.length) return body.errors;
    } catch {
      // not this form
    }
  }
  return undefined;
}
