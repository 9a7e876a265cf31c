import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { loadConfig } from '../src/config.js';
import { createGateway } from '../src/gateway.js';
import { silentLogger } from '../src/observability/logger.js';
import type { Sandbox } from '../src/sandbox/index.js';
import { startBenchSandbox } from './sandbox.js';

/**
 * `npm run bench`: three benchmarks in one run, printed as tables and written to bench/results/latest.json.
 * Numbers, not pass/fail: the targets are reported next to them. See bench/README.md for what each measures.
 */

const env = process.env;
const num = (name: string, fallback: number): number => (env[name] ? Number(env[name]) : fallback);
const settings = {
  /** Latency every simulator adds (dashboard counts, cache-miss load). */
  upstreamLatencyMs: num('BENCH_UPSTREAM_LATENCY_MS', 20),
  durationS: num('BENCH_DURATION_S', 10),
  warmupS: num('BENCH_WARMUP_S', 2),
  connections: num('BENCH_CONNECTIONS', 50),
  fixedRate: num('BENCH_FIXED_RATE', 500),
  missFixedRate: num('BENCH_MISS_FIXED_RATE', 200),
  missHandles: 500,
  missCacheEntries: 16,
  dashboardSizes: (env.BENCH_DASHBOARD_SIZES ?? '1,10,100,1000').split(',').map(Number),
  fanoutSteps: (env.BENCH_FANOUT ?? '1000,5000').split(',').map(Number),
  fanoutEvents: num('BENCH_FANOUT_EVENTS', 100),
  parts: (env.BENCH_PARTS ?? 'dashboard,load,fanout').split(','),
};

/** Gateway settings for every bench gateway: no caller rate limits (one client IP), room for a 1000-contact query. */
const GATEWAY_ENV = {
  RATE_LIMIT_PER_MINUTE: '0',
  WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
  GRAPHQL_MAX_COST: '100000000',
  EMAIL_WATCH_INTERVAL_MS: '3600000',
  LOG_LEVEL: 'warn',
};

const ROOT = new URL('../', import.meta.url).pathname;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

function machine() {
  const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return { nproc: cpus().length, node: process.version, cpu: cpuModel.trim(), memoryGiB: Math.round(totalmem() / 2 ** 30) };
}

// ---------------------------------------------------------------- 1. upstream calls for the dashboard query

const DASHBOARD = `query Dashboard($provider: Provider!, $handles: [String!]!) {
  contacts(provider: $provider, handles: $handles) {
    id handle name email country
    emailVerifications { id email domain status }
    verificationRequests { id status claims deDelegationDeadline }
  }
}`;

type CountedProvider = 'REALTIME_REGISTER' | 'OPENPROVIDER' | 'DOMAIN_NAME_API' | 'VERIFF';
type Calls = Record<CountedProvider, number>;

/** Reads each simulator served, without the background work (notification queue, Openprovider login). */
function upstreamCalls(sandbox: Sandbox): Calls {
  return {
    REALTIME_REGISTER: sandbox.realtimeRegister.server.requests.filter((request) => request.path.includes('/contacts')).length,
    OPENPROVIDER: sandbox.openprovider.server.requests.filter((request) => !request.path.endsWith('/auth/login')).length,
    DOMAIN_NAME_API: sandbox.domainNameApi.server.requests.length,
    VERIFF: sandbox.veriff.count(),
  };
}

function minus(after: Calls, before: Calls): Calls {
  return Object.fromEntries(Object.entries(after).map(([provider, count]) => [provider, count - before[provider as CountedProvider]])) as Calls;
}

function totalRequests(sandbox: Sandbox): number {
  return [sandbox.realtimeRegister, sandbox.openprovider, sandbox.domainNameApi].reduce((sum, simulator) => sum + simulator.server.requests.length, 0) + sandbox.veriff.count();
}

