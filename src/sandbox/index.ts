import type { FaultsByProvider } from './faults.js';
import type { DomainNameApiEndpoint, DomainNameApiSimulatorOptions } from './domain-name-api.js';
import { DomainNameApiSimulator } from './domain-name-api.js';
import type { OpenproviderEndpoint, OpenproviderSimulatorOptions } from './openprovider.js';
import { OpenproviderSimulator } from './openprovider.js';
import type { RealtimeRegisterEndpoint, RealtimeRegisterSimulatorOptions } from './realtime-register.js';
import { RealtimeRegisterSimulator } from './realtime-register.js';
import type { SimulatorOptions } from './simulator-options.js';
import type { VeriffEndpoint, VeriffSimulatorOptions } from './veriff.js';
import { VeriffSimulator } from './veriff.js';

export interface SandboxOptions {
  gatewayUrl?: () => string | null;
  faults?: FaultsByProvider;
  seed?: number;
  log?: (message: string) => void;
  /** Per-simulator extras (e.g. the Veriff decision delay), passed through to that simulator. */
  veriffDecisionDelayMs?: number;
  /** Realtime Register simulator extras, e.g. short webhookRetryDelaysMs for tests of redelivery. */
  realtimeRegister?: Pick<
    RealtimeRegisterSimulatorOptions,
    'webhookRetryDelaysMs' | 'asyncShare' | 'pushWebhooks' | 'seedDenicRequests' | 'contactCount' | 'signatureReading' | 'webhookBasic' | 'errorVocabulary'
  >;
  /** Openprovider simulator extras, e.g. more seeded handles for the bench. */
  openprovider?: Pick<OpenproviderSimulatorOptions, 'handles'>;
  /** Domain Name API simulator extras, e.g. more seeded contacts for the bench (default 200). */
  domainNameApi?: Pick<DomainNameApiSimulatorOptions, 'contactCount'>;
  /** Veriff simulator extras, e.g. short webhookRetryDelaysMs, lost webhooks, mis-signed answers. */
  veriff?: Pick<VeriffSimulatorOptions, 'webhookRetryDelaysMs' | 'dropWebhooks' | 'answerSignature'>;
}

export interface SandboxEndpoints {
  realtimeRegister: RealtimeRegisterEndpoint;
  openprovider: OpenproviderEndpoint;
  domainNameApi: DomainNameApiEndpoint;
  veriff: VeriffEndpoint;
}

/** The four provider simulators on free loopback ports, with their sandbox credentials. */
export interface Sandbox {
  realtimeRegister: RealtimeRegisterSimulator;
  openprovider: OpenproviderSimulator;
  domainNameApi: DomainNameApiSimulator;
  veriff: VeriffSimulator;
  endpoints(): SandboxEndpoints;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const base = (faults: FaultsByProvider[keyof FaultsByProvider]): SimulatorOptions => ({
    gatewayUrl: options.gatewayUrl ?? (() => null),
    ...(faults ? { faults } : {}),
    seed: options.seed ?? 1,
    log: options.log ?? (() => {}),
  });
  const faults = options.faults ?? {};
  const sandbox = {
    realtimeRegister: new RealtimeRegisterSimulator({ ...base(faults.REALTIME_REGISTER), ...options.realtimeRegister }),
    openprovider: new OpenproviderSimulator({ ...base(faults.OPENPROVIDER), ...options.openprovider }),
    domainNameApi: new DomainNameApiSimulator({ ...base(faults.DOMAIN_NAME_API), ...options.domainNameApi }),
    veriff: new VeriffSimulator({ ...base(faults.VERIFF), ...options.veriff, decisionDelayMs: options.veriffDecisionDelayMs ?? 1500 }),
  };
  const all = Object.values(sandbox);
  await Promise.all(all.map((simulator) => simulator.start()));
  for (const simulator of all) simulator.server.setFaults({ ...simulator.server.getFaults(), ...(faults[simulator.server.provider] ?? {}) });
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
