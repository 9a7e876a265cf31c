import type { Provider } from '../domain/providers.js';

/**
 * The upstream calls one request may still cause, per provider. The gateway gives every GraphQL request one
 * (src/server/upstream-budget.ts); background work (poller, watcher) has none and is not limited.
 */
export interface UpstreamBudget {
  /** Call before making `calls` calls to `provider`: throws UpstreamBudgetExceeded, and then none may be made. */
  spend(provider: Provider, calls: number): Promise<void>;
  /**
   * A new execution begins on the same context: each event of a subscription is one, with UPSTREAM_CALLS_PER_REQUEST
   * of its own (the key's per-minute budget is not reset).
   */
  startOver(): void;
}

/**
 * Spends from the request's budget right before the calls go out, after the cache: only real upstream calls count,
 * so cached and coalesced reads are free. A read that other requests joined while in flight was paid for by the
 * request that started it (and, rarely, its refusal reaches those joiners too).
 */
export async function spendUpstream(scope: { upstream?: UpstreamBudget }, provider: Provider, calls: number): Promise<void> {
  if (calls > 0 && scope.upstream) await scope.upstream.spend(provider, calls);
}
