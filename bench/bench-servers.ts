import { execFile } from 'node:child_process';
import process from 'node:process';
import type { SandboxEndpoints } from '../src/sandbox/index.js';
import { ROOT, startServer, type Server } from './server-process.js';

/** Gateway settings for every bench gateway: no caller rate limits (one client IP), room for a 1000-contact query. */
export const GATEWAY_ENV = {
  RATE_LIMIT_PER_MINUTE: '0',
  WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
  GRAPHQL_MAX_COST: '100000000',
  EMAIL_WATCH_INTERVAL_MS: '3600000',
  LOG_LEVEL: 'warn',
};

/** The API key the load and peer rows send to our gateway (PRODUCTION_CALLER_ENV). */
export const BENCH_API_KEY = 'bench-dashboard-key-0001';
/** The headers every request of the load and peer rows carries to our gateway. */
export const CALLER_HEADERS: Record<string, string> = { authorization: `Bearer ${BENCH_API_KEY}` };

/**
 * How the load and peer rows run our gateway: as in production, callers need a named key with scopes, so every request
 * is authenticated, its scopes checked and the per-caller rate limit taken (without a key the sandbox is open and all
 * three are skipped), and every upstream call is drawn from the key's per-minute budget. The budgets have the default's
 * shape (RATE_LIMIT_* makes 10 s windows, as 600 a minute with a burst of 100 does) and room the bench never uses up.
 */
export const PRODUCTION_CALLER_ENV = {
  GATEWAY_API_KEYS: `bench-dashboard=${BENCH_API_KEY}:contacts:read,email:read,registry:read,events:read`,
  RATE_LIMIT_PER_MINUTE: '60000000',
  RATE_LIMIT_BURST: '10000000',
  UPSTREAM_CALLS_PER_MINUTE: '100000000',
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
 * Our gateway (bench/gateway-server.ts) in its own process, bundled as `npm start` runs it (dist/bench/gateway-server.js,
 * one file like dist/src/main.js: no TypeScript loader on the request path). With `simulators`, it reads from them (in their own
 * process); without, it runs the bench simulators in its process, as `npm start` does.
 */
export async function startOurGateway(options: { simulators?: Simulators; env?: Record<string, string>; nodeFlags?: string[] } = {}): Promise<Server> {
  await compileOnce();
  return startServer({
    args: ['dist/bench/gateway-server.js'],
    env: { ...GATEWAY_ENV, ...options.env, ...(options.simulators ? { BENCH_SIMULATORS: JSON.stringify(options.simulators.endpoints) } : {}) },
    nodeFlags: options.nodeFlags ?? [],
  });
}

let compiled: Promise<void> | null = null;

/** `npm run build` plus the bench's modules (scripts/build.mjs --bench), once per bench run, before the first gateway. */
function compileOnce(): Promise<void> {
  compiled ??= new Promise((resolve, reject) => {
    execFile(process.execPath, ['scripts/build.mjs', '--bench'], { cwd: ROOT }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`compiling the gateway failed (node scripts/build.mjs --bench):\n${stderr}`));
      else resolve();
    });
  });
  return compiled;
}
