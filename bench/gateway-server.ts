import process from 'node:process';
import { loadConfig } from '../src/config.js';
import { createGateway } from '../src/gateway.js';
import { createLogger } from '../src/observability/logger.js';
import type { Sandbox, SandboxEndpoints } from '../src/sandbox/index.js';
import { startBenchSandbox } from './sandbox.js';

/**
 * A gateway in its own process for the load, peer and fan-out benches: the real createGateway, sandbox mode. Environment
 * as for `npm start`, plus:
 * - BENCH_SIMULATORS: the endpoints JSON of bench/simulator-server.ts: read from those simulators (in their own
 *   process). Without it the bench simulators run in this process, as `npm start` runs them.
 * - CACHE_MAX_ENTRIES: in-memory cache size (GatewayOptions.cacheMaxEntries); the cache-miss bench sets it tiny.
 * - BENCH_UPSTREAM_LATENCY_MS: latency the in-process simulators add to each answer (default 0).
 * Prints `READY {"url": ...}` on stdout once it serves; SIGTERM stops it; SIGUSR2 runs a full GC (with --expose-gc).
 */
const latencyMs = Number(process.env.BENCH_UPSTREAM_LATENCY_MS ?? 0);
const cacheMaxEntries = process.env.CACHE_MAX_ENTRIES ? Number(process.env.CACHE_MAX_ENTRIES) : undefined;
const remote = process.env.BENCH_SIMULATORS ? (JSON.parse(process.env.BENCH_SIMULATORS) as SandboxEndpoints) : null;
const config = { ...loadConfig(process.env), port: Number(process.env.PORT ?? 0) };
let url: string | null = null;
const sandbox = remote ? remoteSandbox(remote) : await startBenchSandbox({ faults: latencyMs > 0 ? { latencyMs } : {}, gatewayUrl: () => url });
const gateway = createGateway(config, {
  logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
  sandbox: { existing: sandbox },
  ...(cacheMaxEntries ? { cacheMaxEntries } : {}),
});
await gateway.start();
url = gateway.url;
// The sandbox webhook secret is a published constant of the simulator; the fan-out bench signs its webhooks with it.
process.stdout.write(`READY ${JSON.stringify({ url: gateway.url, realtimeRegisterWebhookSecret: sandbox.endpoints().realtimeRegister.webhookSecret })}\n`);

const stop = (): void => {
  void gateway
    .stop()
    .then(() => sandbox.stop())
    .finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The fan-out bench reads memory after a full GC (started with --expose-gc); nothing else sends this signal.
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());

/**
 * Simulators running in another process. A gateway given `sandbox.existing` reads only its endpoints() (and leaves it
 * running on stop); the simulator objects themselves live in that other process, so this stands in for them.
 */
function remoteSandbox(endpoints: SandboxEndpoints): Sandbox {
  const stand: Pick<Sandbox, 'endpoints' | 'stop'> = { endpoints: () => endpoints, stop: async () => {} };
  return stand as Sandbox;
}
