import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { denicNotification, freshNotificationId, openRawStream, postRtrWebhook } from '../integration/events-support.js';
import { AttackLog, bearer, codesOf, postGraphQL, wsClient } from './support.js';

/**
 * An events:read key reads every event's id and type, but which contact a DENIC request, a deadline or an email change
 * concerns is behind contacts:read (the request) or email:read (the row). Filtering the log by a contact handle must
 * not tell such a key what reading the events does not: "is there a verification request for rtr-0042?".
 */
const EVENTS_KEY = 'filters-events-key-01';
const READER_KEY = 'filters-reader-key-01';
const log = new AttackLog();
const PROBED = 'rtr-0042';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${EVENTS_KEY}:events:read;${READER_KEY}:events:read,contacts:read`, EMAIL_WATCH_INTERVAL_MS: '3600000' } });
  expect((await postRtrWebhook(gw, JSON.stringify(denicNotification(freshNotificationId(), PROBED)))).status).toBe(200);
});

afterAll(async () => {
  await gw?.stop();
});

const LIST = 'query E($h: String) { verificationEvents(first: 100, filter: { contactHandle: $h, types: [VERIFICATION_REQUIRED] }) { edges { node { id type } } } }';
const SUBSCRIBE = 'subscription S($h: String) { verificationEvents(after: "0-0", filter: { contactHandle: $h, types: [VERIFICATION_REQUIRED] }) { id type } }';

describe('a contact handle filter on verificationEvents', () => {
  it('is FORBIDDEN to a key without contacts:read on the query, naming the scope, and answers nothing', async () => {
    const reply = await postGraphQL(gw, log, 'query filtered by handle, events:read only', { query: LIST, variables: { h: PROBED } }, bearer(EVENTS_KEY));
    expect(codesOf(reply)).toEqual(['FORBIDDEN']);
    expect(reply.json.errors[0].message).toMatch(/contacts:read/);
    expect(reply.json.data?.verificationEvents ?? null).toBeNull();
    if (reply.json.data?.verificationEvents) log.bypass('query filtered by handle');
  });

  it('is FORBIDDEN over graphql-ws and SSE alike, before any event is sent', async () => {
    const client = wsClient(gw, EVENTS_KEY);
    const overWs: { data: unknown[]; errors: unknown[] } = { data: [], errors: [] };
    // A refused subscription errors at once; one that was let through replays the event and stays open.
    await new Promise<void>((resolve) => {
      const stop = client.subscribe({ query: SUBSCRIBE, variables: { h: PROBED } }, {
        next: (result) => (result.data ? overWs.data : overWs.errors).push(result.data ?? result.errors),
        error: (error) => {
          overWs.errors.push(error);
          resolve();
        },
        complete: () => resolve(),
      });
      setTimeout(() => {
        stop();
        resolve();
      }, 1_000);
    });
    await client.dispose();
    log.record('graphql-ws filtered by handle, events:read only', 200, JSON.stringify(overWs));
    expect(JSON.stringify(overWs.errors)).toContain('FORBIDDEN');
    if (overWs.data.length > 0) log.bypass('graphql-ws filtered by handle');

    const stream = await openRawStream(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(EVENTS_KEY) },
      body: JSON.stringify({ query: SUBSCRIBE, variables: { h: PROBED } }),
    });
    // A refused subscription ends its stream; one that was let through replays the event and stays open.
    await Promise.race([stream.ended, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    stream.abort();
    const text = stream.text();
    log.record('SSE filtered by handle, events:read only', stream.response.status, text);
    expect(text).toContain('FORBIDDEN');
    expect(text).not.toContain('VERIFICATION_REQUIRED');
  });

  it('still serves an events:read key without the filter, and a contacts:read key with it', async () => {
    const unfiltered = await postGraphQL(gw, log, 'types filter only, events:read', { query: LIST, variables: { h: null } }, bearer(EVENTS_KEY));
    expect(unfiltered.json.errors).toBeUndefined();
    expect(unfiltered.json.data.verificationEvents.edges.length).toBeGreaterThan(0);
    const reader = await postGraphQL(gw, log, 'query filtered by handle, contacts:read', { query: LIST, variables: { h: PROBED } }, bearer(READER_KEY));
    expect(reader.json.errors).toBeUndefined();
    expect(reader.json.data.verificationEvents.edges).toHaveLength(1);
    const absent = await postGraphQL(gw, log, 'query filtered by an absent handle, contacts:read', { query: LIST, variables: { h: 'rtr-9999' } }, bearer(READER_KEY));
    expect(absent.json.data.verificationEvents.edges).toEqual([]);
  });
});

describe('after every attack', () => {
  it('counted 0 bypasses and 0 server errors', () => {
    expect(log.bypasses).toEqual([]);
    expect(log.serverErrors()).toEqual([]);
  });
});
