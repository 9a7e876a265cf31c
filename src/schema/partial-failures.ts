import { GraphQLError, responsePathAsArray } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Page } from '../services/page.js';
import type { GatewayContext } from './context.js';

/**
 * Returns the page and reports each provider that failed while others answered as an error at this field's path
 * (with its code and provider, via useErrorCodes), so a client gets the healthy providers' rows and knows which
 * provider is missing instead of losing the whole (non-null) connection.
 */
export function withPartialFailures<T>(page: Page<T>, context: GatewayContext, info: GraphQLResolveInfo): Page<T> {
  for (const failure of page.failures ?? []) {
    context.partialErrors.push(new GraphQLError(failure.message, { path: responsePathAsArray(info.path), originalError: failure }));
  }
  return page;
}
