import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { createYoga, maskError } from 'graphql-yoga';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { lazyChild } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { schema } from '../schema/index.js';
import type { GatewayContext, Principal } from '../schema/context.js';
import type { Services } from '../services/index.js';
import { clientAbortFields, isClientAbort } from './client-abort.js';
import { graphiqlDefaultQuery } from './graphiql-default-query.js';
import type { FailedAuthBudget } from './failed-auth-budget.js';
import type { Authenticate } from './principal.js';
import type { RateLimiter } from './rate-limit.js';
import { UNLIMITED } from './rate-limit.js';
import { createUpstreamBudget, upstreamCallsOfRequest } from './upstream-budget.js';
import { principalOfRequest, useCallerGuard } from './use-caller-guard.js';
import { useCsrfGuard } from './use-csrf-guard.js';
import { useErrorCodes } from './use-error-codes.js';
import { useGraphQLSSE } from './use-graphql-sse.js';
import { useAbandonedResponses } from './use-abandoned-responses.js';
import { useNoStore } from './use-no-store.js';
import { useIdNumberMasking } from './use-id-number-masking.js';
import { useOperationSpans } from './use-operation-spans.js';
import { useQueryLimits } from './use-query-limits.js';
import { useRequestShapeMessages } from './use-request-shape-messages.js';
import { useSubscriptionErrorMasking } from './use-subscription-error-masking.js';
import { perRequestCaches } from '../schema/per-request-caches.js';
import { useCredentialExpiry } from './use-credential-expiry.js';
import { useSubscriptionScopeCache } from './use-subscription-scope-cache.js';
import { useSubscriberMetrics } from './use-subscriber-metrics.js';
import { useSubscriptionCap } from './use-subscription-cap.js';
import { createPerKeySlots } from './per-key-slots.js';
import type { PerKeySlots } from './per-key-slots.js';
import { useSseHandoff } from './use-sse-handoff.js';
import { useTrustedDocuments } from './use-trusted-documents.js';
import { useUpstreamLimits } from './use-upstream-limits.js';

/** What node:http or graphql-ws hand the context factory (a WebSocket has no Fetch request: STACK.md pitfall 5). */
export interface ServerContext {
  req?: IncomingMessage;
  /** graphql-ws connection_init payload. */
  connectionParams?: Record<string, unknown>;
}

export interface YogaOptions {
  config: Config;
  services: () => Services;
  metrics: GatewayMetrics;
  logger: Logger;
  authenticate: Authenticate;
  /** Per-caller rate limits; a getter because the Redis-backed one exists only after start(). */
  rateLimiter: () => RateLimiter;
  /** Per key and provider upstream budgets (UPSTREAM_CALLS_PER_MINUTE); a getter for the same reason. */
  upstreamLimiter?: () => RateLimiter;
  /** Failed authentications per source address, shared with graphql-ws and /operator/* (src/server/failed-auth-budget.ts). */
  failedAuth?: FailedAuthBudget;
  /**
   * Long-lived connections each key holds (SOCKETS_PER_KEY), shared with the WebSocket server: a graphql-sse stream
   * (single-connection mode) is one, from its reservation on. Absent: not counted.
   */
  socketSlots?: PerKeySlots;
}

export type GatewayYoga = YogaServerInstance<ServerContext, GatewayContext>;

const REQUEST_ID = /^[\w.-]{1,64}$/;
/**
 * Six digits in a row once separators are dropped: the caller's id could be an ID number, and the request id goes into
 * every log line of the request and every provider call's x-request-id. Such an id is replaced by the gateway's own
 * (a UUID that happens to hold such a run loses only the correlation). Linear: a run is taken whole from its start.
 */
const DIGIT_RUN_IN_ID = /\d{6}/;
const ID_SEPARATORS = /[-._]/g;

/** The caller's x-request-id when it is safe to log and pass on, else a fresh one. */
function requestIdOf(incoming: string | null | undefined): string {
  return incoming && REQUEST_ID.test(incoming) && !DIGIT_RUN_IN_ID.test(incoming.replace(ID_SEPARATORS, '')) ? incoming : randomUUID();
}