/** Waits until no simulator has seen a request for quietMs (start-up work of a fresh gateway is done). */
async function quiesce(sandbox: Sandbox, quietMs = 300): Promise<void> {
  let last = totalRequests(sandbox);
  let quietSince = performance.now();
  while (performance.now() - quietSince < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = totalRequests(sandbox);
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    }
  }
}

const HANDLES: Record<'REALTIME_REGISTER' | 'OPENPROVIDER' | 'DOMAIN_NAME_API', { seeded: number; handle: (index: number) => string }> = {
  REALTIME_REGISTER: { seeded: 1000, handle: (index) => `rtr-${String(index).padStart(4, '0')}` },
  OPENPROVIDER: { seeded: 1000, handle: (index) => `OP${String(index).padStart(6, '0')}-NL` },
  DOMAIN_NAME_API: { seeded: 200, handle: (index) => `DNA-${1000 + index}` },
};

interface DashboardRow {
  provider: string;
  n: number;
  found: number;
  cold: Calls;
  warm: Calls;
  coldMs: number;
  warmMs: number;
  target: number;
}

async function dashboardBench(): Promise<DashboardRow[]> {
  let url: string | null = null;
  const sandbox = await startBenchSandbox({ faults: settings.upstreamLatencyMs ? { latencyMs: settings.upstreamLatencyMs } : {}, gatewayUrl: () => url });
  const rows: DashboardRow[] = [];
  try {
    for (const provider of Object.keys(HANDLES) as (keyof typeof HANDLES)[]) {
      for (const n of settings.dashboardSizes) {
        if (n > HANDLES[provider].seeded) continue;
        // A fresh gateway per row: an empty cache, so "cold" is cold.
        const gateway = createGateway({ ...loadConfig(GATEWAY_ENV), port: 0 }, { logger: silentLogger(), sandbox: { existing: sandbox } });
        await gateway.start();
        url = gateway.url;
        const query = async (handles: string[]) => {
          const started = performance.now();
          const response = await fetch(`${gateway.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: DASHBOARD, variables: { provider, handles } }),
          });
          const body = (await response.json()) as { data?: { contacts: unknown[] }; errors?: { message: string }[] };
          if (body.errors?.length) throw new Error(`dashboard query failed: ${body.errors[0]!.message}`);
          return { ms: performance.now() - started, found: body.data!.contacts.filter(Boolean).length };
        };
        // Openprovider logs in once per gateway (a cached bearer token): done before counting.
        if (provider === 'OPENPROVIDER') await query(['OP999999-NL']);
        await quiesce(sandbox);
        const handles = Array.from({ length: n }, (_, index) => HANDLES[provider].handle(index + 1));
        const before = upstreamCalls(sandbox);
        const cold = await query(handles);
        const middle = upstreamCalls(sandbox);
        const warm = await query(handles);
        const after = upstreamCalls(sandbox);
        await gateway.stop();
        const row = { provider, n, found: cold.found, cold: minus(middle, before), warm: minus(after, middle), coldMs: cold.ms, warmMs: warm.ms, target: Math.ceil(n / 100) };
        rows.push(row);
        log(`dashboard ${provider} N=${n}: cold ${JSON.stringify(row.cold)} warm ${JSON.stringify(row.warm)}`);
      }
    }
  } finally {
    await sandbox.stop();
  }
  return rows;
}

// ---------------------------------------------------------------- 2. throughput and latency (autocannon, own process)

interface Server {
  url: string;
  info: Record<string, string>;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node --import tsx <script>` and waits for its `READY {json}` line. */
async function startServer(script: string, extraEnv: Record<string, string> = {}, nodeFlags: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], { cwd: ROOT, env: { ...env, ...GATEWAY_ENV, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const info = await new Promise<Record<string, string>>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((text) => text.startsWith('READY '));
      if (line) resolve(JSON.parse(line.slice(6)) as Record<string, string>);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output}`)));
  });
  return {
    url: info.url!,
    info,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/** Runs a node script in its own process and parses the JSON line it prints. */
function runJson<T>(args: string[], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${args.join(' ')} exited with ${code}:\n${stdout}\n${stderr}`));
      }
    });
  });
}

