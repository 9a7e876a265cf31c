import process from 'node:process';
import { loadConfig } from '../src/config.js';
import { createGateway } from '../src/gateway.js';
import { createLogger } from '../src/observability/logger.js';
import { startBenchSandbox } from './sandbox.js';

/**
 * A gateway in its own process for the load and fan-out benches: the real createGateway, sandbox mode, on the bench
 * simulators (in this process, as `npm start` runs them). Environment as for `npm start`, plus:
 * - CACHE_MAX_ENTRIES: in-memory cache size (GatewayOptions.cacheMaxEntries); the cache-miss bench sets it tiny.
 * - BENCH_UPSTREAM_LATENCY_MS: latency every simulator adds to each answer (default 0).
 * Prints `READY {"url": ...}` on stdout once it serves; SIGTERM stops it; SIGUSR2 runs a full GC (with --expose-gc).
 */
const latencyMs = Number(process.env.BENCH_UPSTREAM_LATENCY_MS ?? 0);
const cacheMaxEntries = process.env.CACHE_MAX_ENTRIES ? Number(process.env.CACHE_MAX_ENTRIES) : undefined;
const config = { ...loadConfig(process.env), port: Number(process.env.PORT ?? 0) };
let url: string | null = null;
const sandbox = await startBenchSandbox({ faults: latencyMs > 0 ? { latencyMs } : {}, gatewayUrl: () => url });
const gateway = createGateway(config, {
  logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
  sandbox: { existing: sandbox },
  ...(cacheMaxEntries ? { cacheMaxEntries } : {}),
});
await gateway.start();
url = gateway.url;
// The sandbox webhook secret is a published constant of the simulator; the fan-out bench signs its webhooks with it.
process.stdout.write(`READY ${JSON.stringify({ url: gateway.url, realtimeRegisterWebhookSecret: sandbox.realtimeRegister.endpoint().webhookSecret })}\n`);

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
