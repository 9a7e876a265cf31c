import type { SimulatorOptions } from './simulator-options.js';
import { SimulatorServer } from './simulator-server.js';

/** Sandbox credentials and address the gateway uses for this simulator. */
export interface DomainNameApiEndpoint {
  baseUrl: string;
  username: string;
  password: string;
  contactServicePath: string;
}

/** DOMAIN_NAME_API simulator — wire format and seed come with its provider's issue. */
export class DomainNameApiSimulator {
  readonly server: SimulatorServer;

  constructor(private readonly options: SimulatorOptions) {
    this.server = new SimulatorServer('DOMAIN_NAME_API', () => ({ status: 501, body: { message: 'This simulator is not built yet.' } }));
  }

  endpoint(): DomainNameApiEndpoint {
    return { baseUrl: this.server.url, username: 'sandbox', password: 'sandbox-dna-password', contactServicePath: '/ContactApi.svc' };
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}
