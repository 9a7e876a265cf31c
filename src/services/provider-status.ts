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

/**
 * Mode, base URL and health of each provider, read from the HTTP layer (no upstream call). An Openprovider IP or
 * account block (or its calls limit) shows as an OPEN circuit with the block's fix as lastError: the gateway is not
 * calling Openprovider, whatever the HTTP breaker says.
 */
export function providerStatuses(clients: ProviderClients): ProviderStatus[] {
  return PROVIDERS.map((provider) => {
    const http = clients.http[provider];
    const block = provider === 'OPENPROVIDER' ? clients.openprovider?.block.current : null;
    if (block) {
      return {
        provider,
        mode: clients.modes[provider],
        baseUrl: clients.baseUrls[provider] ?? null,
        circuit: 'OPEN',
        lastError: block.message,
        lastErrorAt: new Date(block.since).toISOString(),
      };
    }
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
