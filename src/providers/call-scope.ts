import type { Provider } from '../domain/providers.js';
import type { UpstreamRequest } from './http.js';

/** What a provider call knows of the request that causes it (a service's RequestScope is one). */
export interface CallScope {
  /** Sent upstream as x-request-id. */
  requestId?: string;
  /** The calls the request may still cause upstream (UPSTREAM_CALLS_PER_REQUEST); absent for background work. */
  upstream?: { spend(provider: Provider, calls: number): Promise<void> };
}

/**
 * The UpstreamRequest fields of a call made for `scope`: its request id, and the price of every call the HTTP layer
 * or the client sends again (a retry after a 5xx, a 429 or a reset; a re-send with a fresh token). Each is one more
 * call the request causes, so it is paid from the request's budget first, and where the budget is spent the call
 * ends with the answer it has instead: a request never causes more calls than UPSTREAM_CALLS_PER_REQUEST, retries
 * included.
 */
export function callFields(provider: Provider, scope: CallScope | undefined): Pick<UpstreamRequest, 'requestId' | 'mayRepeat'> {
  const upstream = scope?.upstream;
  return {
    ...(scope?.requestId ? { requestId: scope.requestId } : {}),
    ...(upstream ? { mayRepeat: () => upstream.spend(provider, 1).then(() => true, () => false) } : {}),
  };
}
