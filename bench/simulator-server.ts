import process from 'node:process';
import type { RecordedRequest } from '../src/sandbox/simulator-server.js';
import { startBenchSandbox } from './sandbox.js';

/**
 * The bench simulators (bench/sandbox.ts: 1000 contacts) in their own process, for the load rows: a gateway under
 * load then holds only what a production gateway holds (its CPU, allocations, GC and heap are its own, the simulator
 * being the upstream), and the simulator's latency timer does not fire late because the gateway's event loop is busy.
 * Every gateway of the load and peer parts (ours and Hive Gateway) reads from these.
 *
 * Environment: BENCH_UPSTREAM_LATENCY_MS (default 0); change it later with POST <simulator>/__control/faults.
 * Prints `READY {"endpoints": {...}}` (the sandbox endpoints, for bench/gateway-server.ts's BENCH_SIMULATORS).
 * GET <Realtime Register simulator>/__control/bench-calls answers `{contactReads, requests}`: the contact reads and
 * all requests it has served since start (counted, not kept). SIGTERM stops it.
 */
const latencyMs = Number(process.env.BENCH_UPSTREAM_LATENCY_MS ?? 0);
const sandbox = await startBenchSandbox({ faults: latencyMs > 0 ? { latencyMs } : {} });

// Counting every request while keeping only a few: the request log (SimulatorServer.requests) is a bounded list for
// tests, and at bench rates it would grow this process's heap and then drop entries. A bench-only tap on its push.
const realtimeRegister = sandbox.realtimeRegister.server;
realtimeRegister.maxRecorded = 1_000;
const counts = { contactReads: 0, requests: 0 };
const log = realtimeRegister.requests;
const push = log.push.bind(log);
log.push = (...items: RecordedRequest[]): number => {
  for (const item of items) {
    counts.requests++;
    if (item.path.includes('/contacts')) counts.contactReads++;
  }
  return push(...items);
};
realtimeRegister.addControlRoute('/__control/bench-calls', () => ({ status: 200, body: counts }));
for (const simulator of [sandbox.openprovider, sandbox.domainNameApi, sandbox.veriff]) simulator.server.maxRecorded = 1_000;

process.stdout.write(`READY ${JSON.stringify({ url: realtimeRegister.url, endpoints: sandbox.endpoints() })}\n`);
const stop = (): void => void sandbox.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
