import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { denicNotification, eventually, freshNotificationId, postRtrWebhook, subscriberGauge } from '../integration/events-support.js';
import { AttackLog, wsClient } from './support.js';

/**
 * UPSTREAM_CALLS_PER_REQUEST bounds one request; each event of a subscription is executed like one. The count lived in
 * the subscription's context, which lasts as long as its subscriber, so it added up over every event ever delivered:
 * after UPSTREAM_CALLS_PER_REQUEST contact reads in total, every later event's contact was QUERY_TOO_COSTLY, for good.
 * (The key's UPSTREAM_CALLS_PER_MINUTE still bounds what a subscriber's events make together.)
 */
const KEY = 'subscription-budget-key-01';
const PER_REQUEST = 2;

let gw: TestGateway;
const log = new AttackLog();

beforeAll(async () => {
  gw = await startTestGateway({
    env: { GATEWAY_API_KEYS: `${KEY}:*`, UPSTREAM_CALLS_PER_REQUEST: String(PER_REQUEST), UPSTREAM_CALLS_PER_MINUTE: '100000', EMAIL_WATCH_INTERVAL_MS: '3600000' },
  });
});

afterAll(async () => {
  await gw?.stop();
});

describe('a subscription whose events read their contact', () => {
  it('gives each event its own UPSTREAM_CALLS_PER_REQUEST, not one for the subscription\'s whole life', async () => {
    const client = wsClient(gw, KEY);
    const results: any[] = [];
    client.subscribe(
      { query: 'subscription { verificationEvents(filter: { types: [VERIFICATION_REQUIRED] }) { ... on VerificationRequiredEvent { request { contactHandle contact { handle } } } } }' },
      { next: (result) => void results.push(result), error: () => undefined, complete: () => undefined },
    );
    try {
      await eventually(async () => (await subscriberGauge(gw, 'ws')) === 1);
      // Each event names another contact, so each costs one Realtime Register read: more in all than one request may make.
      const handles = ['rtr-0011', 'rtr-0012', 'rtr-0013', 'rtr-0014'];
      for (const [index, handle] of handles.entries()) {
        expect((await postRtrWebhook(gw, JSON.stringify(denicNotification(freshNotificationId(), handle)))).status).toBe(200);
        await eventually(async () => results.length > index);
      }
      log.record('subscription events', 200, JSON.stringify(results));
      expect(results.flatMap((result) => result.errors ?? []).map((error: any) => error.extensions?.code)).toEqual([]);
      expect(results.map((result) => result.data.verificationEvents.request.contact?.handle)).toEqual(handles);
    } finally {
      await client.dispose();
    }
  });
});

describe('after every attack', () => {
  it('saw 0 server errors', () => {
    expect(log.serverErrors()).toEqual([]);
  });
});