interface LoadResult {
  requestsPerSecond: number;
  total: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** HTTP 200 answers that carried GraphQL errors. */
  graphqlErrors: number;
  sampleError: string | null;
}

function autocannon(url: string, bodies: string[], options: { durationS: number; connections?: number; overallRate?: number }): Promise<LoadResult> {
  const spec = { url: `${url}/graphql`, bodies, connections: options.connections ?? settings.connections, durationS: options.durationS, overallRate: options.overallRate };
  return runJson<LoadResult>(['bench/load.mjs', JSON.stringify(spec)], (options.durationS + 30) * 1000);
}

/** Open-loop fixed-rate load (bench/paced.mjs): evenly spaced sends, latency from the scheduled time. */
function paced(url: string, bodies: string[], ratePerSecond: number): Promise<LoadResult> {
  const spec = { url: `${url}/graphql`, bodies, ratePerSecond, durationS: settings.durationS, connections: 50 };
  return runJson<LoadResult>(['bench/paced.mjs', JSON.stringify(spec)], (settings.durationS + 30) * 1000);
}

const FLOOR_BODY = JSON.stringify({ query: '{ __typename }' });
const CONTACT_QUERY = 'query Contact($handle: String!) { contact(provider: REALTIME_REGISTER, handle: $handle) { handle name email city country } }';
const contactBody = (index: number) => JSON.stringify({ query: CONTACT_QUERY, variables: { handle: `rtr-${String(index).padStart(4, '0')}` } });

