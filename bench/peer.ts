import { alternatingPairs } from './alternating-pairs.js';
import { CALLER_HEADERS, PRODUCTION_CALLER_ENV, startFloor, startOurGateway, startSimulators, type Simulators } from './bench-servers.js';
import { aliasedFiveBody, checkedQuery, contactBodies, FLOOR_BODY, type Target } from './contact-queries.js';
import { autocannon } from './load-generators.js';
import { contactReads, measureRow, type MeasuredRow } from './measured-row.js';
import { composePeerSupergraph, ensurePeerInstalled, startPeer } from './peer-servers.js';
import type { Server } from './server-process.js';

/**
 * `BENCH_PARTS=peer`: our gateway and the peer (Hive Gateway + GraphQL Mesh's OpenAPI source) side by side with the
 * bare-yoga floor, in one run, over one Realtime Register simulator in its own process. Closed-loop rows (autocannon),
 * each with req/s, p50, p99, CPU, heap allocations and GC per request of the server process, and the simulator's
 * contact reads per request; then one query with five aliased contact fields, cold and again.
 *
 * What each side caches: our gateway keeps contact reads in its in-memory cache (the hit rows are served from it;
 * the miss rows use a 16-entry cache over 500 handles, so every read goes upstream). Hive Gateway has no cache unless
 * configured: the "peer" rows read upstream on every request; the "peer, response cache" row turns on its documented
 * response cache (whole responses, in memory), the closest thing it has to ours.
 */

export interface PeerSettings {
  durationS: number;
  warmupS: number;
  connections: number;
  upstreamLatencyMs: number;
  missHandles: number;
  missCacheEntries: number;
  /** Alternating rounds of the compared cache-miss rows (ours, the peer); the geometric mean of their ratios is reported. */
  pairs: number;
}

export interface PeerRow extends MeasuredRow {
  name: string;
  server: 'floor' | Target;
  /** What answered: yoga alone, a cache, or the upstream (the simulator). */
  scenario: 'floor' | 'cache hit' | 'upstream, no cache' | 'cache miss';
  upstreamLatencyMs: number;
  ratioToFloor: number | null;
  /** On our cache-miss row: its req/s over the peer's over every alternating pair, and each pair's, in order. */
  paired?: { ratio: number; ratios: number[] };
}

export interface AliasedCalls {
  server: Target;
  /** Contact reads at the simulator for the five-alias query on fresh handles, then for the same query again. */
  first: number;
  again: number;
}

export interface PeerReport {
  rows: PeerRow[];
  aliased: AliasedCalls[];
  notes: string[];
}

const HIT_HANDLES = 10;
/** Handles the aliased query reads, never read by the load rows before it. */
const ALIASED_FROM = 901;

