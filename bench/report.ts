import type { CountedProvider, Calls, DashboardRow } from './dashboard.js';
import type { MeasuredRow } from './measured-row.js';
import type { BenchResults } from './results.js';

/**
 * The bench's tables, as Markdown (they read as plain text in a terminal too): printed by bench/run.ts and written into
 * bench/README.md by bench/render-readme.ts, from the same bench/results/latest.json.
 */

export const fmt = (value: number | null | undefined, digits = 0): string => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—');

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export interface Section {
  title: string;
  body: string;
}

const SHORT: Record<CountedProvider, string> = { REALTIME_REGISTER: 'RTR', OPENPROVIDER: 'OP', DOMAIN_NAME_API: 'DNA', VERIFF: 'Veriff' };

function calls(counts: Calls): string {
  return (
    (Object.keys(counts) as CountedProvider[])
      .filter((provider) => counts[provider] > 0)
      .map((provider) => `${SHORT[provider]} ${counts[provider]}`)
      .join(', ') || '0'
  );
}

/** Cold calls of a dashboard row: per provider, Openprovider's by read, or the refusal. */
function dashboardCalls(row: DashboardRow): string {
  if (row.error) return `${calls(row.cold)} (${row.error.slice(0, row.error.indexOf(':') > 0 ? row.error.indexOf(':') : undefined)})`;
  const op = row.openprovider;
  return op ? `${calls(row.cold)} (list ${op.customerList}, get ${op.getCustomer}, rows ${op.verificationList})` : calls(row.cold);
}

/** CPU, allocations, GC and upstream reads per request: the columns every measured row shares. */
const PER_REQUEST_HEADER = ['CPU ms/req', 'alloc KB/req', 'GC ms/req', 'upstream calls/req'];
function perRequest(row: MeasuredRow): string[] {
  return [fmt(row.perRequest.cpuMs, 3), fmt(row.perRequest.allocatedBytes / 1024, 1), fmt(row.perRequest.gcMs, 4), fmt(row.perRequest.upstreamCalls, 3)];
}
const failures = (row: MeasuredRow) => `${row.result.errors + row.result.timeouts}/${row.result.non2xx}/${row.result.graphqlErrors}`;

