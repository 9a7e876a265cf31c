import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { ProviderClients } from '../providers/clients.js';
import type { Stores } from '../store/index.js';
import type { EventService } from './events.js';

/** Everything a service may use. Services never import schema/ or gateway code. */
export interface ServiceDeps {
  config: Config;
  stores: Stores;
  clients: ProviderClients;
  metrics: GatewayMetrics;
  logger: Logger;
  events: EventService;
}
