import { request } from 'node:http';
import { signRealtimeRegisterBody } from '../../src/providers/realtime-register/webhook.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  denicNotification,
  EVENT_SELECTION,
  eventually,
  freshNotificationId,
  postRtrWebhook,
  subscribeSse,
  subscribeWs,
  subscriberGauge,
} from './events-support.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

const REQUESTS = `query Requests($filter: VerificationRequestFilter) {
  verificationRequests(filter: $filter) { totalCount edges { node { id contactHandle claims status deDelegationDeadline } } }
}`;
const EVENTS = `query Events($filter: VerificationEventFilter, $after: String) {
  verificationEvents(filter: $filter, after: $after) { edges { cursor node { ${EVENT_SELECTION} } } }
}`;

async function requestsOf(handle: string) {
  const reply = await gateway.graphql(REQUESTS, { filter: { contactHandle: handle } });
  expect(reply.errors).toBeUndefined();
  return reply.data.verificationRequests as { totalCount: number; edges: { node: Record<string, unknown> }[] };
}

async function eventsOf(handle: string) {
  const reply = await gateway.graphql(EVENTS, { filter: { contactHandle: handle } });
  expect(reply.errors).toBeUndefined();
  return (reply.data.verificationEvents.edges as { node: Record<string, unknown> }[]).map((edge) => edge.node);
}

describe('Realtime Register webhook', () => {
  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const body = JSON.stringify(denicNotification(freshNotificationId(), 'h-unsigned'));
    expect((await postRtrWebhook(gateway, body, null)).status).toBe(401);
    expect((await postRtrWebhook(gateway, body, 'c2lnbmVkIGJ5IHNvbWVvbmUgZWxzZQ==')).status).toBe(401);
    expect((await requestsOf('h-unsigned')).totalCount).toBe(0);
    expect(await eventsOf('h-unsigned')).toEqual([]);
  });

  it('answers 2xx to a signed body that is not JSON or not a notification, and quarantines it for operators', async () => {
    const notJson = await postRtrWebhook(gateway, '{"id": 12, "message": ');
    const ping = await postRtrWebhook(gateway, '{"hello": "world"}');
    expect([notJson, ping].map((answer) => [answer.status, answer.body.reason])).toEqual([
      [202, 'NOT_JSON'],
      [202, 'UNKNOWN_SHAPE'],
    ]);
    const listed = (await (await fetch(`${gateway.url}/operator/quarantine?limit=10`)).json()) as { entries: { id: string; body: string }[] };
    expect(listed.entries.map((entry) => entry.id)).toEqual(expect.arrayContaining([notJson.body.id, ping.body.id]));
    expect(listed.entries.find((entry) => entry.id === ping.body.id)?.body).toBe('{"hello": "world"}');
  });

  it('answers a signed body over 256 KiB 202 and quarantines its head, since a refusal would stall the account\'s queue', async () => {
    const body = JSON.stringify({ ...denicNotification(freshNotificationId(), 'h-huge'), padding: 'x'.repeat(300 * 1024) });
    const answer = await postRtrWebhook(gateway, body);
    expect(answer).toMatchObject({ status: 202, body: { quarantined: true, reason: 'TOO_LARGE' } });
    expect((await requestsOf('h-huge')).totalCount).toBe(0);
    const listed = (await (await fetch(`${gateway.url}/operator/quarantine?limit=50`)).json()) as { entries: { id: string; bytes: number; truncated: boolean; reason: string }[] };
    expect(listed.entries.find((entry) => entry.id === answer.body.id)).toMatchObject({ reason: 'TOO_LARGE', bytes: Buffer.byteLength(body), truncated: true });
  });

  it('refuses a body over 256 KiB unread (413) without a credential that could pass, 401 with a wrong digest, 413 over 16 MiB', async () => {
    const body = JSON.stringify({ ...denicNotification(freshNotificationId(), 'h-huge-2'), padding: 'x'.repeat(300 * 1024) });
    expect((await postRtrWebhook(gateway, body, null)).status).toBe(413);
    expect((await postRtrWebhook(gateway, body, 'c2lnbmVkIGJ5IHNvbWVvbmUgZWxzZQ==')).status).toBe(413);
    expect((await postRtrWebhook(gateway, body, signRealtimeRegisterBody('another-secret', body))).status).toBe(401);
    // Declares 17 MiB and sends a first kilobyte: the answer comes from the declared length, before the rest.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${gateway.url}/webhooks/realtime-register`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(17 * 1024 * 1024) } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('x'.repeat(1024));
    });
    expect(status).toBe(413);
    expect((await requestsOf('h-huge-2')).totalCount).toBe(0);
  });

  it('stores one request and one event for a notification delivered three times', async () => {
    const body = JSON.stringify(denicNotification(freshNotificationId(), 'h-thrice'));
    const answers = await Promise.all([postRtrWebhook(gateway, body), postRtrWebhook(gateway, body)]);
    answers.push(await postRtrWebhook(gateway, body));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.body.eventId)).size).toBe(1);
    const requests = await requestsOf('h-thrice');
    expect(requests.totalCount).toBe(1);
    expect(requests.edges[0]!.node).toMatchObject({ contactHandle: 'h-thrice', claims: ['NAME', 'ADDRESS'], status: 'OPEN' });
    expect((await eventsOf('h-thrice')).map((event) => event.type)).toEqual(['VERIFICATION_REQUIRED']);
  });

  it('shows a request OVERDUE once its deadline passed while it is open', async () => {
    const deadline = new Date(Date.now() - 1000).toISOString();
    const body = JSON.stringify(denicNotification(freshNotificationId(), 'h-late', { deDelegationDomain: 'late.de', deDelegationDate: deadline }));
    expect((await postRtrWebhook(gateway, body)).status).toBe(200);
    const requests = await requestsOf('h-late');
    expect(requests.edges.map((edge) => edge.node.status)).toEqual(['OVERDUE']);
    const overdue = await gateway.graphql(REQUESTS, { filter: { contactHandle: 'h-late', status: ['OVERDUE'] } });
    expect(overdue.data.verificationRequests.totalCount).toBe(1);
  });

  it('rejects a deadlineBefore that is not a date-time and a forged cursor with BAD_USER_INPUT', async () => {
    const badDate = await gateway.graphql(REQUESTS, { filter: { deadlineBefore: 'next friday' } });
    expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await gateway.graphql(`{ verificationRequests(after: "Zm9yZ2Vk") { totalCount } }`);
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badEventId = await gateway.graphql(`{ verificationEvents(after: "last-tuesday") { edges { cursor } } }`);
    expect(badEventId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a contactHandle no provider could have issued, naming the rule, instead of answering "none"', async () => {
    for (const handle of ['..', 'has space', 'nul\u0000', 'x'.repeat(65)]) {
      const requests = await gateway.graphql(REQUESTS, { filter: { contactHandle: handle } });
      expect(requests.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ path: ['filter', 'contactHandle'], code: 'INVALID_FORMAT' }] });
      expect(requests.data?.verificationRequests ?? null).toBeNull();
      const events = await gateway.graphql('query E($f: VerificationEventFilter) { verificationEvents(filter: $f) { edges { cursor } } }', { f: { contactHandle: handle } });
      expect(events.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(events.errors?.[0]?.message).toContain('contactHandle must be 1 to 64 characters');
    }
    const wellFormed = await gateway.graphql(REQUESTS, { filter: { contactHandle: 'no-such-handle' } });
    expect(wellFormed.errors).toBeUndefined();
  });
});

