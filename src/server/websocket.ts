import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { TrustedDocumentsConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayContext } from '../schema/context.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Authenticate } from './principal.js';
import { resolveDocumentText } from './trusted-documents.js';
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
  /** GRAPHQL_TRUSTED_DOCUMENTS: callers without documents:any send a persisted document hash, as over HTTP. */
  trusted?: TrustedDocumentsConfig | null;
}) {
  const { yoga, metrics } = options;
  /** Subscriptions running on this server, so close() can let completed ones send their `complete` first. */
  let active = 0;
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
      onSubscribe: async (ctx, _id, payload) => {
        const enveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, connectionParams: ctx.connectionParams, params: payload });
        const contextValue = (await enveloped.contextFactory()) as GatewayContext;
        const text = resolveDocumentText(options.trusted ?? null, payload, contextValue.principal);
        if (text instanceof GraphQLError) return [text];
        const document = enveloped.parse(text);
        const args: ExecutionArgs = {
          schema: enveloped.schema,
          operationName: payload.operationName ?? null,
          document,
          variableValues: payload.variables ?? null,
          contextValue,
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe } satisfies EnvelopedRoot,
        };
        const errors = enveloped.validate(args.schema, args.document);
        if (errors.length) return errors;
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
