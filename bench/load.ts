import { CALLER_HEADERS, PRODUCTION_CALLER_ENV, startFloor, startOurGateway, startSimulators } from './bench-servers.js';
import { checkedQuery, contactBodies, FLOOR_BODY, rtrHandle } from './contact-queries.js';
import { alternatingPairs } from './alternating-pairs.js';
import { autocannon, paced, pacedGets, type LoadResult } from './load-generators.js';
import { measureRow, type MeasuredRow } from './measured-row.js';
import type { Server } from './server-process.js';

/**
 * Benchmark 2, throughput and latency: the bare-yoga floor, a cache-hit contact query and a cache-miss contact query
 * (20 ms upstream), each closed-loop (autocannon, 50 connections) and at a fixed rate (paced open loop, and
 * autocannon's overallRate for comparison). Every row also has the server process's CPU, heap allocations and GC per
 * request (bench/probe.mjs) and the simulator's contact reads per request. The gateways read from the bench
 * simulators in their own process (bench/simulator-server.ts), so those figures are the gateway's alone.
 */

export interface LoadSettings {
  durationS: number;
  warmupS: number;
  connections: number;
  fixedRate: number;
  missFixedRate: number;
  upstreamLatencyMs: number;
  missHandles: number;
  missCacheEntries: number;
  /** Alternating floor/cache-hit pairs per compared row; the geometric mean of their ratios is reported (alternating-pairs.ts). */
  pairs: number;
}

export interface LoadRow extends MeasuredRow {
  name: string;
  /** 'upstream alone': the call a cache miss makes, sent straight to the simulator (its CPU is the simulator's). */
  query: 'floor' | 'cache hit' | 'cache miss' | 'upstream alone';
  /** closed: N connections back to back; paced: open loop at `rate`; overallRate: autocannon's fixed-rate mode. */
  load: 'closed' | 'paced' | 'overallRate';
  rate?: number;
  connections: number | string;
  ratioToFloor?: number;
  cacheHitRatio?: number;
  /** On a cache-hit row compared with the floor: the ratio over every alternating pair, and each pair's, in order. */
  paired?: { ratio: number; ratios: number[] };
}

