import type { Logger } from '../observability/logger.js';
import type { Stores } from '../store/index.js';
import type { ProviderHttp } from './http.js';

/** What every provider client is built with. */
export interface ProviderClientDeps {
  http: ProviderHttp;
  stores: Stores;
  logger: Logger;
}
