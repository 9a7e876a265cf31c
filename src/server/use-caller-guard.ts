import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../observability/logger.js';
import type { GatewayContext, Principal } from '../schema/context.js';
import type { FailedAuthBudget } from './failed-auth-budget.js';
import { createFailedAuthBudget, tooManyFailedAuthentications } from './failed-auth-budget.js';
import type { Authenticate } from './principal.js';
import type { RateLimiter } from './rate-limit.js';

export interface CallerGuardOptions {
  graphqlEndpoint: string;
  authenticate: Authenticate;
  /** Per-caller budgets (RATE_LIMIT_PER_MINUTE / RATE_LIMIT_BURST); a getter because Redis comes up at start(). */
  limiter: () => RateLimiter;
  /** Failed authentications per source address, shared with the other doors; default: its own, over `limiter`. */
  failedAuth?: FailedAuthBudget;
  logger: Logger;
  /** GRAPHQL_BATCHING: a request may carry several operations, each one request to the budget. Default false. */
  batching?: boolean;
}

const principals = new WeakMap<Request, Principal>();
/** Operations executed for each HTTP request: more than one only in a batch. */
const operationsRun = new WeakMap<Request, number>();

/** The principal the guard resolved for an HTTP request (the context factory reads it instead of re-verifying). */
export function principalOfRequest(request: Request | undefined): Principal | undefined {
  return request ? principals.get(request) : undefined;
}

/**
 * Authenticates and rate-limits every HTTP request to the GraphQL endpoint before yoga parses anything: no key, a
 * wrong key or a bad token is a 401 with extensions.code UNAUTHENTICATED and nothing is executed; a caller over its
 * budget gets a 429 with Retry-After. Failed authentications are budgeted per source address too, so guessing keys
 * is slow: an address over that budget gets a 429 whatever key it sends (src/server/failed-auth-budget.ts). GraphiQL's page and CORS preflights are answered by yoga before this hook and need no key.
 *
 * WebSocket operations have no HTTP request per operation: they were authenticated at connection_init
 * (src/server/websocket.ts) and are rate-limited here per operation from the context's principal; one that fails to
 * parse or validate never executes, so websocket.ts counts it itself.
 */
/** RATE_LIMITED for a caller over RATE_LIMIT_PER_MINUTE / RATE_LIMIT_BURST. */
export function rateLimited(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests for this key or token; retry in ${retryAfterSeconds} s (RATE_LIMIT_PER_MINUTE).`, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
  });
}

export function useCallerGuard(options: CallerGuardOptions): Plugin<GatewayContext> {
  const failedAuth = options.failedAuth ?? createFailedAuthBudget(options.limiter);
  // Synchronous (no promise) for HTTP operations, which onRequest has budgeted: an async hook would put every execution
  // of every request through an extra promise.
  const limitOperation = (context: GatewayContext & { request?: Request }, stop: (result: { errors: GraphQLError[] }) => void): Promise<void> | undefined => {
    if (!context.principal?.authenticated) return undefined;
    if (context.request) {
      // onRequest paid for the request's first operation, and without batching there is no other.
      if (!options.batching) return undefined;
      // A batch (GRAPHQL_BATCHING) runs more on the same request, and each of them is one request too, as each
      // WebSocket operation is: a batch of 10 cost one.
      const ran = operationsRun.get(context.request) ?? 0;
      operationsRun.set(context.request, ran + 1);
      if (ran === 0) return undefined;
    }
    return options.limiter().take(`caller:${context.principal.id}`).then((decision) => {
      if (!decision.allowed) stop({ errors: [rateLimited(decision.retryAfterSeconds)] });
    });
  };

  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      const respond = (...args: Parameters<typeof errorBody>) => endResponse(new fetchAPI.Response(...errorBody(...args)));
      if (url.pathname !== options.graphqlEndpoint || request.method === 'OPTIONS') return;
      const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      const wait = failedAuth.waitFor(req);
      if (wait > 0) {
        respond(429, tooManyFailedAuthentications(wait), 'RATE_LIMITED', { 'retry-after': String(wait) }, { retryAfterSeconds: wait });
        return;
      }
      let principal: Principal;
      try {
        principal = await options.authenticate(request.headers.get('authorization'));
      } catch (error) {
        if (!(error instanceof GraphQLError)) {
          options.logger.error({ err: error }, 'authentication failed unexpectedly');
          respond(500, 'Unexpected error', 'INTERNAL_SERVER_ERROR');
          return;
        }
        const decision = await failedAuth.failed(req);
        if (!decision.allowed) {
          // The seconds in extensions too, as every other RATE_LIMITED carries them: a client reads one field for all.
          respond(429, tooManyFailedAuthentications(decision.retryAfterSeconds), 'RATE_LIMITED', { 'retry-after': String(decision.retryAfterSeconds) }, { retryAfterSeconds: decision.retryAfterSeconds });
          return;
        }
        respond(401, error.message, 'UNAUTHENTICATED', { 'www-authenticate': 'Bearer' });
        return;
      }
      principals.set(request, principal);
      if (!principal.authenticated) return; // the open sandbox has no key to budget
      const decision = await options.limiter().take(`caller:${principal.id}`);
      if (!decision.allowed) {
        const error = rateLimited(decision.retryAfterSeconds);
        respond(429, error.message, 'RATE_LIMITED', { 'retry-after': String(decision.retryAfterSeconds) }, { retryAfterSeconds: decision.retryAfterSeconds });
      }
    },
    onExecute({ args, setResultAndStopExecution }) {
      return limitOperation(args.contextValue, setResultAndStopExecution);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      return limitOperation(args.contextValue, setResultAndStopExecution);
    },
  };
}

/** A GraphQL-shaped error body outside execution (the spec's "request error"). */
function errorBody(
  status: number,
  message: string,
  code: string,
  headers: Record<string, string> = {},
  extensions: Record<string, unknown> = {},
): [string, ResponseInit] {
  return [
    JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }),
    { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } },
  ];
}
