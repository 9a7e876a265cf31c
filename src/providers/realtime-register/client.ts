import type { RealtimeRegisterConfig } from '../../config.js';
import type { ProviderClientDeps } from '../client-deps.js';

/** Wire calls to RealtimeRegister; every call goes through the shared ProviderHttp in deps.http. */
export class RealtimeRegisterClient {
  constructor(
    readonly config: RealtimeRegisterConfig,
    private readonly deps: ProviderClientDeps,
  ) {}
}
