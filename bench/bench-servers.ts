import type { SandboxEndpoints } from '../src/sandbox/index.js';
import { startServer, type Server } from './server-process.js';

/** Gateway settings for every bench gateway: no caller rate limits (one client IP), room for a 1000-contact query. */
export const GATEWAY_ENV = {
  RATE_LIMIT_PER_MINUTE: '0',
  WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
  GRAPHQL_MAX_COST: '100000000',
  EMAIL_WATCH_INTERVAL_MS: '3600000',
  LOG_LEVEL: 'warn',
};

/** The simulators in their own process (bench/simulator-server.ts). */
export interface Simulators extends Server {
  /** The Realtime Register simulator (its /__control/bench-calls counts contact reads). */
  realtimeRegisterUrl: string;
  endpoints: SandboxEndpoints;
  /** Sets the latency every Realtime Register answer waits (POST /__control/faults). */
  setLatency(ms: number): Promise<void>;
}

export async function startSimulators(latencyMs = 0): Promise<Simulators> {
  const server = await startServer({ args: ['--import', 'tsx', 'bench/simulator-server.ts'], env: { BENCH_UPSTREAM_LATENCY_MS: String(latencyMs) } });
  const realtimeRegisterUrl = server.info.url as string;
  return {
    ...server,
    realtimeRegisterUrl,
    endpoints: server.info.endpoints as SandboxEndpoints,
    async setLatency(ms: number) {
      const response = await fetch(`${realtimeRegisterUrl}/__control/faults`, { method: 'POST', body: JSON.stringify(ms > 0 ? { latencyMs: ms } : {}) });
      if (response.status !== 200) throw new Error(`setting the simulator's latency failed: ${response.status} ${await response.text()}`);
    },
  };
}

/** bench/floor-server.ts: bare graphql-yoga answering `{ __typename }`. */
export function startFloor(): Promise<Server> {
  return startServer({ args: ['--import', 'tsx', 'bench/floor-server.ts'] });
}

/**
 * Our gateway (bench/gateway-server.ts) in its own process. With `simulators`, it reads from them (in their own
 * process); without, it runs the bench simulators in its process, as `npm start` does.
 */
export function startOurGateway(options: { simulators?: Simulators; env?: Record<string, string>; nodeFlags?: string[] } = {}): Promise<Server> {
  return startServer({
    args: ['--import', 'tsx', 'bench/gateway-server.ts'],
    env: { ...GATEWAY_ENV, ...options.env, ...(options.simulators ? { BENCH_SIMULATORS: JSON.stringify(options.simulators.endpoints) } : {}) },
    nodeFlags: options.nodeFlags ?? [],
  });
}