async function metricSum(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** The cache hit ratio of the gateway's own metrics over one run. */
async function withHitRatio(server: Server, run: () => Promise<MeasuredRow>): Promise<MeasuredRow & { cacheHitRatio: number }> {
  const read = async () => ({ hits: await metricSum(server.url, 'gateway_cache_hits_total'), misses: await metricSum(server.url, 'gateway_cache_misses_total') });
  const before = await read();
  const measured = await run();
  const after = await read();
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  return { ...measured, cacheHitRatio: hits / Math.max(1, hits + misses) };
}

export async function loadBench(settings: LoadSettings, log: (line: string) => void): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  const closed = { durationS: settings.durationS, connections: settings.connections };
  const warmup = { durationS: settings.warmupS, connections: settings.connections };
  const simulators = await startSimulators(0);
  const running: Server[] = [simulators];
  const measure = (server: Server, load: () => Promise<LoadResult>) => measureRow(server, load, simulators.realtimeRegisterUrl);
  try {
    // The floor and the cache-hit gateway are both up from the start, and each of the gateway's compared rows is measured
    // right after the floor's: on a shared machine a ratio of two rows taken half a minute apart says more about what
    // else ran meanwhile than about the gateway. (The rows are still listed floor first.)
    log('load: floor (bare yoga, { __typename }) and the cache-hit gateway, warming up');
    const floor = await startFloor();
    running.push(floor);
    const hitBodies = contactBodies('ours', 1, 10);
    const hits = await startOurGateway({ simulators, env: PRODUCTION_CALLER_ENV });
    running.push(hits);
    for (const body of hitBodies) await checkedQuery(hits.url, body, CALLER_HEADERS);
    await autocannon(floor.url, [FLOOR_BODY], warmup);
    await autocannon(hits.url, hitBodies, { ...warmup, headers: CALLER_HEADERS });
    const hitRow = (name: string, load: LoadRow['load'], connections: number | string, run: () => Promise<LoadResult>, rate?: number): Promise<LoadRow> =>
      withHitRatio(hits, () => measure(hits, run)).then((measured) => ({ name, query: 'cache hit', load, connections, ...(rate ? { rate } : {}), ...measured }));

    log(`load: floor and the cache-hit contact query (closed loop), ${settings.pairs} alternating pairs`);
    const closedPair = await alternatingPairs(
      settings.pairs,
      async (): Promise<LoadRow> => ({ name: 'floor: bare yoga { __typename }', query: 'floor', load: 'closed', connections: settings.connections, ...(await measure(floor, () => autocannon(floor.url, [FLOOR_BODY], closed))) }),
      () => hitRow('cache-hit contact query', 'closed', settings.connections, () => autocannon(hits.url, hitBodies, { ...closed, headers: CALLER_HEADERS })),
      (floorRow, hitRowMeasured) => hitRowMeasured.perRequest.cpuMs / floorRow.perRequest.cpuMs,
    );
    const floorClosed = closedPair.a;
    const hitClosed: LoadRow = { ...closedPair.b, paired: { ratio: closedPair.ratio, ratios: closedPair.ratios } };
    log(`load: floor and the cache-hit contact query at a fixed ${settings.fixedRate} req/s (paced), ${settings.pairs} alternating pairs`);
    const pacedPair = await alternatingPairs(
      settings.pairs,
      async (): Promise<LoadRow> => ({
        name: `floor @ ${settings.fixedRate} req/s, paced (open loop)`,
        query: 'floor',
        load: 'paced',
        rate: settings.fixedRate,
        connections: '≤50',
        ...(await measure(floor, () => paced(floor.url, [FLOOR_BODY], { ratePerSecond: settings.fixedRate, durationS: settings.durationS }))),
      }),
      () => hitRow(`cache-hit @ ${settings.fixedRate} req/s, paced (open loop)`, 'paced', '≤50', () => paced(hits.url, hitBodies, { ratePerSecond: settings.fixedRate, durationS: settings.durationS, headers: CALLER_HEADERS }), settings.fixedRate),
      (floorRow, hitRowMeasured) => hitRowMeasured.result.latencyMs.p99 / floorRow.result.latencyMs.p99,
    );
    const floorPaced = pacedPair.a;
    const hitPaced: LoadRow = { ...pacedPair.b, paired: { ratio: pacedPair.ratio, ratios: pacedPair.ratios } };
    await floor.stop();
    log(`load: cache-hit contact query at a fixed ${settings.fixedRate} req/s (autocannon overallRate)`);
    const hitOverallRate = await hitRow(`cache-hit @ ${settings.fixedRate} req/s, autocannon overallRate`, 'overallRate', 10, () => autocannon(hits.url, hitBodies, { ...closed, connections: 10, overallRate: settings.fixedRate, headers: CALLER_HEADERS }), settings.fixedRate);
    await hits.stop();
    rows.push(floorClosed, floorPaced, hitClosed, hitOverallRate, hitPaced);

    log(`load: cache-miss contact query (${settings.upstreamLatencyMs} ms upstream, ${settings.missHandles} handles, cache of ${settings.missCacheEntries})`);
    await simulators.setLatency(settings.upstreamLatencyMs);
    const missBodies = contactBodies('ours', 1, settings.missHandles);
    const misses = await startOurGateway({ simulators, env: { ...PRODUCTION_CALLER_ENV, CACHE_MAX_ENTRIES: String(settings.missCacheEntries) } });
    running.push(misses);
    await checkedQuery(misses.url, missBodies[0]!, CALLER_HEADERS);
    await autocannon(misses.url, missBodies, { ...warmup, headers: CALLER_HEADERS });
    const missRow = (name: string, load: LoadRow['load'], connections: number | string, run: () => Promise<LoadResult>, rate?: number) =>
      withHitRatio(misses, () => measure(misses, run)).then((measured) => rows.push({ name, query: 'cache miss', load, connections, ...(rate ? { rate } : {}), ...measured }));
    await missRow(`cache-miss contact query (${settings.upstreamLatencyMs} ms upstream)`, 'closed', settings.connections, () => autocannon(misses.url, missBodies, { ...closed, headers: CALLER_HEADERS }));
    await missRow(
      `cache-miss @ ${settings.missFixedRate} req/s, autocannon overallRate`,
      'overallRate',
      10,
      () => autocannon(misses.url, missBodies, { ...closed, connections: 10, overallRate: settings.missFixedRate, headers: CALLER_HEADERS }),
      settings.missFixedRate,
    );
    // The upstream's own answer at the same rate, just before: its 20 ms is a timer that fires a little late, and its
    // HTTP and JSON take their time; what the miss adds is measured over this, not over the nominal latency.
    const rtr = simulators.endpoints.realtimeRegister;
    const upstreamPaths = Array.from({ length: settings.missHandles }, (_, index) => `/v2/customers/${rtr.customer}/contacts?handle:in=${rtrHandle(1 + index)}&limit=1&total=false`);
    rows.push({
      name: `upstream alone: the miss's list call to the simulator @ ${settings.missFixedRate} req/s, paced`,
      query: 'upstream alone',
      load: 'paced',
      connections: '≤50',
      rate: settings.missFixedRate,
      ...(await measure(simulators, () => pacedGets(rtr.baseUrl, upstreamPaths, { ratePerSecond: settings.missFixedRate, durationS: settings.durationS, headers: { authorization: `ApiKey ${rtr.apiKey}`, accept: 'application/json' } }))),
    });
    await missRow(
      `cache-miss @ ${settings.missFixedRate} req/s, paced (open loop)`,
      'paced',
      '≤50',
      () => paced(misses.url, missBodies, { ratePerSecond: settings.missFixedRate, durationS: settings.durationS, headers: CALLER_HEADERS }),
      settings.missFixedRate,
    );
    await misses.stop();
  } finally {
    await Promise.all(running.map((server) => server.stop()));
  }
  const floorRate = rows[0]!.result.requestsPerSecond;
  for (const row of rows) if (row.load === 'closed') row.ratioToFloor = row.result.requestsPerSecond / floorRate;
  return rows;
}