export function createGatewayYoga(options: YogaOptions): GatewayYoga {
  const { config, metrics, logger } = options;
  return createYoga<ServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: false,
    // Self-contained GraphiQL: the CDN page is blank offline (STACK.md pitfall 9). Its page is a 9 MB module, loaded on
    // the first GraphiQL visit rather than parsed at every start.
    renderGraphiQL: async (graphiql) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(graphiql),
    graphiql: {
      title: 'Verification gateway',
      defaultQuery: graphiqlDefaultQuery(config),
      subscriptionsProtocol: 'GRAPHQL_SSE',
    },
    // Resolver errors get their codes in useErrorCodes; this is the net for everything else (context factory,
    // plugins, subscription sources): a GraphQLError passes, anything else is logged and becomes "Unexpected error".
    maskedErrors: { maskError: maskUnexpected(logger) },
    cors: corsOptions(config),
    batching: config.limits.batching ? { limit: BATCH_LIMIT } : false,
    // No Upload scalar in the schema: multipart bodies are refused rather than parsed.
    multipart: false,
    // The body limit (GRAPHQL_MAX_BODY_BYTES) is useRequestShapeMessages': it reads each body once, bounded, for
    // Content-Length and streamed (chunked) bodies alike (yoga's own limit would cost a stream pipeline per request).
    maxRequestBodySize: false,
    plugins: [
      useCallerGuard({ graphqlEndpoint: '/graphql', authenticate: options.authenticate, limiter: options.rateLimiter, failedAuth: options.failedAuth, logger, batching: config.limits.batching }),
      // Registered only with tracing configured: off, it would still be two hooks on every operation.
      ...(config.tracing ? [useOperationSpans()] : []),
      // Both after the guard: they read the caller it resolved.
      useGraphQLSSE({ endpoint: '/graphql', maxBodyBytes: config.limits.maxBodyBytes, trusted: config.trustedDocuments, logger, ...(options.socketSlots ? { streamSlots: options.socketSlots } : {}) }),
      ...(config.trustedDocuments ? [useTrustedDocuments(config.trustedDocuments)] : []),
      useRequestShapeMessages(config.limits.maxBodyBytes, config.limits.batching),
      useCsrfGuard(),
      useQueryLimits({ limits: config.limits, introspection: config.introspection }),
      useUpstreamLimits(config.upstreamBudget),
      // After the plugins that refuse operations (rate limits, query limits): their refusals come first and take nothing.
      useSubscriptionCap(createPerKeySlots(config.perKey.subscriptions)),
      // Inside the error codes and masking below, so its UNAUTHENTICATED last result goes out as any other error does.
      useCredentialExpiry(),
      useSubscriptionErrorMasking(),
      useSubscriptionScopeCache(),
      useErrorCodes(metrics),
      useIdNumberMasking(),
      useSubscriberMetrics(metrics),
      useSseHandoff(),
      useAbandonedResponses(),
      useNoStore(),
    ],
    // Synchronous when the caller guard has resolved the caller already (every HTTP request): a promise here would put
    // every request through one more microtask. graphql-ws operations are authenticated here.
    context: ({ request, req, connectionParams }) => {
      const header = (name: string) => request?.headers.get(name) ?? headerOf(req, name);
      const incomingId = header('x-request-id');
      const requestId = requestIdOf(incomingId);
      const requestLogger = lazyChild(logger, { requestId });
      const build = (principal: Principal): GatewayContext => {
        // A batch's operations share their request's UPSTREAM_CALLS_PER_REQUEST; without batching each request has one.
        const used = config.limits.batching && request ? upstreamCallsOfRequest(request) : undefined;
        const upstream = createUpstreamBudget(config.upstreamBudget, principal, options.upstreamLimiter ?? (() => UNLIMITED), used);
        return {
          services: options.services(),
          principal,
          requestId,
          logger: requestLogger,
          partialErrors: [],
          upstream,
          callers: options.rateLimiter,
          ownResults: new WeakSet(),
          ...perRequestCaches(),
        };
      };
      const failed = (error: unknown): never => {
        if (error instanceof GraphQLError) throw error;
        requestLogger.error({ err: error }, 'could not build the request context');
        throw new GraphQLError('Unexpected error', { extensions: { code: 'INTERNAL_SERVER_ERROR', requestId, http: { status: 500 } } });
      };
      try {
        const known = principalOfRequest(request);
        if (known) return build(known);
        // A graphql-ws operation (no Fetch request) is its socket's: the key connection_init presented, never the
        // upgrade request's own Authorization header. Read first, that header ran each operation as another key than
        // the socket's, and each wrong key in it was answered UNAUTHENTICATED without counting against the address's
        // failed-authentication budget: a guessing oracle behind one valid key.
        const authorization = request ? request.headers.get('authorization') : connectionAuthorization(connectionParams);
        return options.authenticate(authorization).then(build, failed);
      } catch (error) {
        return failed(error);
      }
    },
  });
}

/** Operations per batched request when GRAPHQL_BATCHING=true. */
export const BATCH_LIMIT = 10;

/** Sandbox without CORS_ORIGINS: any origin. Live without it: no CORS headers at all (same-origin only). */
function corsOptions(config: Config) {
  const origins = config.corsOrigins ?? (config.mode === 'sandbox' ? ['*'] : null);
  if (!origins || origins.length === 0) return false as const;
  return {
    origin: origins,
    // Keys travel in the Authorization header, never in cookies: no credentials mode.
    credentials: false,
    // PUT and DELETE, and the token header: graphql-sse's single-connection mode (src/server/use-graphql-sse.ts).
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'accept', 'x-request-id', 'x-graphql-yoga-csrf', 'x-graphql-event-stream-token', 'traceparent', 'tracestate'],
    exposedHeaders: ['retry-after', 'www-authenticate'],
    maxAge: 600,
  };
}

/**
 * yoga's own masking, plus a log line with the detail for whatever it hides. Never in "dev" form: yoga would put the
 * original message and stack into the response when NODE_ENV=development.
 */
function maskUnexpected(logger: Logger) {
  return (error: unknown, message: string) => {
    const masked = maskError(error, message, false);
    if (masked === error) return masked;
    if (isClientAbort(error)) logger.info(clientAbortFields(error), 'the client aborted its request');
    else logger.error({ err: error }, 'unexpected error outside a resolver');
    return masked;
  };
}

function headerOf(req: IncomingMessage | undefined, name: string): string | null {
  const value = req?.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** graphql-ws clients put the key in connection_init: { authorization: "Bearer k" } or { apiKey: "k" }. */
export function connectionAuthorization(params: Record<string, unknown> | undefined): string | null {
  if (!params) return null;
  if (typeof params.authorization === 'string') return params.authorization;
  if (typeof params.Authorization === 'string') return params.Authorization;
  if (typeof params.apiKey === 'string') return `Bearer ${params.apiKey}`;
  return null;
}
