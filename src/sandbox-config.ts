import type { Config } from './config.js';
import type { SandboxEndpoints } from './sandbox/index.js';

/** Points every provider at its simulator with the sandbox credentials (sandbox/ may not import config). */
export function withSandboxEndpoints(config: Config, endpoints: SandboxEndpoints): Config {
  return {
    ...config,
    providers: {
      realtimeRegister: { ...endpoints.realtimeRegister, pollIntervalMs: 2000 },
      openprovider: endpoints.openprovider,
      domainNameApi: endpoints.domainNameApi,
      veriff: { ...endpoints.veriff, previousSharedSecret: null, registryMode: config.sandboxRegistryMode },
    },
  };
}
