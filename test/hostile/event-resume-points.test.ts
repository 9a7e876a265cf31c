import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { VerificationEvent } from '../../src/domain/events.js';
import { MAX_EVENT_ID } from '../../src/store/event-log.js';
import { notification } from '../helpers/event-fixtures.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { openRawStream } from '../integration/events-support.js';
import { AttackLog, bearer, idNumberPlanter, overWebSocket, postGraphQL, wsClient } from './support.js';

/**
 * Resume points as an attacker sends them: `after` on the query and on every subscription transport, and the
 * Last-Event-ID header an EventSource sends. Huge, malformed, negative, far-future and other-format ids are refused
 * alike (or, for a well-formed far-future id, answered with nothing), and an id whose digits are an ID number is never
 * quoted back, neither in BAD_USER_INPUT nor in EVENTS_TRIMMED, which reads the same on every transport. The memory
 * log keeps 5 of the 8 events appended, so an old id is trimmed.
 */
const KEY = 'resume-points-key-01';
const log = new AttackLog();
const ids = idNumberPlanter('4', '7');
let gw: TestGateway;
let appended: VerificationEvent[];

const SUBSCRIPTION = 'subscription S($after: ID, $filter: VerificationEventFilter) { verificationEvents(after: $after, filter: $filter) { id ... on ProviderNotificationEvent { notificationId } } }';
const QUERY = 'query Q($after: String) { verificationEvents(after: $after, first: 3) { edges { node { id } } } }';

beforeAll(async () => {
  gw = await startTestGateway({
    env: { GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000', RATE_LIMIT_PER_MINUTE: '60000' },
    gateway: { eventLogCapacity: 5, sandbox: { realtimeRegister: { seedDenicRequests: 0 } } },
  });
  appended = [];
  for (let n = 1; n <= 8; n++) appended.push((await gw.services.events.record(notification(n, { contactHandle: n % 2 ? 'odd-handle' : 'even-handle' }))).event);
});

afterAll(async () => {
  await gw?.stop();
});

interface Outcome {
  transport: string;
  results: { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] }[];
}

/** The `next` payloads of a finished SSE stream. */
function sseNexts(text: string): Outcome['results'] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: next'))
    .map((block) => JSON.parse(/^data: (.*)$/m.exec(block)![1]!));
}

/** A finished SSE stream's body, or the JSON answer of a request refused before it streamed. */
async function rawSse(label: string, url: string, init: RequestInit): Promise<Outcome['results']> {
  const stream = await openRawStream(url, init);
  await stream.ended;
  const text = stream.text();
  log.record(label, stream.response.status, text);
  if (stream.response.headers.get('content-type')?.includes('text/event-stream')) return sseNexts(text);
  return [JSON.parse(text)];
}

/** One subscription from `after` (and/or a Last-Event-ID), over every transport that can carry it, run to its end. */
async function subscribeEverywhere(label: string, after: string | null, lastEventId: string | null = null, filter: unknown = null): Promise<Outcome[]> {
  const variables = { after, filter };
  const outcomes: Outcome[] = [];
  const body = JSON.stringify({ query: SUBSCRIPTION, variables });
  const headers = { ...bearer(KEY), 'content-type': 'application/json', ...(lastEventId === null ? {} : { 'last-event-id': lastEventId }) };
  for (const accept of ['text/event-stream', 'text/event-stream, application/json']) {
    outcomes.push({ transport: `sse distinct (${accept})`, results: await rawSse(`${label} sse ${accept}`, `${gw.url}/graphql`, { method: 'POST', headers: { ...headers, accept }, body }) });
  }
  const query = `${gw.url}/graphql?query=${encodeURIComponent(SUBSCRIPTION)}&variables=${encodeURIComponent(JSON.stringify(variables))}`;
  outcomes.push({ transport: 'EventSource GET', results: await rawSse(`${label} eventsource`, query, { headers: { ...headers, accept: 'text/event-stream' } }) });
  if (lastEventId === null) {
    const ws = wsClient(gw, KEY);
    try {
      const { results, error } = await overWebSocket(ws, log, `${label} ws`, { query: SUBSCRIPTION, variables });
      outcomes.push({ transport: 'graphql-ws', results: (Array.isArray(error) ? [{ errors: error }] : results) as Outcome['results'] });
    } finally {
      await ws.dispose();
    }
    const single = createSseClient({ url: `${gw.url}/graphql`, singleConnection: true, retryAttempts: 0, headers: bearer(KEY) });
    const results: Outcome['results'] = [];
    try {
      for await (const result of single.iterate({ query: SUBSCRIPTION, variables })) results.push(result as never);
    } catch (error) {
      results.push({ errors: Array.isArray(error) ? error : [{ message: String(error) }] });
    } finally {
      single.dispose();
    }
    log.record(`${label} sse single`, 200, JSON.stringify(results));
    outcomes.push({ transport: 'sse single connection', results });
  }
  return outcomes;
}

