import type { Server } from 'node:http';
import { GraphQLError } from 'graphql';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Authenticate } from './principal.js';
import type { GatewayYoga } from './yoga.js';
import { quietClientFrameErrors } from './ws-client-faults.js';
import { connectionAuthorization } from './yoga.js';

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

/** A client has this long after the upgrade to send connection_init (with its key) before the socket closes (4408). */
export const CONNECTION_INIT_TIMEOUT_MS = 3_000;

/**
 * graphql-transport-ws on the same path as HTTP GraphQL, executing through yoga's envelop so plugins (error codes,
 * auth, limits) behave the same on both transports. The key travels in connection_init; a bad one closes with 4403.
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
  /** Largest frame accepted, in bytes (GRAPHQL_MAX_BODY_BYTES). */
  maxPayloadBytes?: number;
}) {
  const { yoga, metrics } = options;
  /** Subscriptions running on this server, so close() can let completed ones send their `complete` first. */
  let active = 0;
  const wsServer = new WebSocketServer({ server: options.server, path: yoga.graphqlEndpoint, maxPayload: options.maxPayloadBytes ?? 102_400 });
  quietClientFrameErrors(wsServer, options.logger);
  const disposable = useServer(
    {
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onConnect: async (ctx) => {
        try {
          await options.authenticate(connectionAuthorization(ctx.connectionParams));
          return true;
        } catch {
          return false; // graphql-ws closes with 4403 Forbidden
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const enveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, connectionParams: ctx.connectionParams, params: payload });
        let args: ExecutionArgs;
        try {
          // graphql-ws closes the whole socket (4500, with the error's message) when this throws: answer the
          // operation instead.
          const document = enveloped.parse(payload.query);
          args = {
            schema: enveloped.schema,
            operationName: payload.operationName ?? null,
            document,
            variableValues: payload.variables ?? null,
            contextValue: await enveloped.contextFactory(),
            rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe } satisfies EnvelopedRoot,
          };
          const errors = enveloped.validate(args.schema, args.document);
          if (errors.length) return [...errors];
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          options.logger.error({ err: error }, 'a WebSocket operation failed before it ran');
          return [new GraphQLError('Unexpected error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
        }
        metrics.subscribers.inc({ transport: 'ws' });
        active++;
        return args;
      },
      onComplete: () => {
        metrics.subscribers.dec({ transport: 'ws' });
        active--;
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
