/**
 * When an upstream call may be tried again and how long to wait first. Pure functions, so the HTTP layer stays a
 * loop and the policy can be read (and tested) on its own.
 */

/**
 * Statuses that mean "try again later" rather than "your request is wrong": 429 (rate limited) and the gateway /
 * overload family. A plain 500 is not here: it usually means the request hit a bug upstream and would fail again;
 * provider quirks that hide a transient failure under 500 go through `UpstreamRequest.isRetryable`.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Whether the method is safe to send twice by default (RFC 9110 §9.2.2); POST and PATCH must opt in. */
export function isIdempotentMethod(method: string): boolean {
  return method === 'GET' || method === 'PUT' || method === 'DELETE';
}

/**
 * Socket errors that end a call before any byte of the request left: the name did not resolve, the connection was
 * refused or never set up, or TLS refused the peer. A write that failed this way was not applied and may be sent again;
 * after any other error (a reset, a socket closed mid-answer, an unknown code) the provider may have applied it.
 */
export function failedBeforeSending(networkCode: string): boolean {
  return NOT_SENT_CODES.has(networkCode) || /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(networkCode);
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random: () => number;
}

/**
 * Delay before retry number `retry` (0 for the first retry): "full jitter", random() * min(max, base * 2^retry).
 * Full jitter spreads the retries of many callers that failed together, so they do not hit a recovering provider
 * in lockstep (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export function backoffDelay(retry: number, { baseMs, maxMs, random }: BackoffOptions): number {
  return random() * Math.min(maxMs, baseMs * 2 ** retry);
}

/**
 * Parses Retry-After (delta seconds or HTTP date, RFC 9110 §10.2.3) to milliseconds, or undefined when absent or
 * unreadable. A date in the past gives 0. Fractional seconds are accepted because some providers send them.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  // Date.parse also accepts bare numbers and odd fragments; an HTTP date always names a weekday or month.
  if (!/[a-z]/i.test(raw)) return undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
