import { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import type { TestGateway } from './gateway.js';
import { startTestGateway } from './gateway.js';

/**
 * A live-mode gateway with only Realtime Register configured, pointing at its own simulator (the other providers
 * DISABLED), polling off unless `env` says otherwise, and one API key `ops-key-12345` with every scope.
 */
export async function startRealtimeRegisterOnly(options: {
  /** The simulator's options but where it pushes notifications: to this gateway's webhook. */
  simulator: Omit<ConstructorParameters<typeof RealtimeRegisterSimulator>[0], 'gatewayUrl'>;
  env?: Record<string, string>;
}): Promise<{ simulator: RealtimeRegisterSimulator; gateway: TestGateway; stop(): Promise<void> }> {
  let gateway: TestGateway | null = null;
  const simulator = new RealtimeRegisterSimulator({ ...options.simulator, gatewayUrl: () => gateway?.url ?? null });
  await simulator.start();
  const { baseUrl, apiKey, customer, webhookSecret } = simulator.endpoint();
  gateway = await startTestGateway({
    env: {
      REALTIME_REGISTER_API_KEY: apiKey,
      REALTIME_REGISTER_CUSTOMER: customer,
      REALTIME_REGISTER_BASE_URL: baseUrl,
      REALTIME_REGISTER_WEBHOOK_SECRET: webhookSecret,
      REALTIME_REGISTER_POLL: 'off',
      GATEWAY_API_KEYS: 'ops=ops-key-12345:*',
      ...options.env,
    },
  });
  const started = gateway;
  return {
    simulator,
    gateway: started,
    async stop() {
      await started.stop();
      await simulator.stop();
    },
  };
}
