import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import {
  denicNotification,
  EVENT_SELECTION,
  eventually,
  freshNotificationId,
  postRtrWebhook,
  subscribeSse,
  subscribeWs,
} from './events-support.js';

/**
 * Two gateways on one real redis-server: any instance takes a webhook and every instance's subscribers see it; the
 * notification poller runs on one instance and acks only what is stored; a lost instance or Redis loses nothing.
 */

let redis: RedisServerHandle;
let a: TestGateway;
let b: TestGateway;

async function redisReady(gateway: TestGateway): Promise<void> {
  await eventually(async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    const body = (await response.json()) as { redis?: string };
    return body.redis === 'ok';
  });
}

function acksOf(gateway: TestGateway, id?: number): number {
  const prefix = id === undefined ? '/v2/customers/sandbox/notifications/' : `/v2/customers/sandbox/notifications/${id}/ack`;
  return gateway.sandbox!.realtimeRegister.server.count(prefix, 'POST');
}

beforeAll(async () => {
  redis = await startRedisServer();
  a = await startTestGateway({ env: { REDIS_URL: redis.url } });
  await redisReady(a);
  // A takes the poller lease and drains its simulator's seeded queue (three DENIC requests), acking each.
  await eventually(async () => {
    await a.services.verificationRequests.pollNotifications();
    return acksOf(a) >= 3;
  });
  b = await startTestGateway({ env: { REDIS_URL: redis.url } });
  await redisReady(b);
  // B points at a simulator of its own; in these tests it only serves subscriptions and webhooks, never polls.
  await b.services.verificationRequests.stop();
});

afterAll(async () => {
  await Promise.allSettled([a?.stop(), b?.stop()]);
  await redis?.stop();
});

const EVENTS = `query Events($filter: VerificationEventFilter) { verificationEvents(filter: $filter, first: 100) { edges { node { ${EVENT_SELECTION} } } } }`;
const REQUESTS = `query Requests($filter: VerificationRequestFilter) { verificationRequests(filter: $filter) { totalCount } }`;

async function countsFor(gateway: TestGateway, handle: string): Promise<{ requests: number; events: number }> {
  const events = await gateway.graphql(EVENTS, { filter: { contactHandle: handle } });
  const requests = await gateway.graphql(REQUESTS, { filter: { contactHandle: handle } });
  expect(events.errors).toBeUndefined();
  expect(requests.errors).toBeUndefined();
  return { requests: requests.data.verificationRequests.totalCount, events: events.data.verificationEvents.edges.length };
}

describe('two gateways on one Redis', () => {
  it('delivers a webhook taken by gateway A to subscribers of gateway B, over SSE and WebSocket', async () => {
    const handle = 'h-cross';
    const sse = subscribeSse(b, { filter: { contactHandle: handle } });
    const ws = subscribeWs(b, { filter: { contactHandle: handle } });
    await eventually(async () => (await b.metrics.subscribers.get()).values.reduce((sum, value) => sum + value.value, 0) >= 2);
    const answer = await postRtrWebhook(a, JSON.stringify(denicNotification(freshNotificationId(), handle)));
    expect(answer.status).toBe(200);
    for (const subscription of [sse, ws]) {
      const result = await subscription.next();
      expect(result.data?.verificationEvents).toMatchObject({ id: answer.body.eventId, type: 'VERIFICATION_REQUIRED', request: { contactHandle: handle } });
    }
    expect(await countsFor(b, handle)).toEqual({ requests: 1, events: 1 });
    await Promise.all([sse.close(), ws.close()]);
  });

  it('stores one request and one event for a notification pushed, re-posted and polled, and acks it once after storing', async () => {
    const simulator = a.sandbox!.realtimeRegister;
    const handle = 'h-polled';
    const injected = simulator.injectDenicRequest({ handle, claims: ['NAME'], deDelegationDomain: 'polled.de', deDelegationDate: '2031-01-01T00:00:00Z' });
    await eventually(async () => simulator.deliveries.some((delivery) => delivery.notificationId === injected.id && delivery.delivered));
    const { acknowledgeDate: _unacked, ...pushed } = injected;
    expect((await postRtrWebhook(b, JSON.stringify(pushed))).status).toBe(200);
    await eventually(async () => {
      await a.services.verificationRequests.pollNotifications();
      return acksOf(a, injected.id) === 1;
    });
    expect(await countsFor(a, handle)).toEqual({ requests: 1, events: 1 });
    await a.services.verificationRequests.pollNotifications();
    expect(acksOf(a, injected.id)).toBe(1);
  });

  it('answers 503 and does not ack while Redis is down, then stores and acks once it is back', async () => {
    const simulator = a.sandbox!.realtimeRegister;
    await redis.kill();
    const body = JSON.stringify(denicNotification(freshNotificationId(), 'h-redis-down'));
    expect((await postRtrWebhook(b, body)).status).toBe(503);
    const injected = simulator.injectDenicRequest({ handle: 'h-queued-down', claims: ['ADDRESS'] });
    await a.services.verificationRequests.pollNotifications();
    expect(acksOf(a, injected.id)).toBe(0);

    await redis.restart();
    await Promise.all([redisReady(a), redisReady(b)]);
    // The provider retries the refused webhook; here the test does it.
    expect((await eventually(async () => (await postRtrWebhook(b, body)).status === 200 || null))).toBe(true);
    await eventually(async () => {
      await a.services.verificationRequests.pollNotifications();
      return acksOf(a, injected.id) === 1;
    });
    expect(await countsFor(b, 'h-queued-down')).toEqual({ requests: 1, events: 1 });
    expect(await countsFor(b, 'h-redis-down')).toEqual({ requests: 1, events: 1 });
  });

  it('loses nothing when the gateway a subscriber was on goes away and it resumes on another with `after`', async () => {
    const handle = 'h-failover';
    const c = await startTestGateway({ env: { REDIS_URL: redis.url } });
    await redisReady(c);
    const onC = subscribeSse(c, { filter: { contactHandle: handle } });
    await eventually(async () => (await c.metrics.subscribers.get()).values.some((value) => value.value > 0));
    const first = await postRtrWebhook(b, JSON.stringify(denicNotification(freshNotificationId(), handle)));
    const received = [(await onC.next()).data!.verificationEvents.id];
    expect(received).toEqual([first.body.eventId]);

    await c.stop(); // mid-stream: the subscription is completed by the shutdown
    await onC.completed;
    const missed = [];
    for (let i = 0; i < 2; i++) missed.push((await postRtrWebhook(a, JSON.stringify(denicNotification(freshNotificationId(), handle)))).body.eventId);

    const onB = subscribeWs(b, { filter: { contactHandle: handle }, after: received.at(-1) });
    expect((await onB.next()).data?.verificationEvents.id).toBe(missed[0]);
    expect((await onB.next()).data?.verificationEvents.id).toBe(missed[1]);
    const live = await postRtrWebhook(a, JSON.stringify(denicNotification(freshNotificationId(), handle)));
    expect((await onB.next()).data?.verificationEvents.id).toBe(live.body.eventId);
    await onB.close();
    await onC.close();
  });
});
