import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimNotification } from '../../src/sandbox/realtime-register-notifications.js';
import type { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { subscribeSse, subscribeWs, type Subscription } from '../integration/events-support.js';
import { eventually, startDurableRedis, type DurableRedis } from './support.js';
import { postVeriffDecision } from '../helpers/veriff-decision.js';

/**
 * Redis killed (SIGKILL) and restarted under load. While it is gone, reads keep working (the cache is bypassed),
 * Realtime Register webhooks answer 503 and the poller stops acknowledging, so the provider keeps every notification.
 * Once Redis is back, every notification the provider (re)delivered is in the event log exactly once: counted by
 * notification id, nothing lost, nothing doubled. The Redis keeps acknowledged writes across the crash
 * (appendfsync always), as a production Redis configured for durability does.
 */

let redis: DurableRedis;
let gateway: TestGateway;
let simulator: RealtimeRegisterSimulator;

const READS = [
  { query: `query($h: String!) { contact(provider: REALTIME_REGISTER, handle: $h) { handle name } }`, variables: () => ({ h: randomRtrHandle() }) },
  { query: `query($h: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $h) { handle } }`, variables: () => ({ h: [randomRtrHandle(), randomRtrHandle()] }) },
  { query: `{ emailVerifications(filter: { email: "shared.registrant@example.com" }) { edges { node { provider status } } } }`, variables: () => ({}) },
  { query: `{ providers { provider circuit } verificationMatrix { method proof } }`, variables: () => ({}) },
];

function randomRtrHandle(): string {
  return `rtr-${String(1 + Math.floor(Math.random() * 60)).padStart(4, '0')}`;
}

const EVENTS = `{ verificationEvents(first: 1000) { edges { node {
  id type
  ... on RegistryCheckDecidedEvent { registryCheck { sessionId status } }
  ... on VerificationRequiredEvent { request { contactHandle } }
  ... on ProviderNotificationEvent { notificationId }
} } } }`;

interface ReadOutcome {
  phase: string;
  ok: boolean;
  detail: string;
}

/** Readers that keep querying until stopped, each outcome labelled with the phase it started in. */
function startLoad(workers: number, phase: () => string): { stop(): Promise<ReadOutcome[]> } {
  const outcomes: ReadOutcome[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = worker; running; i++) {
      const read = READS[i % READS.length]!;
      const started = phase();
      const reply = await gateway.graphql(read.query, read.variables()).catch((error: Error) => ({ status: 0, errors: [{ message: error.message }], data: null }));
      const ok = reply.status === 200 && reply.errors === undefined && !!reply.data;
      outcomes.push({ phase: started, ok, detail: ok ? '' : JSON.stringify(reply).slice(0, 300) });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

async function redisStatus(): Promise<string | undefined> {
  const response = await fetch(`${gateway.url}/readyz`);
  return ((await response.json()) as { redis?: string }).redis;
}

const acks = (id: number) => simulator.server.count(`/v2/customers/sandbox/notifications/${id}/ack`, 'POST');
const deliveriesOf = (id: number) => simulator.deliveries.filter((delivery) => delivery.notificationId === id);

let serial = 0;
/** Alternates DENIC requests (unique handle each) and plain notifications. */
function inject(): SimNotification {
  serial += 1;
  if (serial % 2 === 0) return simulator.injectNotification({ message: `Maintenance notice ${serial}`, eventType: 'GENERIC', notificationType: 'Notification' });
  return simulator.injectDenicRequest({ handle: `redis-down-${serial}`, claims: ['NAME'] });
}

beforeAll(async () => {
  redis = await startDurableRedis();
  gateway = await startTestGateway({
    env: { REDIS_URL: redis.url },
    // The provider redelivers a refused webhook every 250 ms here (for 15 s), not after 10 s, 30 s, 2 min, ...
    // Veriff's own decision stays away (10 min): the test delivers it by hand, during and after the outage.
    gateway: { sandbox: { realtimeRegister: { webhookRetryDelaysMs: Array.from({ length: 60 }, () => 250) }, veriffDecisionDelayMs: 600_000 } },
  });
  simulator = gateway.sandbox!.realtimeRegister;
  await eventually(async () => (await redisStatus()) === 'ok', 10_000, 'redis ready');
});

afterAll(async () => {
  await gateway?.stop();
  await redis?.stop();
});

describe('Redis killed and restarted under load', () => {
  it('keeps reads working, refuses webhooks and acks while down, and stores every notification exactly once after', async () => {
    let phase = 'before';
    const load = startLoad(4, () => phase);
    // Live subscribers across the outage: they must see every stored event once, in order.
    const subscriptions: Subscription[] = [subscribeSse(gateway, {}), subscribeWs(gateway, {})];
    await eventually(async () => (await gateway.metrics.subscribers.get()).values.reduce((sum, value) => sum + value.value, 0) >= 2, 10_000, 'subscribed');

    const check = await gateway.graphql(
      `mutation { validateRegistry(input: { idNumber: "39912310120", firstName: "Ann", lastName: "Lee", dateOfBirth: "1980-01-08" }) {
        ... on ValidateRegistrySuccess { registryCheck { id sessionId } } } }`,
    );
    const sessionId: string = check.data.validateRegistry.registryCheck.sessionId;
    const before = [inject(), inject(), inject(), inject()];
    await eventually(() => before.every((notification) => deliveriesOf(notification.id).some((delivery) => delivery.delivered)), 15_000, 'delivered before the outage');

    await redis.kill();
    phase = 'down';
    await eventually(async () => (await redisStatus()) === 'down', 10_000, 'redis reported down');
    const during = [inject(), inject(), inject(), inject()];
    // The provider pushed each one and the gateway refused it, so the provider keeps it and delivers again.
    await eventually(() => during.every((notification) => deliveriesOf(notification.id).some((delivery) => delivery.status === 503)), 15_000, 'webhooks refused');
    expect(during.flatMap((notification) => deliveriesOf(notification.id)).every((delivery) => !delivery.delivered)).toBe(true);
    // Veriff's decision is refused too, so Veriff keeps it and delivers it again.
    expect(await postVeriffDecision(gateway.url, sessionId)).toBe(503);
    // The poller reads the queue but stores nothing, so it acknowledges nothing.
    await gateway.services.verificationRequests.pollNotifications();
    expect(during.map((notification) => acks(notification.id))).toEqual([0, 0, 0, 0]);
    // What lives only in the gateway's store says so, retryably, instead of failing as an unexpected error.
    const fromStore = await gateway.graphql(`{
      verificationEvents(first: 5) { edges { node { id } } }
      verificationRequests(first: 5) { totalCount }
      registryCheck(id: "00000000-0000-4000-8000-000000000000") { id }
    }`);
    // Contract revision 2: each store-backed field is nullable, so each nulls only itself, with its own error.
    expect(fromStore.data).toEqual({ verificationEvents: null, verificationRequests: null, registryCheck: null });
    expect(fromStore.errors?.map((error) => error.path?.[0]).sort()).toEqual(['registryCheck', 'verificationEvents', 'verificationRequests']);
    expect(fromStore.errors?.map((error) => error.extensions?.code)).toEqual(expect.arrayContaining(['SERVICE_UNAVAILABLE']));
    expect(fromStore.errors?.every((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE' && error.extensions?.retryable === true)).toBe(true);
    const readyz = await fetch(`${gateway.url}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toMatchObject({ status: 'degraded', redis: 'down' });
    // Give the readers time to run against the bypassed cache.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    await redis.restart();
    phase = 'after';
    await eventually(async () => (await redisStatus()) === 'ok', 10_000, 'redis back');
    const after = [inject(), inject()];
    expect(await postVeriffDecision(gateway.url, sessionId)).toBe(200);
    expect(await postVeriffDecision(gateway.url, sessionId)).toBe(200);
    const all = [...before, ...during, ...after];

    // Redelivered webhooks land, and the poller stores (deduplicated) and acknowledges every one.
    await eventually(() => all.every((notification) => deliveriesOf(notification.id).some((delivery) => delivery.delivered)), 20_000, 'all delivered');
    await eventually(
      async () => {
        await gateway.services.verificationRequests.pollNotifications();
        return all.every((notification) => acks(notification.id) >= 1);
      },
      30_000,
      'all acknowledged',
    );
    const outcomes = await load.stop();

    const reads = outcomes.filter((outcome) => outcome.phase === 'down');
    expect(reads.length).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);

    const events = await gateway.graphql(EVENTS);
    expect(events.errors).toBeUndefined();
    const counts = new Map<string, number>();
    for (const { node } of events.data.verificationEvents.edges) {
      const key = node.type === 'VERIFICATION_REQUIRED' ? `handle:${node.request.contactHandle}` : node.type === 'PROVIDER_NOTIFICATION' ? `id:${node.notificationId}` : null;
      if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const keyOf = (notification: SimNotification) => (notification.eventType === 'CONTACT_VERIFICATION_REQUIRED' ? `handle:${notification.processIdentifier}` : `id:${notification.id}`);
    expect(Object.fromEntries(all.map((notification) => [keyOf(notification), counts.get(keyOf(notification)) ?? 0]))).toEqual(
      Object.fromEntries(all.map((notification) => [keyOf(notification), 1])),
    );

    // The redelivered decision was stored once.
    const decided = events.data.verificationEvents.edges.filter((edge: { node: { registryCheck?: { sessionId: string } } }) => edge.node.registryCheck?.sessionId === sessionId);
    expect(decided.map((edge: { node: { registryCheck: { status: string } } }) => edge.node.registryCheck.status)).toEqual(['APPROVED']);

    // Each subscriber saw the stored events from its start on, once each and in log order, across the restart.
    const stored: string[] = events.data.verificationEvents.edges.map((edge: { node: { id: string } }) => edge.node.id);
    for (const subscription of subscriptions) {
      const seen: string[] = [];
      for (;;) {
        const result = await subscription.next(5_000).catch(() => null);
        if (!result) break;
        expect(result.errors).toBeUndefined();
        seen.push(result.data!.verificationEvents.id);
        if (seen.at(-1) === stored.at(-1)) break;
      }
      expect(seen.length).toBeGreaterThanOrEqual(all.length);
      expect(seen).toEqual(stored.slice(stored.indexOf(seen[0]!)));
      await subscription.close();
    }
  });
});