export function sections(results: BenchResults): Section[] {
  const out: Section[] = [];
  const { settings } = results;
  if (results.dashboard) {
    out.push({
      title: `1. Upstream calls and time for one dashboard query (N contacts with emailVerifications and verificationRequests; ${settings.upstreamLatencyMs} ms upstream latency)`,
      body: [
        table(
          ['contacts of', 'N', 'budget', 'found', 'cold calls', 'warm calls', 'target (cold/warm)', 'cold ms', 'warm ms'],
          results.dashboard.map((row) => [
            row.scenario ?? SHORT[row.provider as CountedProvider],
            String(row.n),
            String(row.budget ?? 100),
            String(row.found),
            dashboardCalls(row),
            calls(row.warm),
            `${row.targetText ?? `≤ ${row.target}`} / 0`,
            fmt(row.coldMs),
            fmt(row.warmMs, 1),
          ]),
        ),
        '',
        '- budget: UPSTREAM_CALLS_PER_REQUEST of the row\'s gateway (default 100); a row the default refuses is run again with the budget raised to N.',
        '- Openprovider: list = customer-list pages (1000 customers a call), get = GetCustomer, rows = email-verification list calls.',
        '- target "plan": per read, 1 call for one handle, else the first list page and then the rest of the list or one lookup per handle, whichever is fewer (src/services/list-plan.ts).',
      ].join('\n'),
    });
  }
  if (results.load) {
    out.push({
      title: `2. Throughput and latency (${settings.durationS} s per row; gateway and simulators in separate processes; per-request figures of the server process)`,
      body: table(
        ['query', 'connections', 'req/s', 'x floor', 'p50 ms', 'p99 ms', ...PER_REQUEST_HEADER, 'cache hit ratio', 'errors/non-2xx/GraphQL errors'],
        results.load.map((row) => [
          row.name,
          String(row.connections),
          fmt(row.result.requestsPerSecond),
          row.ratioToFloor === undefined ? '' : fmt(row.ratioToFloor, 2),
          fmt(row.result.latencyMs.p50, 1),
          fmt(row.result.latencyMs.p99, 1),
          ...perRequest(row),
          row.cacheHitRatio === undefined ? '' : fmt(row.cacheHitRatio, 3),
          failures(row),
        ]),
      ),
    });
  }
  if (results.fanout) {
    const steps = [...results.fanout.gateway.results.map((step) => ['gateway', step] as const), ...results.fanout.floor.results.map((step) => ['bare yoga (floor)', step] as const)];
    out.push({
      title: '3. Subscription fan-out over SSE (one HTTP connection per subscriber; events sent one at a time: signed webhooks to the gateway, in-process publish on the floor)',
      body: table(
        ['server', 'subscribers', 'events', 'deliveries', 'lost', 'p50 ms', 'p99 ms', 'max ms', 'server CPU µs/delivery', 'RSS/subscriber', 'heap/subscriber', 'connect s'],
        steps.map(([server, step]) => [
          server,
          String(step.subscribers),
          String(step.events),
          String(step.deliveries),
          String(step.lost),
          fmt(step.latencyMs.p50, 1),
          fmt(step.latencyMs.p99, 1),
          fmt(step.latencyMs.max, 1),
          step.cpuMicrosPerDelivery === undefined ? '—' : fmt(step.cpuMicrosPerDelivery, 1),
          `${fmt(step.memory.rssPerSubscriberBytes / 1024, 1)} KB`,
          `${fmt(step.memory.heapPerSubscriberBytes / 1024, 1)} KB`,
          fmt(step.connectSeconds, 1),
        ]),
      ),
    });
  }
  if (results.startup) {
    out.push({
      title: '4. Start-up to ready in sandbox mode (spawn to the first 200 from /readyz)',
      body: table(
        ['how', 'command', 'median s', 'runs s'],
        results.startup.map((variant) => [variant.name, variant.command, variant.skipped ? '—' : fmt(variant.medianMs / 1000, 2), variant.skipped ?? variant.runsMs.map((ms) => fmt(ms / 1000, 2)).join(', ')]),
      ),
    });
  }
  if (results.peer) {
    const peer = results.peer;
    if ('skipped' in peer) {
      out.push({ title: '5. The peer: Hive Gateway + GraphQL Mesh (OpenAPI source)', body: `Not run: ${peer.skipped}` });
    } else {
      const peerMissRate = peer.rows.find((row) => row.server === 'peer' && row.upstreamLatencyMs > 0)?.result.requestsPerSecond;
      const peerRate = peer.rows.find((row) => row.server === 'peer' && row.upstreamLatencyMs === 0 && row.scenario === 'upstream, no cache')?.result.requestsPerSecond;
      out.push({
        title: `5. The peer: Hive Gateway + GraphQL Mesh (OpenAPI source) over the same Realtime Register simulator (${settings.durationS} s per row, ${settings.connections} connections)`,
        body: [
          table(
            ['server', 'answered from', 'upstream latency', 'req/s', 'x floor', 'x peer', 'p50 ms', 'p99 ms', ...PER_REQUEST_HEADER, 'errors/non-2xx/GraphQL errors'],
            peer.rows.map((row) => {
              const comparable = row.upstreamLatencyMs > 0 ? peerMissRate : peerRate;
              return [
                row.name,
                row.scenario,
                `${row.upstreamLatencyMs} ms`,
                fmt(row.result.requestsPerSecond),
                fmt(row.ratioToFloor, 2),
                row.server === 'floor' || comparable === undefined ? '' : fmt(row.result.requestsPerSecond / comparable, 2),
                fmt(row.result.latencyMs.p50, 1),
                fmt(row.result.latencyMs.p99, 1),
                ...perRequest(row),
                failures(row),
              ];
            }),
          ),
          '',
          table(
            ['one query, 5 aliased contact fields', 'upstream calls (fresh handles)', 'upstream calls (same query again)'],
            peer.aliased.map((entry) => [entry.server === 'ours' ? 'our gateway' : 'peer (no cache)', String(entry.first), String(entry.again)]),
          ),
          '',
          ...peer.notes.map((note) => `- ${note}`),
          '- "x peer" compares with the peer without a cache at the same upstream latency.',
        ].join('\n'),
      });
    }
  }
  if (results.targets) {
    out.push({ title: 'Against the targets (issue 17; the bench never fails on a missed target)', body: table(['figure', 'measured', 'target', ''], results.targets.map((row) => [row.figure, row.measured, row.target, row.verdict])) });
  }
  return out;
}

export function machineLine(results: BenchResults): string {
  const { machine } = results;
  return `Machine: ${machine.nproc} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}; run started ${results.startedAt}, took ${fmt(results.durationS)} s; parts: ${results.settings.parts.join(', ')}.`;
}
