import { ProviderFailure } from '../domain/errors.js';
import { UpstreamBudgetExceeded } from '../domain/upstream-budget.js';

/**
 * Runs a mutation's work; a refusal by rate (the key's upstream budget, the one-a-minute resend of a recipient) comes
 * back as the ProviderError of the mutation's union, like every other mutation error: retryable for a minute's budget,
 * with the seconds to wait, and no httpStatus since nothing was sent. Thrown as it is for queries (RATE_LIMITED), it
 * nulled the non-null mutation field and so the whole `data`, results of the operation's other mutations included.
 */
export async function withRefusalsAsResults<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof UpstreamBudgetExceeded)) throw error;
    const perMinute = error.limit === 'PER_MINUTE';
    throw new ProviderFailure(error.provider, error.message, {
      kind: perMinute ? 'RATE_LIMITED' : 'ERROR',
      retryable: perMinute,
      retryAfterSeconds: error.retryAfterSeconds,
    });
  }
}
