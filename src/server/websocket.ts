import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Authenticate } from './principal.js';
import type { GatewayYoga } from './yoga.js';
import { connectionAuthorization } from './yoga.js';

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

/**
 * graphql-transport-ws on the same path as HTTP GraphQL, executing through yoga's envelop so plugins (error codes,
 * auth) behave the same on both transports. The key travels in connection_init; a bad one closes with 4403.
 */
export function attachWebSocket(options: {
  server: Server;
  yoga: GatewayYoga;
  metrics: GatewayMetrics;
  logger: Logger;
  authenticate: Authenticate;
}) {
  const { yoga, metrics } = options;
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
  const wsServer = new WebSocketServer({ server: options.server, path: yoga.graphqlEndpoint });
  const disposable = useServer(
    {
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
      onSubscribe: async (ctx, id, payload) => {
        const enveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, connectionParams: ctx.connectionParams, params: payload });
        const document = enveloped.parse(payload.query);
        const args: ExecutionArgs = {
          schema: enveloped.schema,
          operationName: payload.operationName ?? null,
          document,
          variableValues: payload.variables ?? null,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe } satisfies EnvelopedRoot,
        };
        const errors = enveloped.validate(args.schema, args.document);
        if (errors.length) return errors;
        started(ctx, id);
        return args;
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
