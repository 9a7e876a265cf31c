import type { VeriffConfig } from '../../config.js';
import type { ProviderClientDeps } from '../client-deps.js';

/** Wire calls to Veriff; every call goes through the shared ProviderHttp in deps.http. */
export class VeriffClient {
  constructor(
    readonly config: VeriffConfig,
    private readonly deps: ProviderClientDeps,
  ) {}
}
