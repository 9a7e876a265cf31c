import type { IncomingMessage, Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { getOperationAST, GraphQLError } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { TrustedDocumentsConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayContext } from '../schema/context.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { FailedAuthBudget } from './failed-auth-budget.js';
import { tooManyFailedAuthentications } from './failed-auth-budget.js';
import type { Authenticate } from './principal.js';
import type { RateLimiter } from './rate-limit.js';
import { rateLimited } from './use-caller-guard.js';
import { resolveDocumentText } from './trusted-documents.js';
import type { GatewayYoga } from './yoga.js';
import { quietClientFrameErrors } from './ws-client-faults.js';
import { ownCloseReasons } from './ws-close-reasons.js';
import { connectionAuthorization } from './yoga.js';
import { MAX_OPERATIONS_PER_CONNECTION } from './operation-limits.js';
import { createPerKeySlots, type PerKeySlots } from './per-key-slots.js';
import { clientAddressResolver, type ClientAddress } from './client-address.js';

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

/** A client has this long after the upgrade to send connection_init (with its key) before the socket closes (4408). */
const CONNECTION_INIT_TIMEOUT_MS = 3_000;


/** Close code for an address over its failed-authentication budget (graphql-ws uses 4429 for too many inits). */
export const WS_TOO_MANY_FAILED_AUTHENTICATIONS = 4429;
/** Close code for a key holding SOCKETS_PER_KEY sockets already: the same 4429, which clients read as RATE_LIMITED. */
export const WS_TOO_MANY_SOCKETS = 4429;

/**
 * graphql-transport-ws on the same path as HTTP GraphQL, executing through yoga's envelop so plugins (error codes,
 * auth, limits) behave the same on both transports. The key travels in connection_init; a bad one closes with 4403,
 * and an address over its failed-authentication budget (shared with /graphql) with 4429.
 * Every frame, connection_init included, is capped like an HTTP body (GRAPHQL_MAX_BODY_BYTES): ws refuses a larger
 * one from its header (close 1009) without buffering it. An operation that fails to parse or validate gets an
 * `error` message for its id; the socket and its other operations carry on.
 */
export function attachWebSocket(options: {
  server: Server;
  yoga: GatewayYoga;
  metrics: GatewayMetrics;
  logger: Logger;
  authenticate: Authenticate;
  /** Failed authentications per source address, shared with /graphql and /operator/*; none counted when absent. */
  failedAuth?: FailedAuthBudget;
  /** Largest frame accepted, in bytes (GRAPHQL_MAX_BODY_BYTES). */
  maxPayloadBytes?: number;
  /** Time after the upgrade to send connection_init, in ms (GRAPHQL_WS_INIT_TIMEOUT_MS, default 3000). */
  initTimeoutMs?: number;
  /** GRAPHQL_TRUSTED_DOCUMENTS: callers without documents:any send a persisted document hash, as over HTTP. */
  trusted?: TrustedDocumentsConfig | null;
  /** Per-caller budgets (RATE_LIMIT_PER_MINUTE), which operations that never execute are counted against here. */
  limiter?: () => RateLimiter;
  /**
   * Open sockets per key past connection_init (SOCKETS_PER_KEY): without it one key could hold sockets that never
   * subscribe without end (each one a socket, its buffers and graphql-ws's state). None counted when absent.
   */
  socketSlots?: PerKeySlots;
  /** The client's address (TRUST_PROXY_HOPS), by which sockets still waiting for connection_init are counted. */
  addressOf?: ClientAddress;
  /**
   * Sockets one address may hold open before their connection_init is accepted (GRAPHQL_WS_AWAITING_INIT_PER_ADDRESS,
   * default 256). Until then a socket has shown no key, so SOCKETS_PER_KEY cannot count it; each holds a socket and
   * ws's buffers for up to the init timeout, and without a cap one address could open them as fast as it connects.
   */
  awaitingInitPerAddress?: number;
}) {
  const { yoga, metrics } = options;
  const awaitingInit = awaitingInitSlots(options.addressOf ?? clientAddressResolver(0), options.awaitingInitPerAddress ?? 256);
  /**
   * Subscriptions running on this server, per connection, so close() can let completed ones send their `complete`
   * first and the gauge counts exactly: each one leaves once, whether the client completed it, the source ended, or
   * the socket closed (close, terminate) with it still open.
   */
  const running = new Map<object, Set<string>>();
  let active = 0;
  const started = (ctx: object, id: string): void => {
    let ids = running.get(ctx);
    if (!ids) running.set(ctx, (ids = new Set()));
    if (ids.has(id)) return;
    ids.add(id);
    active++;
    metrics.subscribers.inc({ transport: 'ws' });
  };
  const ended = (ctx: object, id: string): void => {
    const ids = running.get(ctx);
    if (!ids?.delete(id)) return;
    if (ids.size === 0) running.delete(ctx);
    active--;
    metrics.subscribers.dec({ transport: 'ws' });
  };
  /**
   * An operation refused before it runs still costs its caller one request, as every request to /graphql does (the
   * budget is taken there before parsing): otherwise a socket could send operations that fail to parse or validate
   * without end. Operations that run are counted when they execute (src/server/use-caller-guard.ts).
   */
  const refused = async (context: GatewayContext | null, errors: readonly GraphQLError[]): Promise<readonly GraphQLError[]> => {
    if (!context?.principal?.authenticated || !options.limiter) return errors;
    const decision = await options.limiter().take(`caller:${context.principal.id}`);
    return decision.allowed ? errors : [rateLimited(decision.retryAfterSeconds)];
  };
  /** Parses, validates and builds one operation's arguments; its errors answer that operation only. */
  const prepare = async (ctx: Context<Record<string, unknown>, Extra>, id: string, payload: SubscribePayload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    const enveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, connectionParams: ctx.connectionParams, params: payload });
    let args: ExecutionArgs;
    let contextValue: GatewayContext | null = null;
    try {
      // graphql-ws closes the whole socket (4500, with the error's message) when this throws: answer the
      // operation instead.
      contextValue = (await enveloped.contextFactory()) as GatewayContext;
      const text = resolveDocumentText(options.trusted ?? null, payload, contextValue.principal);
      if (text instanceof GraphQLError) return await refused(contextValue, [text]);
      const document = enveloped.parse(text);
      args = {
        schema: enveloped.schema,
        operationName: payload.operationName ?? null,
        document,
        variableValues: payload.variables ?? null,
        contextValue,
        rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe } satisfies EnvelopedRoot,
      };
      const errors = enveloped.validate(args.schema, args.document);
      if (errors.length) return await refused(contextValue, errors);
      // graphql-ws answers an operation it cannot pick with an error but no `complete` (so no onComplete): refused here,
      // before it is counted as running, it cannot stay counted (gauge, the socket's operation limit) until the socket ends.
      if (!getOperationAST(document, args.operationName)) return await refused(contextValue, [unidentifiedOperation(args.operationName)]);
    } catch (error) {
      if (error instanceof GraphQLError) return await refused(contextValue, [error]);
      options.logger.error({ err: error }, 'a WebSocket operation failed before it ran');
      return [new GraphQLError('Unexpected error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
    }
    started(ctx, id);
    return args;
  };
  /** Operations of each connection between their `subscribe` and their start. */
  const preparing = new WeakMap<object, number>();
  const wsServer = new WebSocketServer({ server: options.server, path: yoga.graphqlEndpoint, maxPayload: options.maxPayloadBytes ?? 102_400 });
  quietClientFrameErrors(wsServer, options.logger);
  wsServer.on('connection', (socket, request) => awaitingInit.hold(socket, request));
  ownCloseReasons(wsServer);
  const disposable = useServer(
    {
      connectionInitWaitTimeout: options.initTimeoutMs ?? CONNECTION_INIT_TIMEOUT_MS,
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onConnect: async (ctx) => {
        // Over the address's budget: closed (4429) before the key is looked at, as /graphql answers 429.
        const refuse = (retryAfterSeconds: number) => {
          ctx.extra.socket.close(WS_TOO_MANY_FAILED_AUTHENTICATIONS, tooManyFailedAuthentications(retryAfterSeconds));
          return false;
        };
        const wait = options.failedAuth?.waitFor(ctx.extra.request) ?? 0;
        if (wait > 0) return refuse(wait);
        try {
          const principal = await options.authenticate(connectionAuthorization(ctx.connectionParams));
          const accepted = principal.authenticated && options.socketSlots ? holdSocketSlot(ctx.extra.socket, principal.id, options.socketSlots) : true;
          if (accepted) awaitingInit.accepted(ctx.extra.socket);
          return accepted;
        } catch {
          const decision = await options.failedAuth?.failed(ctx.extra.request);
          if (decision && !decision.allowed) return refuse(decision.retryAfterSeconds);
          return false; // graphql-ws closes with 4403 Forbidden
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        // Operations still being prepared count too: a burst of subscribe messages all arrive before the first runs.
        const preparingNow = preparing.get(ctx) ?? 0;
        if ((running.get(ctx)?.size ?? 0) + preparingNow >= MAX_OPERATIONS_PER_CONNECTION) {
          return [
            new GraphQLError(`This socket already runs ${MAX_OPERATIONS_PER_CONNECTION} operations; complete one, or open another connection.`, {
              extensions: { code: 'TOO_MANY_OPERATIONS' },
            }),
          ];
        }
        preparing.set(ctx, preparingNow + 1);
        try {
          return await prepare(ctx, id, payload);
        } finally {
          preparing.set(ctx, (preparing.get(ctx) ?? 1) - 1);
        }
      },
      // Every way a subscription ends: the client's `complete`, the source finishing, the socket closing (graphql-ws
      // returns every running iterator at once, which ends its event stream: see use-subscription-error-masking.ts).
      onComplete: (ctx, id) => ended(ctx, id),
      onClose: (ctx) => {
        for (const id of [...(running.get(ctx) ?? [])]) ended(ctx, id);
      },
    },
    wsServer,
  );
  return {
    /**
     * Closes every socket (1001 Going Away). Subscriptions whose source already ended (the gateway ends them first on
     * shutdown) get up to `drainMs` to send their `complete`, so clients see a clean end rather than a dropped socket.
     */
    close: async (drainMs = 2_000) => {
      const deadline = Date.now() + drainMs;
      while (active > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

/**
 * Takes one of the key's socket slots for `socket` until it closes (whatever closes it); a key holding them all has this
 * socket closed with 4429 and a reason naming SOCKETS_PER_KEY. Synchronous from the readyState look to the listener, so
 * a socket that closed during authentication is never counted.
 */
function holdSocketSlot(socket: Extra['socket'], key: string, slots: PerKeySlots): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  if (!slots.take(key)) {
    socket.close(WS_TOO_MANY_SOCKETS, `This key already holds ${slots.limit} WebSockets (SOCKETS_PER_KEY); close one first.`);
    return false;
  }
  socket.once('close', () => slots.release(key));
  return true;
}

/**
 * The sockets each address holds that have not had their connection_init accepted, at most `limit` at once.
 * A socket takes its place as it opens and gives it back once accepted or closed, whichever comes first; one over the
 * cap is closed at once with 4429 and a reason, before anything is read from it.
 */
function awaitingInitSlots(addressOf: ClientAddress, limit: number) {
  const slots = createPerKeySlots(limit);
  const releases = new WeakMap<object, () => void>();
  return {
    hold(socket: Extra['socket'], request: IncomingMessage): void {
      const address = addressOf(request);
      if (!slots.take(address)) {
        socket.close(WS_TOO_MANY_SOCKETS, `This address already has ${limit} WebSockets waiting for connection_init (GRAPHQL_WS_AWAITING_INIT_PER_ADDRESS); retry shortly.`);
        return;
      }
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        slots.release(address);
      };
      releases.set(socket, release);
      socket.once('close', release);
    },
    accepted(socket: Extra['socket']): void {
      releases.get(socket)?.();
    },
  };
}

/** An operationName the document lacks, or several operations and no name: as over HTTP, a BAD_REQUEST. */
function unidentifiedOperation(operationName: string | null | undefined): GraphQLError {
  // The name is not quoted: what a caller sends is not echoed into errors.
  const message = operationName ? 'The document has no operation of the given operationName.' : 'The document has several operations: name the one to run (operationName).';
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
}
