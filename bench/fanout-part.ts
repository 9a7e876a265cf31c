import { startOurGateway } from './bench-servers.js';
import { runJson, startServer } from './server-process.js';

/**
 * Benchmark 3, subscription fan-out: bench/fanout.ts's SSE subscribers against the gateway's verificationEvents, then
 * against a bare yoga subscription (bench/sse-floor-server.ts, the floor). Both servers run with --expose-gc (the
 * client reads memory after a full GC, triggered with SIGUSR2); the gateway runs its simulators in its process.
 */

export interface FanoutStep {
  subscribers: number;
  subscriberGauge: number;
  events: number;
  deliveries: number;
  lost: number;
  connectSeconds: number;
  sendSeconds: number;
  /** Server CPU (user + system) while the events were sent, per delivery; absent in results from before it was measured. */
  cpuMicrosPerDelivery?: number;
  latencyMs: { p50: number; p99: number; max: number };
  memory: { rssBytes: number; heapBytes: number; rssPerSubscriberBytes: number; heapPerSubscriberBytes: number };
}

export interface FanoutRun {
  baseline: { rss: number; heap: number };
  results: FanoutStep[];
}

export async function fanoutBench(settings: { fanoutSteps: number[]; fanoutEvents: number }, log: (line: string) => void): Promise<{ gateway: FanoutRun; floor: FanoutRun }> {
  const run = async (target: 'gateway' | 'floor'): Promise<FanoutRun> => {
    log(`fan-out (${target}): ${settings.fanoutSteps.join(' then ')} SSE subscribers, ${settings.fanoutEvents} events each`);
    const server =
      target === 'gateway'
        ? await startOurGateway({ nodeFlags: ['--expose-gc'] })
        : await startServer({ args: ['--import', 'tsx', 'bench/sse-floor-server.ts'], nodeFlags: ['--expose-gc'] });
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
