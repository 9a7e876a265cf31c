import type { Config } from '../config.js';
import type { Provider, ProviderMode } from '../domain/providers.js';
import { PROVIDERS } from '../domain/providers.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Logger } from '../observability/logger.js';
import type { Stores } from '../store/index.js';
import { DomainNameApiClient } from './domain-name-api/client.js';
import { ProviderHttp } from './http.js';
import type { ProviderHttpOptions } from './http.js';
import { OpenproviderClient } from './openprovider/client.js';
import { RealtimeRegisterClient } from './realtime-register/client.js';
import { CONNECTIONS as REALTIME_REGISTER_CONNECTIONS } from './realtime-register/assumptions.js';
import { VeriffClient } from './veriff/client.js';

/** The configured provider clients; null where a provider is DISABLED. */
export interface ProviderClients {
  realtimeRegister: RealtimeRegisterClient | null;
  openprovider: OpenproviderClient | null;
  domainNameApi: DomainNameApiClient | null;
  veriff: VeriffClient | null;
  /** The HTTP layer per provider, for status (circuit, last error). */
  http: Partial<Record<Provider, ProviderHttp>>;
  modes: Record<Provider, ProviderMode>;
  baseUrls: Partial<Record<Provider, string>>;
  close(): Promise<void>;
}

export interface ProviderClientsOptions {
  config: Config;
  metrics: GatewayMetrics;
  logger: Logger;
  stores: Stores;
  /** SANDBOX for the built-in simulators, LIVE otherwise. */
  configuredMode: Exclude<ProviderMode, 'DISABLED'>;
  /** Per-call deadline; tests shorten it. */
  deadlineMs?: number;
  /** Circuit breaker settings for every provider (ProviderHttpOptions.breaker). */
  breaker?: ProviderHttpOptions['breaker'];
}

export function createProviderClients(options: ProviderClientsOptions): ProviderClients {
  const { config, metrics, logger, stores } = options;
  const http: Partial<Record<Provider, ProviderHttp>> = {};
  const baseUrls: Partial<Record<Provider, string>> = {};
  /** Layers besides each provider's main one (closed with them; not shown in provider status). */
  const extraLayers: ProviderHttp[] = [];
  const newHttp = (provider: Provider, baseUrl: string, connections?: number) =>
    new ProviderHttp({ provider, baseUrl, metrics, deadlineMs: options.deadlineMs ?? 10_000, breaker: options.breaker, connections });
  const layer = (provider: Provider, baseUrl: string, connections?: number) => {
    baseUrls[provider] = baseUrl;
    const created = newHttp(provider, baseUrl, connections);
    http[provider] = created;
    return { http: created, stores, logger: logger.child({ provider }), metrics };
  };
  const extraLayer = (provider: Provider, baseUrl: string) => {
    const created = newHttp(provider, baseUrl);
    extraLayers.push(created);
    return created;
  };
  const { realtimeRegister, openprovider, domainNameApi, veriff } = config.providers;
  const clients = {
    realtimeRegister: realtimeRegister ? new RealtimeRegisterClient(realtimeRegister, layer('REALTIME_REGISTER', realtimeRegister.baseUrl, REALTIME_REGISTER_CONNECTIONS)) : null,
    openprovider: openprovider ? new OpenproviderClient(openprovider, layer('OPENPROVIDER', openprovider.baseUrl)) : null,
    domainNameApi: domainNameApi ? new DomainNameApiClient(domainNameApi, layer('DOMAIN_NAME_API', domainNameApi.baseUrl)) : null,
    // Veriff's sync endpoint lives on another host: in sync mode the main layer points there (the client posts to the
    // same path), and the decision endpoint, on the station host in either mode, gets a layer of its own.
    veriff: veriff
      ? veriff.registryMode === 'sync'
        ? new VeriffClient(veriff, layer('VERIFF', veriff.syncBaseUrl), extraLayer('VERIFF', veriff.baseUrl))
        : new VeriffClient(veriff, layer('VERIFF', veriff.baseUrl))
      : null,
  };
  const modes = Object.fromEntries(
    PROVIDERS.map((provider) => [provider, http[provider] ? options.configuredMode : 'DISABLED']),
  ) as Record<Provider, ProviderMode>;
  return {
    ...clients,
    http,
    modes,
    baseUrls,
    close: async () => {
      await Promise.all([...Object.values(http), ...extraLayers].map((layerHttp) => layerHttp.close()));
    },
  };
}