export async function peerBench(settings: PeerSettings, log: (line: string) => void): Promise<PeerReport | { skipped: string }> {
  const problem = await ensurePeerInstalled(log);
  if (problem) return { skipped: problem };
  const simulators = await startSimulators(0);
  const rows: PeerRow[] = [];
  const aliased: AliasedCalls[] = [];
  const running: Server[] = [simulators];
  try {
    await composePeerSupergraph(simulators);
    const closed = { durationS: settings.durationS, connections: settings.connections };
    const warmup = { durationS: settings.warmupS, connections: settings.connections };
    let latency = 0;
    const measuredRow = async (name: string, server: Server, target: PeerRow['server'], scenario: PeerRow['scenario'], bodies: string[]): Promise<PeerRow> => {
      log(`peer part: ${name}`);
      const headers = target === 'ours' ? CALLER_HEADERS : {};
      await autocannon(server.url, bodies, { ...warmup, headers });
      const measured = await measureRow(server, () => autocannon(server.url, bodies, { ...closed, headers }), simulators.realtimeRegisterUrl);
      return { name, server: target, scenario, upstreamLatencyMs: latency, ratioToFloor: null, ...measured };
    };
    const row = async (...args: Parameters<typeof measuredRow>) => void rows.push(await measuredRow(...args));

    const floor = await startFloor();
    running.push(floor);
    await row('floor: bare yoga { __typename }', floor, 'floor', 'floor', [FLOOR_BODY]);
    await floor.stop();

    // Cache hit (ours) against the peer reading upstream on every request, upstream without latency.
    const ours = await startOurGateway({ simulators, env: PRODUCTION_CALLER_ENV });
    running.push(ours);
    const oursHit = contactBodies('ours', 1, HIT_HANDLES);
    for (const body of oursHit) await checkedQuery(ours.url, body, CALLER_HEADERS);
    await row('our gateway, cache hit', ours, 'ours', 'cache hit', oursHit);
    aliased.push(await aliasedCalls(ours, 'ours', simulators));
    await ours.stop();

    const peer = await startPeer();
    running.push(peer);
    const peerHit = contactBodies('peer', 1, HIT_HANDLES);
    for (const body of peerHit) await checkedQuery(peer.url, body);
    await row('peer (Hive Gateway + Mesh OpenAPI), no cache', peer, 'peer', 'upstream, no cache', peerHit);
    aliased.push(await aliasedCalls(peer, 'peer', simulators));

    const cachedPeer = await startPeer({ responseCacheTtlMs: 600_000 });
    running.push(cachedPeer);
    for (const body of peerHit) await checkedQuery(cachedPeer.url, body);
    await row('peer, response cache on, cache hit', cachedPeer, 'peer', 'cache hit', peerHit);
    await cachedPeer.stop();

    // Cache miss at the upstream latency: every read goes to the simulator, for both.
    latency = settings.upstreamLatencyMs;
    await simulators.setLatency(latency);
    const missBodies = (target: Target) => contactBodies(target, 1, settings.missHandles);
    await checkedQuery(peer.url, missBodies('peer')[0]!);
    const oursMiss = await startOurGateway({ simulators, env: { ...PRODUCTION_CALLER_ENV, CACHE_MAX_ENTRIES: String(settings.missCacheEntries) } });
    running.push(oursMiss);
    await checkedQuery(oursMiss.url, missBodies('ours')[0]!, CALLER_HEADERS);
    // The compared pair, measured in alternating rounds while both are up (bench/alternating-pairs.ts).
    const missPair = await alternatingPairs(
      settings.pairs,
      () => measuredRow(`peer, no cache, ${latency} ms upstream`, peer, 'peer', 'upstream, no cache', missBodies('peer')),
      () => measuredRow(`our gateway, cache miss, ${latency} ms upstream`, oursMiss, 'ours', 'cache miss', missBodies('ours')),
      (peerRow, oursRow) => oursRow.result.requestsPerSecond / peerRow.result.requestsPerSecond,
    );
    rows.push(missPair.a, { ...missPair.b, paired: { ratio: missPair.ratio, ratios: missPair.ratios } });
    await peer.stop();
    await oursMiss.stop();
  } finally {
    await Promise.all(running.map((server) => server.stop()));
  }
  const floorRate = rows.find((candidate) => candidate.server === 'floor')?.result.requestsPerSecond ?? NaN;
  for (const candidate of rows) candidate.ratioToFloor = candidate.result.requestsPerSecond / floorRate;
  return {
    rows,
    aliased,
    notes: [
      'Every row: autocannon in its own process, each server in its own process, the simulator in a third.',
      'Our gateway caches contact reads (in memory here); the peer has no cache unless configured ("response cache on" row).',
      `Cache-miss rows: ${settings.upstreamLatencyMs} ms added by the simulator to every answer; our gateway with a ${settings.missCacheEntries}-entry cache over ${settings.missHandles} handles.`,
    ],
  };
}

/** Contact reads for one query with five aliased contact fields on fresh handles, then for the same query again. */
async function aliasedCalls(server: Server, target: Target, simulators: Simulators): Promise<AliasedCalls> {
  const body = aliasedFiveBody(target, ALIASED_FROM);
  const headers = target === 'ours' ? CALLER_HEADERS : {};
  const before = await contactReads(simulators.realtimeRegisterUrl);
  await checkedQuery(server.url, body, headers);
  const middle = await contactReads(simulators.realtimeRegisterUrl);
  await checkedQuery(server.url, body, headers);
  const after = await contactReads(simulators.realtimeRegisterUrl);
  return { server: target, first: middle - before, again: after - middle };
}
