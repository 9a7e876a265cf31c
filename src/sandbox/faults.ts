import type { Provider } from '../domain/providers.js';

/**
 * Faults a simulator can be told to inject (SANDBOX_FAULTS or POST /__control/faults). Every field is optional;
 * an empty object means healthy.
 */
export interface FaultSpec {
  /** Added before every answer. */
  latencyMs?: number;
  /** Share of requests (0..1) answered with `status` instead of the real answer. */
  errorRate?: number;
  /** Status for injected errors: 500, 502, 503 or 429 (default 503). */
  status?: number;
  /** Retry-After seconds sent with injected 429/503 answers. */
  retryAfterSeconds?: number;
  /** Share of requests accepted and never answered. */
  timeoutRate?: number;
  /** Share of requests whose connection is reset. */
  resetRate?: number;
  /** Share of requests answered with a malformed body. */
  malformedRate?: number;
  /** Which malformed body: JSON cut in half, or an HTML page (a WAF challenge) where JSON/XML belongs. */
  malformed?: 'truncated' | 'html';
  /** Provider-specific outage, e.g. Realtime Register's ProviderUnavailable with a maintenance window. */
  outage?: boolean;
}

export type FaultsByProvider = Partial<Record<Provider, FaultSpec>>;

/** Parses SANDBOX_FAULTS; throws with a one-line reason on a bad shape. */
export function parseFaults(text: string | null | undefined): FaultsByProvider {
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('SANDBOX_FAULTS must be a JSON object keyed by provider');
  return value as FaultsByProvider;
}
