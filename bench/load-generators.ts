import { runJson } from './server-process.js';

/** What one load run measured (bench/load.mjs and bench/paced.mjs print this). */
export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  /**
   * Every request sent while the run lasted: autocannon's count (those still in flight at the end included, the server
   * worked on them), paced.mjs's with its warm-up. The denominator of the per-request figures.
   */
  sent?: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** HTTP 200 answers that carried GraphQL errors. */
  graphqlErrors: number;
  sampleError: string | null;
}

export interface ClosedLoop {
  durationS: number;
  connections: number;
  /** autocannon's overallRate (see bench/README.md "Fixed rate": not the row to read). */
  overallRate?: number;
  /** Sent with every request (our gateway's rows: the API key). */
  headers?: Record<string, string>;
}

/** Closed-loop load: one autocannon run in its own process (bench/load.mjs), bodies cycled one per request. */
export function autocannon(url: string, bodies: string[], options: ClosedLoop): Promise<LoadResult> {
  const spec = { url: `${url}/graphql`, bodies, connections: options.connections, durationS: options.durationS, overallRate: options.overallRate, headers: options.headers };
  return runJson<LoadResult>(['bench/load.mjs', JSON.stringify(spec)], (options.durationS + 30) * 1000);
}

/** Open-loop fixed-rate load (bench/paced.mjs): evenly spaced sends, latency from the scheduled time. */
export function paced(url: string, bodies: string[], options: PacedLoad): Promise<LoadResult> {
  const spec = { url: `${url}/graphql`, bodies, ratePerSecond: options.ratePerSecond, durationS: options.durationS, connections: 50, headers: options.headers };
  return runJson<LoadResult>(['bench/paced.mjs', JSON.stringify(spec)], (options.durationS + 30) * 1000);
}

/** The same open loop of GETs of `paths` (cycled) on `origin`: an upstream's own answer time at that rate. */
export function pacedGets(origin: string, paths: string[], options: PacedLoad): Promise<LoadResult> {
  const spec = { url: origin, bodies: [], paths, ratePerSecond: options.ratePerSecond, durationS: options.durationS, connections: 50, headers: options.headers };
  return runJson<LoadResult>(['bench/paced.mjs', JSON.stringify(spec)], (options.durationS + 30) * 1000);
}

interface PacedLoad {
  ratePerSecond: number;
  durationS: number;
  headers?: Record<string, string>;
}
