import type { CircuitState, Provider, ProviderMode } from '../domain/providers.js';
import { PROVIDERS } from '../domain/providers.js';
import type { ProviderClients } from '../providers/clients.js';

export interface ProviderStatus {
  provider: Provider;
  mode: ProviderMode;
  baseUrl: string | null;
  circuit: CircuitState;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** Mode, base URL and health of each provider, read from the HTTP layer (no upstream call). */
export function providerStatuses(clients: ProviderClients): ProviderStatus[] {
  return PROVIDERS.map((provider) => {
    const http = clients.http[provider];
    return {
      provider,
      mode: clients.modes[provider],
      baseUrl: clients.baseUrls[provider] ?? null,
      circuit: http?.circuit ?? 'CLOSED',
      lastError: http?.lastError?.message ?? null,
      lastErrorAt: http?.lastError?.at ?? null,
    };
  });
}
