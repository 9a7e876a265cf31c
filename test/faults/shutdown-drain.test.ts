import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { freePort } from '../helpers/redis-server.js';
import { eventually, sleep } from './support.js';

/**
 * SIGTERM to a real gateway process while clients keep sending on kept-alive connections. Every request gets an
 * answer: a normal one, or 503 with `Connection: close` once the drain began; a connection attempt after the listener
 * closed is refused (nothing sent). Counted over more than a thousand requests: not one reset. And `npm start` passes
 * the signal on (its script execs node), so the gateway drains instead of being orphaned.
 */

const QUERY = JSON.stringify({ query: '{ providers { provider } }' });
/** Errors that mean a request was cut off after it may have been sent: the client cannot know whether it ran. */
const RESETS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

interface Outcome {
  /** Sent after the signal (a request sent just before may still arrive during the drain). */
  afterSignal: boolean;
  status: number | null;
  connectionClose: boolean;
  error: string | null;
}

const started: ChildProcess[] = [];
const gatewayPids: number[] = [];

afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of gatewayPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Keeps `workers` kept-alive connections busy until stop() is called; every request's outcome is recorded. */
function startLoad(url: string, workers: number, signalled: () => boolean) {
  const agent = new Agent({ connections: workers, pipelining: 1 });
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const afterSignal = signalled();
      try {
        const response = await request(`${url}/graphql`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: QUERY });
        await response.body.text();
        outcomes.push({ afterSignal, status: response.statusCode, connectionClose: response.headers.connection === 'close', error: null });
      } catch (error) {
        const code = (error as { code?: string }).code ?? (error as Error).name;
        outcomes.push({ afterSignal, status: null, connectionClose: false, error: code });
        if (code === 'ECONNREFUSED') await sleep(10);
      }
    }
  });
  return {
    outcomes,
    async stop(): Promise<Outcome[]> {
      running = false;
      await Promise.all(loops);
      await agent.close();
      return outcomes;
    },
  };
}

describe('SIGTERM with clients on kept-alive connections', () => {
  it('answers every request (normally, or 503 with Connection: close) and resets none, over more than 1,000 requests', async () => {
    // Realtime Register reads take 1 s, so some requests are surely in flight when the signal arrives.
    const gateway: GatewayProcess = await startGatewayProcess({ SANDBOX_FAULTS: JSON.stringify({ REALTIME_REGISTER: { latencyMs: 1000 } }) });
    started.push(gateway.child);
    let signalled = false;
    const load = startLoad(gateway.url, 8, () => signalled);
    await eventually(() => load.outcomes.filter((outcome) => outcome.status === 200).length >= 1_000, 60_000, '1,000 answered requests');
    const slow = Array.from({ length: 4 }, (_, i) =>
      fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ contact(provider: REALTIME_REGISTER, handle: "rtr-00${20 + i}") { handle } }` }) }),
    );
    await sleep(200);
    signalled = true;
    gateway.child.kill('SIGTERM');

    const slowAnswers = await Promise.all(slow.map(async (reply) => ({ status: (await reply).status, body: await (await reply).json() })));
    expect(await gateway.exited).toBe(0);
    const outcomes = await load.stop();

    const resets = outcomes.filter((outcome) => outcome.error !== null && RESETS.has(outcome.error));
    const unexplained = outcomes.filter((outcome) => outcome.error !== null && outcome.error !== 'ECONNREFUSED' && !RESETS.has(outcome.error));
    const drained = outcomes.filter((outcome) => outcome.status === 503);
    expect(outcomes.length).toBeGreaterThan(1_000);
    expect(outcomes.filter((outcome) => outcome.afterSignal).length).toBeGreaterThan(0);
    expect(resets).toEqual([]);
    expect(unexplained).toEqual([]);
    // Requests that reached a kept-alive connection during the drain were answered, each 503 telling the client to let go.
    expect(drained.length).toBeGreaterThan(0);
    expect(drained.every((outcome) => outcome.connectionClose)).toBe(true);
    expect(outcomes.filter((outcome) => outcome.status !== null && outcome.status !== 200 && outcome.status !== 503)).toEqual([]);
    // The requests in flight at the signal finished normally.
    expect(slowAnswers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(slowAnswers.every((answer) => answer.body.data.contact.handle)).toBe(true);
  });
});

describe('npm start', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('passes %s on to the gateway, which drains and exits', async (signal) => {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(npm);
    let output = '';
    npm.stdout!.on('data', (chunk) => (output += String(chunk)));
    npm.stderr!.on('data', (chunk) => (output += String(chunk)));
    // Generous: a first start after an edit builds the bundle, and other test files load the machine meanwhile.
    const ready = await eventually(() => /"pid":(\d+)[^\n]*gateway ready/.exec(output), 60_000, 'gateway ready').catch((error: Error) => {
      throw new Error(`${error.message}; output:\n${output.slice(-2000)}`);
    });
    const gatewayPid = Number(ready[1]);
    gatewayPids.push(gatewayPid);
    expect(gatewayPid).not.toBe(npm.pid);

    npm.kill(signal);
    await eventually(() => !alive(gatewayPid), 30_000, 'the gateway process exited').catch((error: Error) => {
      throw new Error(`${error.message}; output:\n${output.slice(-2000)}`);
    });
    expect(output).toMatch(new RegExp(`"signal":"${signal}"[^\\n]*shutting down`));
    expect(output).toMatch(/"msg":"stopped"/);
  }, 120_000);
});
