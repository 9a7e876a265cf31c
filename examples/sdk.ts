/**
 * A thin typed client for the gateway over the codegen output (examples/generated): `npm run codegen` turns every
 * operation in examples/operations/*.graphql into a `TypedDocumentString` whose result and variables types come
 * from the schema, so `client.request(OpenVerificationRequestsDocument, {})` is typed end to end. It uses only
 * `fetch` (browsers, Node 18+): no graphql runtime, no framework.
 *
 *   import { createGatewayClient } from './sdk.js';
 *   import { OpenVerificationRequestsDocument } from './generated/graphql.js';
 *   const client = createGatewayClient({ url: 'http://127.0.0.1:4000' });
 *   const { verificationRequests } = await client.request(OpenVerificationRequestsDocument, {});
 */
import type { TypedDocumentString } from './generated/graphql.js';

export * from './generated/graphql.js';

export interface GatewayClientOptions {
  /** The gateway's base URL (the GraphQL endpoint is `<url>/graphql`). */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`; not needed by an open sandbox gateway. */
  apiKey?: string;
  /** Extra headers for every request (e.g. x-request-id). */
  headers?: Record<string, string>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** One entry of a GraphQL response's `errors`; `extensions.code` is one of the gateway's stable codes. */
export interface GatewayGraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; provider?: string; [key: string]: unknown };
}

/** A response that carried errors; `data` is whatever partial data came with them. */
export class GatewayRequestError<TResult = unknown> extends Error {
  constructor(
    readonly errors: GatewayGraphQLError[],
    readonly data: TResult | null,
    readonly status: number,
  ) {
    super(errors.map((error) => (error.extensions?.code ? `${error.extensions.code}: ${error.message}` : error.message)).join('; '));
    this.name = 'GatewayRequestError';
  }
}

/** Variables are optional exactly when the operation declares none that are required. */
type VariablesArgument<TVariables> = Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export interface GatewayClient {
  /** Runs a query or mutation; throws GatewayRequestError when the response has errors. */
  request<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, ...variables: VariablesArgument<TVariables>): Promise<TResult>;
  /**
   * Runs a subscription over GraphQL over SSE (one POST per subscription) and yields each result until the server
   * completes it or `signal` aborts. Errors in a result end the iteration with a GatewayRequestError.
   */
  subscribe<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
    options?: { signal?: AbortSignal },
  ): AsyncGenerator<TResult>;
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const endpoint = `${options.url.replace(/\/$/, '')}/graphql`;
  const doFetch = options.fetch ?? fetch;
  const headersFor = (accept: string): Record<string, string> => ({
    'content-type': 'application/json',
    accept,
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    ...options.headers,
  });

  return {
    async request<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, ...[variables]: VariablesArgument<TVariables>) {
      const response = await doFetch(endpoint, {
        method: 'POST',
        headers: headersFor('application/graphql-response+json, application/json'),
        body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
      });
      const body = (await response.json().catch(() => null)) as { data?: TResult | null; errors?: GatewayGraphQLError[] } | null;
      if (!body) throw new Error(`${endpoint} answered HTTP ${response.status} without a GraphQL body.`);
      if (body.errors?.length) throw new GatewayRequestError<TResult>(body.errors, body.data ?? null, response.status);
      if (!body.data) throw new Error(`${endpoint} answered HTTP ${response.status} without data.`);
      return body.data;
    },

    async *subscribe<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables, subscribeOptions: { signal?: AbortSignal } = {}) {
      const response = await doFetch(endpoint, {
        method: 'POST',
        headers: headersFor('text/event-stream'),
        body: JSON.stringify({ query: document.toString(), variables }),
        ...(subscribeOptions.signal ? { signal: subscribeOptions.signal } : {}),
      });
      if (!response.ok || !response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
        throw new Error(`${endpoint} answered HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
      }
      for await (const message of serverSentEvents(response.body)) {
        if (message.event === 'complete') return;
        if (message.event !== 'next') continue;
        const payload = JSON.parse(message.data) as { data?: TResult; errors?: GatewayGraphQLError[] };
        if (payload.errors?.length) throw new GatewayRequestError<TResult>(payload.errors, payload.data ?? null, response.status);
        if (payload.data) yield payload.data;
      }
    },
  };
}

/** Parses a text/event-stream body into { event, data } messages (comments and keep-alives skipped). */
export async function* serverSentEvents(stream: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon === 0) continue;
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          if (field === 'data') data.push(value);
        }
        if (data.length || event !== 'message') yield { event, data: data.join('\n') };
      }
    }
  } finally {
    // Closing the iteration early (break, return, abort) releases the connection.
    await reader.cancel().catch(() => {});
  }
}
