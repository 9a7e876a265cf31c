import type { SimulatorOptions } from './simulator-options.js';
import { SimulatorServer } from './simulator-server.js';

/** Sandbox credentials and address the gateway uses for this simulator. */
export interface VeriffEndpoint {
  baseUrl: string;
  syncBaseUrl: string;
  apiKey: string;
  sharedSecret: string;
}

/** VERIFF simulator — wire format and seed come with its provider's issue. */
export class VeriffSimulator {
  readonly server: SimulatorServer;

  constructor(private readonly options: SimulatorOptions & { decisionDelayMs: number }) {
    this.server = new SimulatorServer('VERIFF', () => ({ status: 501, body: { message: 'This simulator is not built yet.' } }));
  }

  endpoint(): VeriffEndpoint {
    return { baseUrl: this.server.url, syncBaseUrl: this.server.url, apiKey: 'sandbox-veriff-api-key', sharedSecret: 'sandbox-veriff-shared-secret' };
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}
