// One autocannon run in its own process (so the load generator does not share an event loop with the server).
// argv[2]: JSON { url, connections, durationS, bodies: string[] (cycled, one per request), overallRate?, headers? }.
// Prints one JSON line: requests/s, latency percentiles (ms), errors.
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2]);
let next = 0;
// GraphQL errors come with HTTP 200: count them from the bodies so a fast error never passes for a fast answer.
let graphqlErrors = 0;
let sampleError = null;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationS,
  // With a rate, autocannon "corrects" for coordinated omission with an expected interval of ceil(1 / per-connection
  // rate) = 1 ms (a unit mix-up in autocannon 9), filling the histogram with made-up values below the real ones. We
  // send at a fixed rate below capacity, so there is no omission to correct: record what was measured.
  ...(spec.overallRate ? { overallRate: spec.overallRate, ignoreCoordinatedOmission: true } : {}),
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...spec.headers },
  requests: [
    {
      setupRequest: (request) => ({ ...request, body: spec.bodies[next++ % spec.bodies.length] }),
      onResponse: (status, body) => {
        if (status === 200 && body.includes('"errors"')) {
          graphqlErrors++;
          sampleError ??= body.slice(0, 300);
        }
      },
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    // Requests sent, answered or not when the run ended (the server worked on those still in flight too). With a rate,
    // autocannon 9's `sent` runs a second's worth ahead of what went out, so the answered count stands in.
    sent: spec.overallRate ? result.requests.total : result.requests.sent,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, mean: result.latency.average, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors,
    sampleError,
  })}\n`,
);
