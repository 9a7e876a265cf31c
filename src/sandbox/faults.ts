import type { Provider } from '../domain/providers.js';
import { PROVIDERS } from '../domain/providers.js';

/**
 * Faults a simulator can be told to inject (SANDBOX_FAULTS or POST /__control/faults). Every field is optional;
 * an empty object means healthy. Rates are shares of requests, 0..1; faults are tried in this order: latency, the
 * failFirst errors, timeout, reset, error, then the provider's own answer (outage included), then malformed.
 */
export interface FaultSpec {
  /** Added before every answer. */
  latencyMs?: number;
  /** Share of requests (0..1) answered with `status` instead of the real answer. */
  errorRate?: number;
  /** Status for injected errors: 500, 502, 503 or 429 (any 4xx/5xx is accepted; default 503). */
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
  /**
   * The next N requests after these faults are set are answered with the injected error (`status`, Retry-After)
   * whatever errorRate says; later ones see the other faults. Makes "fails twice, then recovers" deterministic.
   */
  failFirst?: number;
  /** Seeds the dice behind the rates, so the same requests in the same order meet the same faults. */
  seed?: number;
}

export type FaultsByProvider = Partial<Record<Provider, FaultSpec>>;

const RATES = ['errorRate', 'timeoutRate', 'resetRate', 'malformedRate'] as const;
const FIELDS = new Set<string>([...RATES, 'latencyMs', 'status', 'retryAfterSeconds', 'malformed', 'outage', 'failFirst', 'seed']);

/**
 * Checks one provider's faults; throws with a one-line reason naming the field, so a typo ("errorrate") is an error
 * rather than a silently healthy simulator.
 */
export function checkFaultSpec(value: unknown, where = 'faults'): FaultSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} must be a JSON object`);
  const spec = value as Record<string, unknown>;
  for (const [field, fieldValue] of Object.entries(spec)) {
    const at = `${where}.${field}`;
    if (!FIELDS.has(field)) throw new Error(`${at} is not a fault (known: ${[...FIELDS].join(', ')})`);
    if ((RATES as readonly string[]).includes(field) && !(typeof fieldValue === 'number' && fieldValue >= 0 && fieldValue <= 1)) {
      throw new Error(`${at} must be a number from 0 to 1`);
    }
    if ((field === 'latencyMs' || field === 'retryAfterSeconds') && !(typeof fieldValue === 'number' && fieldValue >= 0 && Number.isFinite(fieldValue))) {
      throw new Error(`${at} must be a number of at least 0`);
    }
    if (field === 'status' && !(Number.isInteger(fieldValue) && (fieldValue as number) >= 400 && (fieldValue as number) <= 599)) {
      throw new Error(`${at} must be an HTTP error status such as 500, 502, 503 or 429`);
    }
    if ((field === 'failFirst' || field === 'seed') && !(Number.isInteger(fieldValue) && (fieldValue as number) >= 0)) {
      throw new Error(`${at} must be a whole number of at least 0`);
    }
    if (field === 'malformed' && fieldValue !== 'truncated' && fieldValue !== 'html') throw new Error(`${at} must be "truncated" or "html"`);
    if (field === 'outage' && typeof fieldValue !== 'boolean') throw new Error(`${at} must be true or false`);
  }
  return { ...spec } as FaultSpec;
}

/** Parses SANDBOX_FAULTS, e.g. {"OPENPROVIDER":{"errorRate":1,"status":503}}; throws with a one-line reason on a bad shape. */
export function parseFaults(text: string | null | undefined): FaultsByProvider {
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('SANDBOX_FAULTS must be a JSON object keyed by provider');
  const faults: FaultsByProvider = {};
  for (const [provider, spec] of Object.entries(value)) {
    if (!(PROVIDERS as readonly string[]).includes(provider)) throw new Error(`SANDBOX_FAULTS: ${provider} is not a provider (${PROVIDERS.join(', ')})`);
    faults[provider as Provider] = checkFaultSpec(spec, `SANDBOX_FAULTS.${provider}`);
  }
  return faults;
}

