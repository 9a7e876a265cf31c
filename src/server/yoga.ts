import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga } from 'graphql-yoga';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { schema } from '../schema/index.js';
import type { GatewayContext, Principal } from '../schema/context.js';
import type { Services } from '../services/index.js';
import { graphiqlDefaultQuery } from './graphiql-default-query.js';
import { useErrorCodes } from './use-error-codes.js';

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
  authenticate: (authorization: string | null | undefined) => Principal;
}

export type GatewayYoga = YogaServerInstance<ServerContext, GatewayContext>;

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function createGatewayYoga(options: YogaOptions): GatewayYoga {
  const { config, metrics, logger } = options;
  return createYoga<ServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: false,
    // Self-contained GraphiQL: the CDN page is blank offline (STACK.md pitfall 9).
    renderGraphiQL,
    graphiql: {
      title: 'Verification gateway',
      defaultQuery: graphiqlDefaultQuery(config),
      subscriptionsProtocol: 'GRAPHQL_SSE',
    },
    maskedErrors: false,
    plugins: [useErrorCodes(metrics)],
    context: ({ request, req, connectionParams }) => {
      const header = (name: string) => request?.headers.get(name) ?? headerOf(req, name);
      const incomingId = header('x-request-id');
      const requestId = incomingId && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
      const authorization = header('authorization') ?? connectionAuthorization(connectionParams);
      return {
        services: options.services(),
        principal: options.authenticate(authorization),
        requestId,
        logger: logger.child({ requestId }),
      };
    },
  });
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
