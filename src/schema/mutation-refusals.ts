import { GraphQLError, responsePathAsArray } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { ProviderFailure } from '../domain/errors.js';
import { UpstreamBudgetExceeded } from '../domain/upstream-budget.js';
import type { GatewayContext } from './context.js';

/**
 * Runs a mutation's work; a refusal by rate (the key's upstream budget, the one-a-minute resend of a recipient) comes
 * back as the ProviderError of the mutation's union, like every other mutation error: `code` RATE_LIMITED or
 * QUERY_TOO_COSTLY (the gateway's own refusal, not the provider's), retryable for a minute's budget, with the seconds
 * to wait, and no httpStatus since nothing was sent. Thrown as it is for queries, it nulled the non-null mutation field
 * and so the whole `data`, results of the operation's other mutations included. The refusal is also reported as an
 * error at the field's path with that extensions.code (as every rate refusal is, on queries too), so a client that
 * looks for RATE_LIMITED in `errors` finds it, and still gets the data.
 */
export async function withRefusalsAsResults<T>(run: () => Promise<T>, context: GatewayContext, info: GraphQLResolveInfo): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof UpstreamBudgetExceeded)) throw error;
    context.partialErrors.push(new GraphQLError(error.message, { path: responsePathAsArray(info.path), originalError: error }));
    const perMinute = error.limit === 'PER_MINUTE';
    throw new ProviderFailure(error.provider, error.message, {
      kind: perMinute ? 'RATE_LIMITED' : 'ERROR',
      code: perMinute ? 'RATE_LIMITED' : 'QUERY_TOO_COSTLY',
      retryable: perMinute,
      retryAfterSeconds: error.retryAfterSeconds,
    });
  }
}
