import type { FaultSpec } from '../src/sandbox/faults.js';
import { parseFaults } from '../src/sandbox/faults.js';
import type { Sandbox } from '../src/sandbox/index.js';
import { startSandbox } from '../src/sandbox/index.js';
import { PROVIDERS } from '../src/domain/providers.js';

/** How the bench's simulators differ from `npm run sandbox`: more seeded contacts, and faults (latency) for all. */
export interface BenchSandboxOptions {
  /** Realtime Register contacts rtr-0001 ... Default 1000 (the dashboard bench reads up to 1000). */
  realtimeRegisterContacts?: number;
  /** Openprovider handles OP000001-NL ... Default 1000. */
  openproviderHandles?: number;
  /** Domain Name API contacts DNA-1001 ... Default 1000 (the sandbox has 200). */
  domainNameApiContacts?: number;
  /** Faults for every simulator, e.g. { latencyMs: 20 }; SANDBOX_FAULTS (keyed by provider) is applied on top. */
  faults?: FaultSpec;
  /** Where simulators push webhooks (the gateway, once it listens). */
  gatewayUrl?: () => string | null;
}

/**
 * The sandbox's simulators with the bench's seed sizes (1000 contacts per provider; the standard sandbox seeds 500
 * at Realtime Register, 900 at Openprovider and 200 at Domain Name API), the same faults for every provider, and no
 * 202s.
 */
export function startBenchSandbox(options: BenchSandboxOptions = {}): Promise<Sandbox> {
  const perProvider = parseFaults(process.env.SANDBOX_FAULTS);
  return startSandbox({
    gatewayUrl: options.gatewayUrl ?? (() => null),
    faults: Object.fromEntries(PROVIDERS.map((provider) => [provider, { ...(options.faults ?? {}), ...(perProvider[provider] ?? {}) }])),
    veriffDecisionDelayMs: 100,
    realtimeRegister: { contactCount: options.realtimeRegisterContacts ?? 1000, asyncShare: 0 },
    openprovider: { handles: options.openproviderHandles ?? 1000 },
    domainNameApi: { contactCount: options.domainNameApiContacts ?? 1000 },
  });
}
