// Open-loop load at a fixed rate, in its own process: one request every 1/rate s on a schedule that does not wait
// for answers (autocannon's overallRate instead sends each connection's share back to back at the start of every
// second, i.e. bursts). Latency counts from the scheduled send time, so client lag is not hidden.
// The first warmupS seconds (default 1) run at the same rate but are not recorded: they open the connections and warm
// this process's JIT, which otherwise shows up as a burst of slow answers at the start of every run.
// argv[2]: JSON { url, bodies: string[] (cycled), ratePerSecond, durationS, warmupS?, connections, headers?, paths? }.
// With `paths` (cycled: path and query on the url's origin) it sends GETs instead of POSTs of `bodies`: the upstream
// call a cache miss makes, sent to the simulator alone, to measure what the miss adds to it. Prints one JSON line:
// `total` and the latencies are of the recorded requests; `sent` counts every request, warm-up included
// (every one is awaited, so all were answered or failed).
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

const spec = JSON.parse(process.argv[2]);
const target = new URL(spec.url);
const pool = new Pool(target.origin, { connections: spec.connections ?? 50, pipelining: 1 });
const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...spec.headers };
const latencies = [];
let errors = 0;
let non2xx = 0;
let graphqlErrors = 0;
let sampleError = null;
const pending = new Set();
const interval = 1000 / spec.ratePerSecond;
const warmup = Math.round(spec.ratePerSecond * (spec.warmupS ?? 1));
const total = warmup + Math.round(spec.ratePerSecond * spec.durationS);
const start = performance.now();
let measuredFrom = start;

function send(index, scheduled) {
  const record = index >= warmup;
  const request = pool
    .request(
      spec.paths
        ? { path: spec.paths[index % spec.paths.length], method: 'GET', headers: spec.headers ?? {} }
        : { path: target.pathname, method: 'POST', headers, body: spec.bodies[index % spec.bodies.length] },
    )
    .then(async (response) => {
      const text = await response.body.text();
      if (!record) return;
      latencies.push(performance.now() - scheduled);
      if (response.statusCode !== 200) non2xx++;
      else if (text.includes('"errors"')) {
        graphqlErrors++;
        sampleError ??= text.slice(0, 300);
      }
    })
    .catch(() => {
      if (record) errors++;
    })
    .finally(() => pending.delete(request));
  pending.add(request);
}

let sent = 0;
while (sent < total) {
  const now = performance.now();
  while (sent < total && start + sent * interval <= now) {
    if (sent === warmup) measuredFrom = start + sent * interval;
    send(sent, start + sent * interval);
    sent++;
  }
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await Promise.all([...pending]);
const elapsed = (performance.now() - measuredFrom) / 1000;
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: latencies.length / elapsed,
    total: latencies.length,
    sent,
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), mean: latencies.reduce((sum, value) => sum + value, 0) / latencies.length, max: latencies.at(-1) },
    errors,
    timeouts: 0,
    non2xx,
    graphqlErrors,
    sampleError,
  })}\n`,
);
await pool.close();
