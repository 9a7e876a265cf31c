import { ProviderFailure, Unavailable } from '../domain/errors.js';
import type { Provider } from '../domain/providers.js';
import { PROVIDER_LABEL } from '../domain/providers.js';
import { UpstreamBudgetExceeded } from '../domain/upstream-budget.js';
import type { Stores } from '../store/index.js';
import { StoreUnavailable } from '../store/store-errors.js';

/**
 * One verification email per recipient a minute, whichever key asks and whichever instance answers. Each resend is
 * an email to a person and, upstream, the same call as the last one: the per-key budget (UPSTREAM_CALLS_PER_MINUTE)
 * let two keys repeat one resend 100 times a minute, and Openprovider blocks the gateway's IP, until removed by hand,
 * after more than 300 identical calls in 300 s (providers/openprovider.md, "Limits"). With the cooldown one recipient
 * gets at most 5 in any 300 s.
 */
export const RESEND_COOLDOWN_MS = 60_000;

/**
 * Runs `send` unless the same recipient (provider and address or handle) was sent one within RESEND_COOLDOWN_MS:
 * then RATE_LIMITED (UpstreamBudgetExceeded), nothing sent. The marker is a keyed digest (Stores.digest), so no
 * address is a Redis key, nor can one be confirmed against it. A
 * send that fails where a retry may succeed gives the minute back.
 */
export async function withResendCooldown<T>(stores: Pick<Stores, 'claims' | 'digest'>, provider: Provider, recipient: string, send: () => Promise<T>): Promise<T> {
  const key = `resend:${stores.digest(`${provider}\n${recipient}`)}`;
  const { claims } = stores;
  let claimed: boolean;
  try {
    claimed = await claims.claim(key, RESEND_COOLDOWN_MS);
  } catch (error) {
    // The store went away after the mutation's check: nothing was sent, safe to retry.
    if (error instanceof StoreUnavailable) throw new Unavailable();
    throw error;
  }
  if (!claimed) {
    // The time left on the marker, so a caller retrying at once is not told a full minute (unknown: the whole minute).
    const waitSeconds = Math.max(1, Math.ceil(((await claims.heldForMs(key)) ?? RESEND_COOLDOWN_MS) / 1000));
    throw new UpstreamBudgetExceeded(
      provider,
      'PER_MINUTE',
      `${PROVIDER_LABEL[provider]} sent this recipient a verification email less than a minute ago; nothing was sent. Retry in ${waitSeconds} s.`,
      waitSeconds,
    );
  }
  try {
    return await send();
  } catch (error) {
    if (error instanceof ProviderFailure && error.retryable) await claims.release(key);
    throw error;
  }
}
