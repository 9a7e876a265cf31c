import type { Provider } from './providers.js';

/**
 * Which budget a refused batch of upstream calls would have broken: the calls one request may cause at one provider
 * (UPSTREAM_CALLS_PER_REQUEST; also a batch larger than a whole minute's budget, which waiting never fixes), or what
 * is left of the caller's budget for this minute (UPSTREAM_CALLS_PER_MINUTE).
 */
export type UpstreamBudgetLimit = 'PER_REQUEST' | 'PER_MINUTE';

/** Thrown before any of the calls is made: nothing was sent. */
export class UpstreamBudgetExceeded extends Error {
  constructor(
    readonly provider: Provider,
    readonly limit: UpstreamBudgetLimit,
    message: string,
    /** PER_MINUTE: seconds until the budget has room again. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'UpstreamBudgetExceeded';
  }
}