async function metricSum(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function checkedQuery(url: string, body: string): Promise<void> {
  const reply = (await (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()) as { errors?: unknown[]; data?: unknown };
  if (reply.errors || !reply.data) throw new Error(`bench query failed: ${JSON.stringify(reply)}`);
}

interface LoadRow {
  name: string;
  connections: number | string;
  result: LoadResult;
  ratioToFloor?: number;
  cacheHitRatio?: number;
}

async function loadBench(): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  const measured = { durationS: settings.durationS };
  const warmup = { durationS: settings.warmupS };

  log('load: floor (bare yoga, { __typename })');
  const floor = await startServer('bench/floor-server.ts');
  try {
    await autocannon(floor.url, [FLOOR_BODY], warmup);
    rows.push({ name: 'floor: bare yoga { __typename }', connections: settings.connections, result: await autocannon(floor.url, [FLOOR_BODY], measured) });
  } finally {
    await floor.stop();
  }

  log('load: cache-hit contact query');
  const hitBodies = Array.from({ length: 10 }, (_, index) => contactBody(index + 1));
  const hits = await startServer('bench/gateway-server.ts');
  try {
    for (const body of hitBodies) await checkedQuery(hits.url, body);
    await autocannon(hits.url, hitBodies, warmup);
    const before = { hits: await metricSum(hits.url, 'gateway_cache_hits_total'), misses: await metricSum(hits.url, 'gateway_cache_misses_total') };
    const result = await autocannon(hits.url, hitBodies, measured);
    const hitCount = (await metricSum(hits.url, 'gateway_cache_hits_total')) - before.hits;
    const missCount = (await metricSum(hits.url, 'gateway_cache_misses_total')) - before.misses;
    rows.push({ name: 'cache-hit contact query', connections: settings.connections, result, cacheHitRatio: hitCount / Math.max(1, hitCount + missCount) });
    log(`load: cache-hit contact query at a fixed ${settings.fixedRate} req/s`);
    rows.push({
      name: `cache-hit @ ${settings.fixedRate} req/s, autocannon overallRate`,
      connections: 10,
      result: await autocannon(hits.url, hitBodies, { ...measured, connections: 10, overallRate: settings.fixedRate }),
    });
    rows.push({ name: `cache-hit @ ${settings.fixedRate} req/s, paced (open loop)`, connections: '≤50', result: await paced(hits.url, hitBodies, settings.fixedRate) });
  } finally {
    await hits.stop();
  }

  log(`load: cache-miss contact query (${settings.upstreamLatencyMs} ms upstream, ${settings.missHandles} handles, cache of ${settings.missCacheEntries})`);
  const missBodies = Array.from({ length: settings.missHandles }, (_, index) => contactBody(index + 1));
  const misses = await startServer('bench/gateway-server.ts', {
    CACHE_MAX_ENTRIES: String(settings.missCacheEntries),
    BENCH_UPSTREAM_LATENCY_MS: String(settings.upstreamLatencyMs),
  });
  try {
    await checkedQuery(misses.url, missBodies[0]!);
    await autocannon(misses.url, missBodies, warmup);
    const runs: [string, number | string, () => Promise<LoadResult>][] = [
      ['cache-miss contact query (20 ms upstream)', settings.connections, () => autocannon(misses.url, missBodies, measured)],
      [
        `cache-miss @ ${settings.missFixedRate} req/s, autocannon overallRate`,
        10,
        () => autocannon(misses.url, missBodies, { ...measured, connections: 10, overallRate: settings.missFixedRate }),
      ],
      [`cache-miss @ ${settings.missFixedRate} req/s, paced (open loop)`, '≤50', () => paced(misses.url, missBodies, settings.missFixedRate)],
    ];
    for (const [name, connections, run] of runs) {
      const before = { hits: await metricSum(misses.url, 'gateway_cache_hits_total'), misses: await metricSum(misses.url, 'gateway_cache_misses_total') };
      const result = await run();
      const hitCount = (await metricSum(misses.url, 'gateway_cache_hits_total')) - before.hits;
      const missCount = (await metricSum(misses.url, 'gateway_cache_misses_total')) - before.misses;
      rows.push({ name, connections, result, cacheHitRatio: hitCount / Math.max(1, hitCount + missCount) });
    }
  } finally {
    await misses.stop();
  }

  const floorRate = rows[0]!.result.requestsPerSecond;
  for (const row of rows) if (!row.name.includes('req/s')) row.ratioToFloor = row.result.requestsPerSecond / floorRate;
  return rows;
}

// ---------------------------------------------------------------- 3. subscription fan-out

interface FanoutStep {
  subscribers: number;
  subscriberGauge: number;
  events: number;
  deliveries: number;
  lost: number;
  connectSeconds: number;
  sendSeconds: number;
  latencyMs: { p50: number; p99: number; max: number };
  memory: { rssBytes: number; heapBytes: number; rssPerSubscriberBytes: number; heapPerSubscriberBytes: number };
}

interface FanoutRun {
  baseline: { rss: number; heap: number };
  results: FanoutStep[];
}

/** The gateway's verificationEvents, then the same client against a bare yoga subscription (the floor). */
async function fanoutBench(): Promise<{ gateway: FanoutRun; floor: FanoutRun }> {
  const run = async (target: 'gateway' | 'floor'): Promise<FanoutRun> => {
    log(`fan-out (${target}): ${settings.fanoutSteps.join(' then ')} SSE subscribers, ${settings.fanoutEvents} events each`);
    const server = await startServer(target === 'gateway' ? 'bench/gateway-server.ts' : 'bench/sse-floor-server.ts', {}, ['--expose-gc']);
    try {
      const spec = {
        url: server.url,
        pid: server.child.pid,
        target,
        webhookSecret: server.info.realtimeRegisterWebhookSecret,
        steps: settings.fanoutSteps,
        events: settings.fanoutEvents,
      };
      return await runJson<FanoutRun>(['--import', 'tsx', 'bench/fanout.ts', JSON.stringify(spec)], 240_000);
    } finally {
      await server.stop();
    }
  };
  return { gateway: await run('gateway'), floor: await run('floor') };
}

// ---------------------------------------------------------------- report

const fmt = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : '—');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

const started = performance.now();
const results: Record<string, unknown> = { machine: machine(), settings, startedAt: new Date().toISOString() };
const report: string[] = [];

