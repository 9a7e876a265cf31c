import type { SimulatorOptions } from './simulator-options.js';
import { SimulatorServer } from './simulator-server.js';

/** Sandbox credentials and address the gateway uses for this simulator. */
export interface OpenproviderEndpoint {
  baseUrl: string;
  username: string;
  password: string;
}

/** OPENPROVIDER simulator — wire format and seed come with its provider's issue. */
export class OpenproviderSimulator {
  readonly server: SimulatorServer;

  constructor(private readonly options: SimulatorOptions) {
    this.server = new SimulatorServer('OPENPROVIDER', () => ({ status: 501, body: { message: 'This simulator is not built yet.' } }));
  }

  endpoint(): OpenproviderEndpoint {
    return { baseUrl: this.server.url, username: 'sandbox', password: 'sandbox-op-password' };
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}
