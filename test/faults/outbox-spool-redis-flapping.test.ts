import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { realtimeRegisterEnv, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { eventually, evidence, mulberry32, postGraphQL, rtrHandle, sleep, startDurableRedis, SUBMIT, SUBMITTED, type DurableRedis } from './support.js';

/**
 * The outbox's worst week: a gateway answers mutations `eventPending` while Redis dies under them and is SIGKILLed
 * before Redis returns; the next gateway starts on the same spool directory while Redis is still down (it adopts the
 * spool file, and refuses new mutations without sending them), then Redis comes back and is killed again several
 * times while that gateway drains what it adopted, and the gateway itself is SIGKILLed with Redis down once more. A
 * third gateway finishes. Counted per mutation: every one answered success is stored exactly once, every one refused
 * reached no provider and is not stored. FAULT_SEED varies when Redis flaps (the pauses between kill and restart).
 */

const KEY = 'faults-spool-flapping-key';
const SEED = process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : 20261128;

let redis: DurableRedis;
let sandbox: Sandbox;
let spool: string;
const processes: GatewayProcess[] = [];

beforeAll(async () => {
  redis = await startDurableRedis();
  spool = await mkdtemp(join(tmpdir(), 'vgw-spool-flapping-'));
  sandbox = await startSandbox({ gatewayUrl: () => null, realtimeRegister: { pushWebhooks: false, seedDenicRequests: 0 } });
});

afterAll(async () => {
  for (const gateway of processes) if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
  await sandbox?.stop();
  await redis?.stop();
  await rm(spool, { recursive: true, force: true });
});

async function start(): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess({
    REDIS_URL: redis.url,
    OUTBOX_SPOOL_DIR: spool,
    OUTBOX_RETRY_INTERVAL_MS: '50',
    GATEWAY_API_KEYS: `${KEY}:*`,
    REALTIME_REGISTER_POLL: 'off',
    ...realtimeRegisterEnv(sandbox.realtimeRegister.endpoint()),
  });
  processes.push(gateway);
  return gateway;
}

const post = (gateway: GatewayProcess, query: string, variables: Record<string, unknown> = {}) => postGraphQL(gateway.url, query, variables, { headers: { authorization: `Bearer ${KEY}` } });
const updatesOf = (handle: string) => sandbox.realtimeRegister.server.count(`/v2/customers/${sandbox.realtimeRegister.endpoint().customer}/contacts/${handle}/update`, 'POST');

async function submit(gateway: GatewayProcess, handle: string): Promise<{ handle: string; typename: string; eventPending?: boolean }> {
  const reply = await post(gateway, SUBMIT, { input: evidence(handle) });
  const answer = reply.body?.data?.submitContactVerification as { __typename: string; eventPending?: boolean } | undefined;
  return { handle, typename: answer?.__typename ?? reply.text, eventPending: answer?.eventPending };
}

async function submittedCounts(gateway: GatewayProcess): Promise<Map<string, number> | null> {
  const reply = await post(gateway, SUBMITTED);
  if (reply.body?.errors) return null;
  const counts = new Map<string, number>();
  for (const { node } of (reply.body!.data!.verificationEvents as { edges: { node: { contactHandle: string } }[] }).edges) {
    counts.set(node.contactHandle, (counts.get(node.contactHandle) ?? 0) + 1);
  }
  return counts;
}

describe(`accepted writes spooled, the gateway killed and restarted while Redis is down, Redis flapping during the drain (FAULT_SEED=${SEED})`, () => {
  it('stores every mutation answered success exactly once and nothing of those refused', async () => {
    const rng = mulberry32(SEED);
    const rtr = sandbox.realtimeRegister.server;
    const first = await start();
    rtr.setFaults({ latencyMs: 1_000 });
    const accepted = Array.from({ length: 8 }, (_, i) => rtrHandle(300 + i));
    const answers = accepted.map((handle) => submit(first, handle));
    // Every one is at the provider when Redis dies: accepted, kept in the spool file.
    await eventually(() => accepted.every((handle) => updatesOf(handle) === 1), 10_000, 'every submission at the provider');
    await redis.kill();
    const outcomes = await Promise.all(answers);
    expect(outcomes.map(({ typename, eventPending }) => ({ typename, eventPending }))).toEqual(accepted.map(() => ({ typename: 'SubmitContactVerificationSuccess', eventPending: true })));
    rtr.setFaults({});
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);

    // Started with Redis still down: it adopts the file, and a new mutation is refused before anything is sent.
    const second = await start();
    const refusedHandles = [rtrHandle(320), rtrHandle(321)];
    const refused = await Promise.all(refusedHandles.map((handle) => submit(second, handle)));
    expect(refused.map(({ typename }) => typename)).toEqual(refusedHandles.map(() => 'UnavailableError'));
    expect(refusedHandles.map(updatesOf)).toEqual([0, 0]);

    // Redis back and killed again, several times, while the adopted items drain; then the gateway dies too.
    for (let flap = 0; flap < 4; flap++) {
      await redis.restart();
      await sleep(Math.floor(rng() * 300));
      await redis.kill();
      await sleep(Math.floor(rng() * 300));
    }
    second.child.kill('SIGKILL');
    expect(await second.exited).toBe(null);
    await redis.restart();

    const third = await start();
    const more = [rtrHandle(330), rtrHandle(331)];
    const later = await Promise.all(more.map((handle) => submit(third, handle)));
    expect(later.map(({ typename }) => typename)).toEqual(more.map(() => 'SubmitContactVerificationSuccess'));
    const succeeded = [...accepted, ...more];
    const stored = await eventually(async () => {
      const counts = await submittedCounts(third);
      return counts && succeeded.every((handle) => counts.has(handle)) ? counts : null;
    }, 30_000, 'every accepted submission stored').catch((error: Error) => {
      throw new Error(`${error.message}\n--- second gateway:\n${second.output().slice(-3_000)}\n--- third gateway:\n${third.output().slice(-3_000)}`);
    });
    expect(succeeded.filter((handle) => stored.get(handle) !== 1).map((handle) => `${handle}: ${stored.get(handle)}`)).toEqual([]);
    expect(refusedHandles.filter((handle) => stored.has(handle))).toEqual([]);
    // Each accepted write reached the provider once: no retry sent it again.
    expect(succeeded.map(updatesOf)).toEqual(succeeded.map(() => 1));
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 180_000);
});
