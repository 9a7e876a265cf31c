import type { LoadResult } from './load-generators.js';
import type { ProbeReading, Server } from './server-process.js';

/**
 * One measured load row: the load result plus what the server process spent on it (bench/probe.mjs) and, when the
 * simulators run in their own process (bench/simulator-server.ts), the contact reads the Realtime Register simulator
 * served, each divided by the requests sent in the window.
 */
export interface MeasuredRow {
  result: LoadResult;
  probe: ProbeReading;
  perRequest: {
    /** Process CPU time (user + system) of the server per request sent. */
    cpuMs: number;
    /** V8 heap bytes allocated per request sent. */
    allocatedBytes: number;
    /** GC pause time per request sent. */
    gcMs: number;
    /** Contact reads at the Realtime Register simulator per request sent (null: not counted). */
    upstreamCalls: number | null;
  };
}

/** Reads the Realtime Register simulator's contact-read counter (bench/simulator-server.ts). */
export async function contactReads(simulatorUrl: string): Promise<number> {
  const response = await fetch(`${simulatorUrl}/__control/bench-calls`);
  const counts = (await response.json()) as { contactReads: number };
  return counts.contactReads;
}

/**
 * Waits until requests still in flight (a warm-up's last ones, a run's unanswered ones) are done: the simulator's
 * counter unchanged for 250 ms (at most 5 s), or just 250 ms without a simulator.
 */
async function settle(simulatorUrl?: string): Promise<number | null> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
  if (!simulatorUrl) {
    for (let waited = 0; waited < 250; waited += 50) await pause();
    return null;
  }
  let last = await contactReads(simulatorUrl);
  let quietSince = Date.now();
  const deadline = Date.now() + 5_000;
  while (Date.now() - quietSince < 250 && Date.now() < deadline) {
    await pause();
    const now = await contactReads(simulatorUrl);
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
  }
  return last;
}

/**
 * Runs `load` against `server` inside a probe window and between two readings of the simulator's counter, each taken
 * once the requests in flight are done, so the window holds the run's requests: no fewer, no more.
 */
export async function measureRow(server: Server, load: () => Promise<LoadResult>, simulatorUrl?: string): Promise<MeasuredRow> {
  const readsBefore = await settle(simulatorUrl);
  const close = await server.probe();
  const result = await load();
  const readsAfter = await settle(simulatorUrl);
  const probe = await close();
  const sent = Math.max(1, result.sent ?? result.total);
  return {
    result,
    probe,
    perRequest: {
      cpuMs: probe.cpuMs / sent,
      allocatedBytes: probe.allocatedBytes / sent,
      gcMs: probe.gcMs / sent,
      upstreamCalls: readsBefore === null || readsAfter === null ? null : (readsAfter - readsBefore) / sent,
    },
  };
}
