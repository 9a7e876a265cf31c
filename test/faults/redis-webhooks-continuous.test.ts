import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimNotification } from '../../src/sandbox/realtime-register-notifications.js';
import type { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postVeriffDecision } from '../helpers/veriff-decision.js';
import { eventually, metricValue, persistentWebhooks, sleep, startDurableRedis, type DurableRedis } from './support.js';

/**
 * Realtime Register notifications and Veriff decisions arrive without a pause while Redis is killed (SIGKILL) and
 * restarted, and (with persistence) paused (SIGSTOP) and woken (SIGCONT), or restarted on an empty data directory.
 * Counted per notification id and per Veriff session:
 * - a Redis that keeps its data: every webhook answered 2xx is stored afterwards, exactly once; every decision answered
 *   200 is the check's decision, recorded once;
 * - a Redis that came back empty (no persistence, or a new disk): the loss is reported (error log, metric, /readyz) and
 *   Realtime Register's list re-read, so every notification is stored exactly once again.
 */

const PERSON = (n: number) => ({ idNumber: '39912310120', firstName: 'Ann', lastName: `Lee${'x'.repeat(n)}`, dateOfBirth: '1980-01-08' });
const VALIDATE = `mutation($input: ValidateRegistryInput!) { validateRegistry(input: $input) { __typename ... on ValidateRegistrySuccess { registryCheck { sessionId } } } }`;
const EVENTS = `{ verificationEvents(first: 1000) { edges { node {
  type
  ... on ProviderNotificationEvent { notificationId }
  ... on RegistryCheckDecidedEvent { registryCheck { sessionId status } }
} } } }`;

interface Readiness {
  status: string;
  redis?: string;
  reasons?: string[];
}

