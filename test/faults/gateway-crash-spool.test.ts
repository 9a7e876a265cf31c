import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { eventually, evidence, postGraphQL, sleep, startDurableRedis, SUBMIT, SUBMITTED, type DurableRedis, untilRedisIs } from './support.js';

/**
 * The gateway itself killed (SIGKILL: no shutdown code runs) while the records of accepted writes wait in its outbox
 * spool file because Redis is away, then started again on the same spool directory. Counted per mutation answered
 * success with `eventPending: true`: each event is stored exactly once by the next gateway, nothing doubled, and the
 * crashed process's spool file is adopted and emptied.
 */

let redis: DurableRedis;
let spool: string;
const processes: GatewayProcess[] = [];

beforeAll(async () => {
  redis = await startDurableRedis();
  spool = await mkdtemp(join(tmpdir(), 'vgw-crash-spool-'));
});

afterAll(async () => {
  for (const gateway of processes) if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
  await redis?.stop();
  await rm(spool, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess({ REDIS_URL: redis.url, OUTBOX_SPOOL_DIR: spool, OUTBOX_RETRY_INTERVAL_MS: '100', ...env });
  processes.push(gateway);
  await untilRedisIs(gateway, 'ok');
  return gateway;
}

/**
 * Waits until Realtime Register (the sandbox inside the gateway process) received every handle's update: a fixed
 * sleep raced the mutations' store check on a loaded machine, and a Redis killed before it made them UnavailableError.
 */
async function atProvider(gateway: GatewayProcess, handles: string[]): Promise<void> {
  const providers = (await postGraphQL(gateway.url, '{ providers { provider baseUrl } }')).body?.data?.providers as { provider: string; baseUrl: string }[];
  const rtr = providers.find((status) => status.provider === 'REALTIME_REGISTER')!.baseUrl;
  await eventually(async () => {
    const { requests } = (await (await fetch(`${rtr}/__control/requests`)).json()) as { requests: { method: string; path: string }[] };
    return handles.every((handle) => requests.some((request) => request.method === 'POST' && request.path.endsWith(`/contacts/${handle}/update`)));
  }, 20_000, 'every submission at the provider');
}

async function submittedCounts(gateway: GatewayProcess): Promise<Map<string, number>> {
  const reply = await postGraphQL(gateway.url, SUBMITTED);
  expect(reply.body?.errors).toBeUndefined();
  const counts = new Map<string, number>();
  for (const { node } of (reply.body!.data!.verificationEvents as { edges: { node: { contactHandle: string } }[] }).edges) {
    counts.set(node.contactHandle, (counts.get(node.contactHandle) ?? 0) + 1);
  }
  return counts;
}

describe('the gateway killed with outbox records waiting in its spool file', () => {
  it('stores each pending event exactly once after the restart', async () => {
    // Realtime Register takes 1.5 s to answer, so Redis can die while every submission is at the provider.
    const first = await start({ SANDBOX_FAULTS: JSON.stringify({ REALTIME_REGISTER: { latencyMs: 1_500 } }) });
    const handles = Array.from({ length: 6 }, (_, i) => `rtr-${String(450 + i).padStart(4, '0')}`);
    const answers = handles.map((handle) => postGraphQL(first.url, SUBMIT, { input: evidence(handle) }).then((reply) => ({ handle, answer: reply.body?.data?.submitContactVerification as { __typename: string; eventPending?: boolean } | undefined })));
    await atProvider(first, handles);
    await redis.kill();
    const outcomes = await Promise.all(answers);
    // Every one was sent before Redis died: accepted, its records kept for later.
    expect(outcomes.map(({ answer }) => answer)).toEqual(handles.map(() => ({ __typename: 'SubmitContactVerificationSuccess', eventPending: true })));
    const own = (await readdir(spool)).filter((name) => name.startsWith('outbox-'));
    expect(own).toHaveLength(1);
    expect((await readFile(join(spool, own[0]!), 'utf8')).split('\n').filter(Boolean)).toHaveLength(handles.length);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    await redis.restart();

    // A second crash after adopting: the next gateway adopts again, still exactly once.
    const second = await start();
    const stored = await eventually(async () => {
      const counts = await submittedCounts(second);
      return handles.every((handle) => counts.has(handle)) ? counts : null;
    }, 15_000, 'every pending event stored');
    expect(Object.fromEntries(handles.map((handle) => [handle, stored.get(handle)]))).toEqual(Object.fromEntries(handles.map((handle) => [handle, 1])));
    await eventually(async () => (await readdir(spool)).every((name) => !name.includes(String(first.child.pid))), 5_000, 'crashed spool file adopted');
    second.child.kill('SIGKILL');
    await second.exited;

    const third = await start();
    await sleep(500);
    const again = await submittedCounts(third);
    expect(Object.fromEntries(handles.map((handle) => [handle, again.get(handle)]))).toEqual(Object.fromEntries(handles.map((handle) => [handle, 1])));
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    // Three gateway processes, each compiled by tsx as it starts: a hang guard, not a speed target.
  }, 180_000);
});

describe('SIGTERM while Redis is paused, with outbox records waiting', () => {
  it('exits 0, leaves them in the spool file, and the next gateway stores each exactly once', async () => {
    const first = await start({ SANDBOX_FAULTS: JSON.stringify({ REALTIME_REGISTER: { latencyMs: 1_500 } }) });
    const handles = Array.from({ length: 3 }, (_, i) => `rtr-${String(470 + i).padStart(4, '0')}`);
    const answers = handles.map((handle) => postGraphQL(first.url, SUBMIT, { input: evidence(handle) }));
    await atProvider(first, handles);
    redis.pause();
    try {
      const outcomes = (await Promise.all(answers)).map((reply) => reply.body?.data?.submitContactVerification);
      expect(outcomes).toEqual(handles.map(() => ({ __typename: 'SubmitContactVerificationSuccess', eventPending: true })));
      first.child.kill('SIGTERM');
      // A frozen Redis must not hold the shutdown: every Redis call on the way out has a deadline.
      expect(await first.exited).toBe(0);
      expect(first.output()).toMatch(/outbox items left in the spool file/);
    } finally {
      redis.resume();
    }

    const second = await start();
    const stored = await eventually(async () => {
      const counts = await submittedCounts(second);
      return handles.every((handle) => counts.has(handle)) ? counts : null;
    }, 15_000, 'every pending event stored');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(Object.fromEntries(handles.map((handle) => [handle, stored.get(handle)]))).toEqual(Object.fromEntries(handles.map((handle) => [handle, 1])));
    expect((await readdir(spool)).filter((name) => name.endsWith('.jsonl'))).toEqual([]);
  }, 180_000);
});
