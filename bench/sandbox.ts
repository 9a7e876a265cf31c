import type { FaultSpec } from '../src/sandbox/faults.js';
import { parseFaults } from '../src/sandbox/faults.js';
import type { Sandbox } from '../src/sandbox/index.js';
import { DomainNameApiSimulator } from '../src/sandbox/domain-name-api.js';
import { OpenproviderSimulator } from '../src/sandbox/openprovider.js';
import { RealtimeRegisterSimulator } from '../src/sandbox/realtime-register.js';
import { VeriffSimulator } from '../src/sandbox/veriff.js';

/** How the bench's simulators differ from `npm run sandbox`: more seeded contacts, and faults (latency) for all. */
export interface BenchSandboxOptions {
  /** Realtime Register contacts rtr-0001 ... Default 1000 (the dashboard bench reads up to 1000). */
  realtimeRegisterContacts?: number;
  /** Openprovider handles OP000001-NL ... Default 1000. Domain Name API always has its 200 (DNA-1001 ... DNA-1200). */
  openproviderHandles?: number;
  /** Faults for every simulator, e.g. { latencyMs: 20 }; SANDBOX_FAULTS (keyed by provider) is applied on top. */
  faults?: FaultSpec;
  /** Where simulators push webhooks (the gateway, once it listens). */
  gatewayUrl?: () => string | null;
}

/**
 * The four simulators on free loopback ports, shaped like startSandbox()'s Sandbox so a gateway can run on them
 * (GatewayOptions.sandbox.existing). Built here rather than with startSandbox because the bench needs 1000 contacts
 * per provider and the standard sandbox seeds 500 (Realtime Register) and 900 (Openprovider).
 */
export async function startBenchSandbox(options: BenchSandboxOptions = {}): Promise<Sandbox> {
  const perProvider = parseFaults(process.env.SANDBOX_FAULTS);
  const base = { gatewayUrl: options.gatewayUrl ?? (() => null), seed: 1, log: () => {} };
  const sandbox = {
    realtimeRegister: new RealtimeRegisterSimulator({ ...base, contactCount: options.realtimeRegisterContacts ?? 1000, asyncShare: 0 }),
    openprovider: new OpenproviderSimulator({ ...base, handles: options.openproviderHandles ?? 1000 }),
    domainNameApi: new DomainNameApiSimulator(base),
    veriff: new VeriffSimulator({ ...base, decisionDelayMs: 100 }),
  };
  const all = Object.values(sandbox);
  await Promise.all(all.map((simulator) => simulator.start()));
  for (const simulator of all) simulator.server.setFaults({ ...(options.faults ?? {}), ...(perProvider[simulator.server.provider] ?? {}) });
  return {
    ...sandbox,
    endpoints: () => ({
      realtimeRegister: sandbox.realtimeRegister.endpoint(),
      openprovider: sandbox.openprovider.endpoint(),
      domainNameApi: sandbox.domainNameApi.endpoint(),
      veriff: sandbox.veriff.endpoint(),
    }),
    stop: async () => {
      await Promise.all(all.map((simulator) => simulator.stop()));
    },
  };
}
