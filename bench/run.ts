import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { dashboardBench } from './dashboard.js';
import { fanoutBench } from './fanout-part.js';
import { loadBench } from './load.js';
import { peerBench } from './peer.js';
import { machineLine, sections } from './report.js';
import type { BenchResults } from './results.js';
import { startupBench } from './startup.js';
import { targetRows } from './targets.js';

/**
 * `npm run bench`: the benchmarks in one run, printed as tables with issue 17's targets beside the figures and written
 * to bench/results/latest.json (`npm run bench:readme` puts them into bench/README.md). Numbers, not pass/fail: a
 * missed target prints "missed". See bench/README.md for what each part measures and how to run one alone.
 */

const env = process.env;
const num = (name: string, fallback: number): number => (env[name] ? Number(env[name]) : fallback);
const DEFAULT_PARTS = ['dashboard', 'load', 'fanout', 'startup'];
const ALL_PARTS = [...DEFAULT_PARTS, 'peer'];
const requested = (env.BENCH_PARTS ?? DEFAULT_PARTS.join(',')).split(',').map((part) => part.trim()).filter(Boolean);
const settings = {
  /** Latency every simulator adds (dashboard counts, cache-miss rows). */
  upstreamLatencyMs: num('BENCH_UPSTREAM_LATENCY_MS', 20),
  durationS: num('BENCH_DURATION_S', 10),
  warmupS: num('BENCH_WARMUP_S', 2),
  connections: num('BENCH_CONNECTIONS', 50),
  fixedRate: num('BENCH_FIXED_RATE', 400),
  missFixedRate: num('BENCH_MISS_FIXED_RATE', 200),
  missHandles: 500,
  missCacheEntries: 16,
  pairs: num('BENCH_PAIRS', 4),
  dashboardSizes: (env.BENCH_DASHBOARD_SIZES ?? '1,10,100,1000').split(',').map(Number),
  fanoutSteps: (env.BENCH_FANOUT ?? '1000,5000').split(',').map(Number),
  fanoutEvents: num('BENCH_FANOUT_EVENTS', 100),
  startupRuns: num('BENCH_STARTUP_RUNS', 3),
  parts: requested.includes('all') ? ALL_PARTS : requested,
};
const unknown = settings.parts.filter((part) => !ALL_PARTS.includes(part));
if (unknown.length) {
  process.stderr.write(`BENCH_PARTS: unknown part(s) ${unknown.join(', ')}; known: ${ALL_PARTS.join(', ')}, all\n`);
  process.exit(2);
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function machine(): BenchResults['machine'] {
  const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return { nproc: cpus().length, node: process.version, cpu: cpuModel.trim(), memoryGiB: Math.round(totalmem() / 2 ** 30) };
}

const started = performance.now();
const results: BenchResults = { machine: machine(), settings, startedAt: new Date().toISOString() };
const has = (part: string) => settings.parts.includes(part);

if (has('dashboard')) results.dashboard = await dashboardBench(settings, log);
if (has('load')) results.load = await loadBench(settings, log);
if (has('fanout')) results.fanout = await fanoutBench(settings, log);
if (has('startup')) results.startup = await startupBench(settings.startupRuns, log);
if (has('peer')) results.peer = await peerBench(settings, log);
results.targets = targetRows(results);
results.durationS = (performance.now() - started) / 1000;

const report = [machineLine(results), ''];
for (const section of sections(results)) report.push(section.title, section.body, '');
process.stdout.write(`${report.join('\n')}\n`);
await mkdir(new URL('results/', import.meta.url), { recursive: true });
await writeFile(new URL('results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write('Written to bench/results/latest.json (npm run bench:readme puts it into bench/README.md)\n');
