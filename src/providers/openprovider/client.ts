import type { OpenproviderConfig } from '../../config.js';
import type { ProviderClientDeps } from '../client-deps.js';

/** Wire calls to Openprovider; every call goes through the shared ProviderHttp in deps.http. */
export class OpenproviderClient {
  constructor(
    readonly config: OpenproviderConfig,
    private readonly deps: ProviderClientDeps,
  ) {}
}
