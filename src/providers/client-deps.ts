import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Stores } from '../store/index.js';
import type { ProviderHttp } from './http.js';

/** What every provider client is built with. */
export interface ProviderClientDeps {
  http: ProviderHttp;
  stores: Stores;
  logger: Logger;
  /** For provider-specific series (e.g. realtime-register-metrics.ts); absent in tests that build a client alone. */
  metrics?: GatewayMetrics;
}
