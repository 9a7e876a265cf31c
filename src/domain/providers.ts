/** The upstream APIs the gateway unifies, in the contract's enum order. */
export const PROVIDERS = ['REALTIME_REGISTER', 'DOMAIN_NAME_API', 'OPENPROVIDER', 'VERIFF'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** How the gateway reaches a provider: real API, built-in simulator, or not at all. */
export type ProviderMode = 'LIVE' | 'SANDBOX' | 'DISABLED';

export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** Human names, for messages. */
export const PROVIDER_LABEL: Record<Provider, string> = {
  REALTIME_REGISTER: 'Realtime Register',
  DOMAIN_NAME_API: 'Domain Name API',
  OPENPROVIDER: 'Openprovider',
  VERIFF: 'Veriff',
};