if (settings.parts.includes('dashboard')) {
  const rows = await dashboardBench();
  results.dashboard = rows;
  const short = { REALTIME_REGISTER: 'RTR', OPENPROVIDER: 'OP', DOMAIN_NAME_API: 'DNA', VERIFF: 'Veriff' } as const;
  const calls = (counts: Calls) =>
    (Object.keys(counts) as CountedProvider[])
      .filter((provider) => counts[provider] > 0)
      .map((provider) => `${short[provider]} ${counts[provider]}`)
      .join(', ') || '0';
  report.push(
    `Upstream calls for one dashboard query (N contacts with emailVerifications and verificationRequests; ${settings.upstreamLatencyMs} ms upstream latency)`,
    table(
      ['contacts of', 'N', 'found', 'cold calls', 'warm calls', 'target (cold/warm)', 'cold ms', 'warm ms'],
      rows.map((row) => [short[row.provider as CountedProvider], String(row.n), String(row.found), calls(row.cold), calls(row.warm), `≤ ${row.target} / 0`, fmt(row.coldMs), fmt(row.warmMs, 1)]),
    ),
    '',
  );
}

if (settings.parts.includes('load')) {
  const rows = await loadBench();
  results.load = rows;
  report.push(
    `Throughput and latency (autocannon in its own process, ${settings.durationS} s per row)`,
    table(
      ['query', 'connections', 'req/s', 'x floor', 'p50 ms', 'p99 ms', 'cache hit ratio', 'errors/non-2xx/GraphQL errors'],
      rows.map((row) => [
        row.name,
        String(row.connections),
        fmt(row.result.requestsPerSecond),
        row.ratioToFloor === undefined ? '' : fmt(row.ratioToFloor, 2),
        fmt(row.result.latencyMs.p50, 1),
        fmt(row.result.latencyMs.p99, 1),
        row.cacheHitRatio === undefined ? '' : fmt(row.cacheHitRatio, 3),
        `${row.result.errors + row.result.timeouts}/${row.result.non2xx}/${row.result.graphqlErrors}`,
      ]),
    ),
    '',
  );
}

if (settings.parts.includes('fanout')) {
  const fanout = await fanoutBench();
  results.fanout = fanout;
  const steps = [...fanout.gateway.results.map((step) => ['gateway', step] as const), ...fanout.floor.results.map((step) => ['bare yoga (floor)', step] as const)];
  report.push(
    `Subscription fan-out over SSE (one HTTP connection per subscriber; events sent one at a time: signed webhooks to the gateway, in-process publish on the floor)`,
    table(
      ['server', 'subscribers', 'events', 'deliveries', 'lost', 'p50 ms', 'p99 ms', 'max ms', 'RSS/subscriber', 'heap/subscriber', 'connect s'],
      steps.map(([server, step]) => [
        server,
        String(step.subscribers),
        String(step.events),
        String(step.deliveries),
        String(step.lost),
        fmt(step.latencyMs.p50, 1),
        fmt(step.latencyMs.p99, 1),
        fmt(step.latencyMs.max, 1),
        `${fmt(step.memory.rssPerSubscriberBytes / 1024, 1)} KB`,
        `${fmt(step.memory.heapPerSubscriberBytes / 1024, 1)} KB`,
        fmt(step.connectSeconds, 1),
      ]),
    ),
    '',
  );
}

results.durationS = (performance.now() - started) / 1000;
const machineInfo = results.machine as ReturnType<typeof machine>;
report.unshift(`Machine: ${machineInfo.nproc} cores (${machineInfo.cpu}), ${machineInfo.memoryGiB} GiB, Node ${machineInfo.node}`, '');
report.push(`Run took ${fmt(results.durationS as number)} s.`);
process.stdout.write(`${report.join('\n')}\n`);
await mkdir(new URL('results/', import.meta.url), { recursive: true });
await writeFile(new URL('results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write('Written to bench/results/latest.json\n');