describe('verificationEvents subscription', () => {
  it('delivers a DENIC request live over GraphQL over SSE, and counts the SSE subscriber', async () => {
    const handle = 'h-live-sse';
    const subscription = subscribeSse(gateway, { filter: { contactHandle: handle } });
    await eventually(async () => (await subscriberGauge(gateway, 'sse')) >= 1);
    const answer = await postRtrWebhook(gateway, JSON.stringify(denicNotification(freshNotificationId(), handle)));
    const result = await subscription.next();
    expect(result.errors).toBeUndefined();
    expect(result.data?.verificationEvents).toMatchObject({ id: answer.body.eventId, type: 'VERIFICATION_REQUIRED', request: { contactHandle: handle, status: 'OPEN' } });
    await subscription.close();
    await eventually(async () => (await subscriberGauge(gateway, 'sse')) === 0);
  });

  it('delivers a DENIC request live over graphql-ws', async () => {
    const handle = 'h-live-ws';
    const subscription = subscribeWs(gateway, { filter: { contactHandle: handle } });
    await eventually(async () => (await subscriberGauge(gateway, 'ws')) >= 1);
    await postRtrWebhook(gateway, JSON.stringify(denicNotification(freshNotificationId(), handle)));
    const result = await subscription.next();
    expect(result.data?.verificationEvents).toMatchObject({ type: 'VERIFICATION_REQUIRED', request: { contactHandle: handle } });
    await subscription.close();
  });

  it('replays the events after `after`, then goes live, over both transports', async () => {
    const handle = 'h-replay';
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(String((await postRtrWebhook(gateway, JSON.stringify(denicNotification(freshNotificationId(), handle)))).body.eventId));
    }
    const sse = subscribeSse(gateway, { filter: { contactHandle: handle }, after: ids[0] });
    const ws = subscribeWs(gateway, { filter: { contactHandle: handle }, after: ids[0] });
    for (const subscription of [sse, ws]) {
      expect((await subscription.next()).data?.verificationEvents.id).toBe(ids[1]);
      expect((await subscription.next()).data?.verificationEvents.id).toBe(ids[2]);
    }
    const live = String((await postRtrWebhook(gateway, JSON.stringify(denicNotification(freshNotificationId(), handle)))).body.eventId);
    expect((await sse.next()).data?.verificationEvents.id).toBe(live);
    expect((await ws.next()).data?.verificationEvents.id).toBe(live);
    await Promise.all([sse.close(), ws.close()]);
  });

  it('answers a malformed `after` with BAD_USER_INPUT', async () => {
    const subscription = subscribeSse(gateway, { after: 'not-an-id' });
    const result = await subscription.next();
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await subscription.close();
  });
});
