import type { FaultSpec } from './faults.js';

/** What every simulator is built with. */
export interface SimulatorOptions {
  /** The gateway's base URL once it listens, for simulators that push webhooks; null when none is running. */
  gatewayUrl: () => string | null;
  /** Faults to start with. */
  faults?: FaultSpec;
  /** Seeded randomness so the sandbox data is the same on every run. */
  seed?: number;
  /** Progress lines (e.g. a webhook delivery failed and will be retried). */
  log?: (message: string) => void;
}
