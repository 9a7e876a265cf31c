import type { DomainNameApiConfig } from '../../config.js';
import type { ProviderClientDeps } from '../client-deps.js';

/** Wire calls to DomainNameApi; every call goes through the shared ProviderHttp in deps.http. */
export class DomainNameApiClient {
  constructor(
    readonly config: DomainNameApiConfig,
    private readonly deps: ProviderClientDeps,
  ) {}
}
