import type { SimulatorOptions } from './simulator-options.js';
import { SimulatorServer } from './simulator-server.js';

/** Sandbox credentials and address the gateway uses for this simulator. */
export interface RealtimeRegisterEndpoint {
  baseUrl: string;
  apiKey: string;
  customer: string;
  webhookSecret: string;
}

/** REALTIME_REGISTER simulator — wire format and seed come with its provider's issue. */
export class RealtimeRegisterSimulator {
  readonly server: SimulatorServer;

  constructor(private readonly options: SimulatorOptions) {
    this.server = new SimulatorServer('REALTIME_REGISTER', () => ({ status: 501, body: { message: 'This simulator is not built yet.' } }));
  }

  endpoint(): RealtimeRegisterEndpoint {
    return { baseUrl: this.server.url, apiKey: 'sandbox-rtr-api-key', customer: 'sandbox', webhookSecret: 'sandbox-rtr-webhook-secret' };
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}