describe.each([
  { name: 'AOF, killed, restarted and paused', persistence: 'aof' as const, empty: false, pause: true, loses: false },
  { name: 'AOF, restarted on an empty data directory', persistence: 'aof' as const, empty: true, pause: false, loses: true },
  { name: 'no persistence, killed and restarted', persistence: 'none' as const, empty: false, pause: false, loses: true },
])('webhooks arriving continuously, Redis with $name', ({ persistence, empty, pause, loses }) => {
  let redis: DurableRedis;
  let gateway: TestGateway;
  let rtr: RealtimeRegisterSimulator;

  const readiness = async (): Promise<Readiness> => (await fetch(`${gateway.url}/readyz`)).json() as Promise<Readiness>;

  beforeAll(async () => {
    redis = await startDurableRedis({ persistence });
    gateway = await startTestGateway({
      env: { REDIS_URL: redis.url },
      // The provider redelivers a refused webhook every 250 ms; Veriff's own decision stays away (the test sends it).
      gateway: { sandbox: { realtimeRegister: persistentWebhooks(160, 250), veriffDecisionDelayMs: 600_000 } },
    });
    rtr = gateway.sandbox!.realtimeRegister;
    await eventually(async () => (await readiness()).redis === 'ok', 10_000, 'redis ready');
  });

  afterAll(async () => {
    await gateway?.stop();
    await redis?.stop();
  });

  it(loses ? 'reports the loss and stores every notification exactly once again' : 'stores every webhook it answered 2xx, exactly once', async () => {
    const sessions: string[] = [];
    for (let i = 0; i < 6; i++) {
      const reply = await gateway.graphql(VALIDATE, { input: PERSON(i) });
      expect(reply.data?.validateRegistry?.__typename).toBe('ValidateRegistrySuccess');
      sessions.push(reply.data.validateRegistry.registryCheck.sessionId);
    }

    // A live subscriber across the outage: it must still get what is stored after Redis came back.
    const seen: string[] = [];
    const client = createWsClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    const unsubscribe = client.subscribe(
      { query: 'subscription { verificationEvents { ... on ProviderNotificationEvent { notificationId } } }' },
      { next: (result) => void seen.push(String((result.data as { verificationEvents?: { notificationId?: string } })?.verificationEvents?.notificationId)), error: () => undefined, complete: () => undefined },
    );
    await eventually(async () => (await gateway.metrics.subscribers.get()).values.some((value) => value.value > 0), 10_000, 'subscribed');

    // Senders: one notification every 30 ms; Veriff decisions, each redelivered until answered 200 (as Veriff does).
    const injected: SimNotification[] = [];
    const decisionAnswers = new Map<string, number[]>(sessions.map((session) => [session, []]));
    let running = true;
    const notifications = (async () => {
      for (let i = 0; running; i++) {
        injected.push(rtr.injectNotification({ message: `continuous ${persistence} ${i}` }));
        await sleep(30);
      }
    })();
    const decisions = (async () => {
      // Where Redis lost its data the checks are gone with it: their decisions are refused for good (Veriff gives up
      // after a week), so there the senders stop with the notifications.
      for (let i = 0; running || (!loses && [...decisionAnswers.values()].some((answers) => !answers.includes(200))); i++) {
        const session = sessions[i % sessions.length]!;
        const answers = decisionAnswers.get(session)!;
        if (!answers.includes(200) || i % 3 === 0) answers.push(await postVeriffDecision(gateway.url, session).catch(() => 0));
        await sleep(60);
      }
    })();

    await sleep(500);
    await redis.kill();
    await eventually(async () => (await readiness()).redis === 'down', 10_000, 'redis reported down');
    await sleep(500);
    await redis.restart({ empty });
    await eventually(async () => (await readiness()).redis === 'ok', 10_000, 'redis back');
    await sleep(500);
    if (pause) {
      redis.pause();
      await sleep(1_500);
      redis.resume();
      await sleep(500);
    }
    running = false;
    await Promise.all([notifications, decisions]);

    const delivered = (notification: SimNotification) => rtr.deliveries.some((delivery) => delivery.notificationId === notification.id && delivery.delivered);
    const acknowledged = injected.filter(delivered).map((notification) => String(notification.id));
    await eventually(() => injected.every(delivered), 45_000, 'every notification answered 2xx at last').catch((error: Error) => {
      // What each one still waiting was answered, to tell a slow machine (503s still being retried) from a refusal.
      const waiting = injected.filter((notification) => !delivered(notification)).slice(0, 5);
      const answers = waiting.map((notification) => ({ id: notification.id, statuses: rtr.deliveries.filter((delivery) => delivery.notificationId === notification.id).map((delivery) => delivery.status) }));
      throw new Error(`${error.message}: ${JSON.stringify(answers)}`);
    });

    const stored = async () => {
      const reply = await gateway.graphql(EVENTS);
      expect(reply.errors).toBeUndefined();
      const notified = new Map<string, number>();
      const decided = new Map<string, string[]>();
      for (const { node } of reply.data.verificationEvents.edges as { node: { type: string; notificationId?: string; registryCheck?: { sessionId: string; status: string } } }[]) {
        if (node.notificationId) notified.set(node.notificationId, (notified.get(node.notificationId) ?? 0) + 1);
        if (node.registryCheck) decided.set(node.registryCheck.sessionId, [...(decided.get(node.registryCheck.sessionId) ?? []), node.registryCheck.status]);
      }
      return { notified, decided };
    };
    const ids = injected.map((notification) => String(notification.id));
    // Sent all through the outage (one every 30 ms for at least 1.5 s): enough to cross the kill and the restart.
    expect(injected.length).toBeGreaterThan(25);

    const last = rtr.injectNotification({ message: `after the outage ${persistence}` });
    await eventually(() => seen.includes(String(last.id)), 15_000, 'the subscriber got an event stored after the outage').finally(async () => {
      unsubscribe();
      await client.dispose();
    });
    ids.push(String(last.id));

    if (loses) {
      await eventually(async () => metricValue(await gateway.metrics.registry.metrics(), 'gateway_redis_data_loss_total') === 1, 10_000, 'loss counted');
      expect(gateway.logs()).toMatch(/"level":50[^\n]*REDIS LOST ITS DATA/);
      expect((await readiness()).reasons).toEqual(expect.arrayContaining([expect.stringMatching(/Redis lost its data/)]));
      const { notified } = await eventually(async () => {
        const now = await stored();
        return ids.every((id) => now.notified.has(id)) ? now : null;
      }, 20_000, 'every notification stored again');
      expect(ids.filter((id) => notified.get(id) !== 1)).toEqual([]);
      return;
    }

    // Nothing answered 2xx is missing or doubled, and the rest arrived once the provider redelivered.
    const { notified, decided } = await stored();
    expect(acknowledged.filter((id) => notified.get(id) !== 1)).toEqual([]);
    expect(ids.filter((id) => notified.get(id) !== 1)).toEqual([]);
    expect(metricValue(await gateway.metrics.registry.metrics(), 'gateway_redis_data_loss_total')).toBe(0);
    // Every decision answered 200 is stored: one decided event per session, and the check says APPROVED.
    expect(Object.fromEntries(sessions.map((session) => [session, decided.get(session)]))).toEqual(Object.fromEntries(sessions.map((session) => [session, ['APPROVED']])));
    for (const session of sessions) {
      const check = await gateway.graphql(`query($id: ID!) { registryCheck(id: $id) { status } }`, { id: session });
      expect(check.data.registryCheck).toEqual({ status: 'APPROVED' });
    }
    // The outage was real: some webhooks were refused while Redis was away.
    expect(rtr.deliveries.some((delivery) => !delivery.delivered)).toBe(true);
    // Its waits (each bounded above) add up to more than the suite's 60 s on a loaded machine.
  }, 120_000);
});
