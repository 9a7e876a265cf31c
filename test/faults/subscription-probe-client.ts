import { fork, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { eventually } from './support.js';

/**
 * The test side of subscription-probe-gateway.ts: starts that gateway in its own process (with --expose-gc), asks it
 * for counts over IPC, and drops SSE subscriptions against it. Shared by the subscription lifecycle probes.
 */

export interface Counts {
  open: number;
  gauge: number;
  heapUsed?: number;
}

export interface ProbeGateway {
  url: string;
  ask(type: 'count' | 'measure'): Promise<Counts>;
  /** Waits until the gateway reports `open` subscription streams (and the same on the gauge). */
  untilOpen(open: number): Promise<void>;
  /** Opens `count` SSE subscriptions, waits until the gateway holds them all, then drops every connection. */
  dropSseSubscriptions(count: number): Promise<void>;
  stop(): Promise<void>;
}

const SUBSCRIBE = JSON.stringify({ query: 'subscription { verificationEvents { id } }' });

/** `env` reaches the gateway's loadConfig (e.g. { REDIS_URL }). */
export async function startProbeGateway(env: Record<string, string> = {}): Promise<ProbeGateway> {
  const child: ChildProcess = fork(new URL('./subscription-probe-gateway.ts', import.meta.url).pathname, [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    cwd: new URL('../../', import.meta.url).pathname,
    env: { ...process.env, PROBE_GATEWAY_ENV: JSON.stringify(env) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { type: string; url: string }) => (message.type === 'ready' ? resolve(message.url) : reject(new Error(JSON.stringify(message)))));
    child.once('exit', (code) => reject(new Error(`the probe gateway exited with ${code}`)));
  });

  const ask = (type: 'count' | 'measure'): Promise<Counts> =>
    new Promise((resolve) => {
      const onMessage = (message: { type: string } & Counts) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      child.send({ type });
    });

  const untilOpen = async (open: number): Promise<void> => {
    await eventually(async () => {
      const counts = await ask('count');
      return counts.open === open && counts.gauge === open;
    }, 20_000, `${open} open subscriptions`).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(await ask('count'))}`);
    });
  };

  return {
    url,
    ask,
    untilOpen,
    async dropSseSubscriptions(count) {
      const aborts = await Promise.all(
        Array.from({ length: count }, async () => {
          const abort = new AbortController();
          const response = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
            body: SUBSCRIBE,
            signal: abort.signal,
          });
          expect(response.status).toBe(200);
          void response.body!.getReader().read().catch(() => undefined);
          return abort;
        }),
      );
      await untilOpen(count);
      for (const abort of aborts) abort.abort();
      await untilOpen(0);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}