/** The first error of each transport's first result, as a client reads it. */
function firstErrors(outcomes: Outcome[]): Record<string, unknown> {
  return Object.fromEntries(
    outcomes.map(({ transport, results }) => {
      const error = results[0]?.errors?.[0];
      return [transport, error && { message: error.message, code: error.extensions?.code, oldestKeptId: error.extensions?.oldestKeptId }];
    }),
  );
}

const MALFORMED = [
  '',
  '-1-0',
  '1--1',
  '1-',
  '-',
  '1e3-0',
  '0x10-0',
  ' 1-0',
  '1-0\t',
  '１７００００００００００００-0',
  '18446744073709551616-0',
  '123456789012345678901-0',
  '1.5-0',
  'Z2lkOi8vVmVyaWZpY2F0aW9uRXZlbnQvMQ==',
  '00000000-0000-4000-8000-000000000000',
  'n-1',
  '9'.repeat(5_000),
];

describe('malformed resume points', () => {
  it.each(MALFORMED.map((value) => [value.slice(0, 24), value]))('are BAD_USER_INPUT on the query and on every subscription transport: %s', async (_shown, value) => {
    const reply = await postGraphQL(gw, log, `query after ${value.slice(0, 24)}`, { query: QUERY, variables: { after: value } }, bearer(KEY));
    expect(reply.json.errors.map((error: any) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
    for (const [transport, error] of Object.entries(firstErrors(await subscribeEverywhere(`after ${value.slice(0, 24)}`, value)))) {
      expect(error, transport).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });

  // HTTP strips a header's surrounding whitespace, and fetch sends only Latin-1: those two are left to the `after` test.
  it.each(MALFORMED.filter((value) => /^[\x21-\x7e]*$/.test(value)).map((value) => [value.slice(0, 24), value]))('are BAD_USER_INPUT as a Last-Event-ID header: %s', async (_shown, value) => {
    for (const [transport, error] of Object.entries(firstErrors(await subscribeEverywhere(`last-event-id ${value.slice(0, 24)}`, null, value)))) {
      expect(error, transport).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });

  it('that carry an ID number are never quoted back', async () => {
    const idNumber = ids.next();
    for (const value of [idNumber, `${idNumber}-`, `-${idNumber}`, `${idNumber}-x`, `id:${idNumber}-0`, `${idNumber}-0-0`]) {
      await postGraphQL(gw, log, `query after id number ${value}`, { query: QUERY, variables: { after: value } }, bearer(KEY));
      await subscribeEverywhere(`after id number ${value}`, value);
      await subscribeEverywhere(`last-event-id id number ${value}`, null, value);
    }
    expect(log.containing(idNumber)).toEqual([]);
  });
});

describe('trimmed resume points', () => {
  it('end with one EVENTS_TRIMMED that reads the same on every transport and on the query', async () => {
    const outcomes = await subscribeEverywhere('trimmed after', appended[0]!.id);
    const errors = Object.values(firstErrors(outcomes));
    const reply = await postGraphQL(gw, log, 'query trimmed after', { query: QUERY, variables: { after: appended[0]!.id } }, bearer(KEY));
    const queryError = reply.json.errors[0];
    errors.push({ message: queryError.message, code: queryError.extensions.code, oldestKeptId: queryError.extensions.oldestKeptId });
    expect(new Set(errors.map((error) => JSON.stringify(error))).size).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'EVENTS_TRIMMED', oldestKeptId: appended[3]!.id });
    for (const { transport, results } of outcomes) expect(results, transport).toHaveLength(1);
  });

  it('whose digits are an ID number (well-formed, older than anything kept) are not quoted back on any transport', async () => {
    const idNumber = ids.next();
    const shapes = [`${idNumber}-0`, `0-${idNumber}`, `${'0'.repeat(20 - idNumber.length)}${idNumber}-${idNumber}`];
    for (const value of shapes) {
      const outcomes = [...(await subscribeEverywhere(`trimmed id number ${value}`, value)), ...(await subscribeEverywhere(`trimmed last-event-id id number ${value}`, null, value))];
      for (const [transport, error] of Object.entries(firstErrors(outcomes))) expect(error, `${value} ${transport}`).toMatchObject({ code: 'EVENTS_TRIMMED' });
      const reply = await postGraphQL(gw, log, `query trimmed id number ${value}`, { query: QUERY, variables: { after: value } }, bearer(KEY));
      expect(reply.json.errors.map((error: any) => error.extensions.code)).toEqual(['EVENTS_TRIMMED']);
    }
    expect(log.containing(idNumber), JSON.stringify(log.replies.filter((reply) => reply.text.includes(idNumber)).slice(0, 2))).toEqual([]);
  });
});

describe('far-future resume points', () => {
  it('answer no events and no error on the query, and subscriptions replay nothing', async () => {
    for (const value of [MAX_EVENT_ID, `${MAX_EVENT_ID.split('-')[0]}-0`, '99999999999999-0']) {
      const reply = await postGraphQL(gw, log, `query far future ${value}`, { query: QUERY, variables: { after: value } }, bearer(KEY));
      expect(reply.json).toEqual({ data: { verificationEvents: { edges: [] } } });
    }
    // A subscription from the far future only waits; the EventSource is closed by the client after its first byte.
    const stream = await openRawStream(`${gw.url}/graphql?query=${encodeURIComponent(SUBSCRIPTION)}`, {
      headers: { ...bearer(KEY), accept: 'text/event-stream', 'last-event-id': MAX_EVENT_ID },
    });
    expect(stream.response.status).toBe(200);
    stream.abort();
    await stream.ended;
    expect(sseNexts(stream.text())).toEqual([]);
  });
});

describe("another subscriber's resume point", () => {
  it('resumes a filtered stream after it and still hands out only what the filter matches', async () => {
    // The id of an event the filter does not match (someone else's stream): the filter still holds after it.
    const otherStreams = appended.filter((event) => (event as { contactHandle?: string }).contactHandle === 'odd-handle');
    const from = otherStreams.at(-2)!.id;
    const stream = await openRawStream(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { ...bearer(KEY), 'content-type': 'application/json', accept: 'text/event-stream', 'last-event-id': from },
      body: JSON.stringify({ query: SUBSCRIPTION, variables: { filter: { contactHandle: 'even-handle' } } }),
    });
    await gw.services.events.record(notification(100, { contactHandle: 'even-handle' }));
    for (let attempt = 0; attempt < 200 && sseNexts(stream.text()).length < 3; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
    stream.abort();
    await stream.ended;
    const handles = sseNexts(stream.text()).map((result: any) => result.data.verificationEvents.notificationId);
    expect(handles).toEqual(['n-6', 'n-8', 'n-100']);
  });

  it('is not read from a WebSocket upgrade: a graphql-ws subscription resumes with `after` alone', async () => {
    const socket = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers: { 'last-event-id': 'not-an-id' } });
    const messages: any[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: bearer(KEY) }));
    for (let attempt = 0; attempt < 200 && !messages.some((message) => message.type === 'connection_ack'); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
    const [latest] = await gw.stores.eventLog.read({ after: appended.at(-1)!.id, limit: 1000 }).then((events) => events.slice(-1));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { after: (latest ?? appended.at(-1)!).id } } }));
    await gw.services.events.record(notification(101));
    for (let attempt = 0; attempt < 200 && !messages.some((message) => message.type === 'next'); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
    socket.close();
    log.record('ws upgrade last-event-id', 200, JSON.stringify(messages));
    expect(messages.find((message) => message.type === 'next')?.payload.data.verificationEvents.notificationId).toBe('n-101');
  });
});

describe('the whole suite', () => {
  it('caused no 5xx and quoted no planted ID number', () => {
    expect(log.serverErrors()).toEqual([]);
    for (const idNumber of ids.planted) expect(log.containing(idNumber)).toEqual([]);
    expect(gw.logs()).not.toMatch(new RegExp([...ids.planted].join('|')));
  });
});
