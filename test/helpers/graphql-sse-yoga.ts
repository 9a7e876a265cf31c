import { createYoga } from 'graphql-yoga';
import type { GraphQLSchemaWithContext, Plugin } from 'graphql-yoga';
import { createLogger } from '../../src/observability/logger.js';
import type { Principal } from '../../src/schema/context.js';
import { UNLIMITED } from '../../src/server/rate-limit.js';
import { principalOfRequest, useCallerGuard } from '../../src/server/use-caller-guard.js';
import type { GraphQLSSEOptions } from '../../src/server/use-graphql-sse.js';
import { useGraphQLSSE } from '../../src/server/use-graphql-sse.js';

/**
 * Yoga on /graphql with the gateway's graphql-sse plugin behind its caller guard, every request made by `principal`:
 * the plugin's own behaviour without a whole gateway. `sse` adds plugin options; `after` plugins run after it.
 */
export function graphqlSseYoga(
  schema: GraphQLSchemaWithContext<object>,
  principal: Principal,
  options: { sse?: Partial<GraphQLSSEOptions>; after?: Plugin[] } = {},
) {
  const logger = createLogger({ level: 'silent' });
  return createYoga<object, { principal: Principal }>({
    schema: schema as never,
    graphqlEndpoint: '/graphql',
    logging: false,
    context: ({ request }) => ({ principal: principalOfRequest(request) ?? principal }),
    plugins: [
      useCallerGuard({ graphqlEndpoint: '/graphql', authenticate: async () => principal, limiter: () => UNLIMITED, logger }),
      useGraphQLSSE({ endpoint: '/graphql', maxBodyBytes: 10_000, trusted: null, logger, ...options.sse }),
      ...(options.after ?? []),
    ] as never,
  });
}
