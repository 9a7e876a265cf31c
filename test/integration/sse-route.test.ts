import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { contactNotification, eventually, openRawStream as open, postRtrWebhook, subscriberGauge, type RawStream } from './events-support.js';

/**
 * Distinct-connections GraphQL over SSE as the gateway serves it (src/server/sse-route.ts: the gateway writes the
 * stream, yoga does everything else). Compared with yoga's own SSE on the same gateway, which a request gets when its
 * Accept also allows another type: the same head, the same bytes, the same answers to refused requests.
 */

/** The stream without its keep-alive comments (yoga pings every 300 ms under NODE_ENV=test, the gateway every 12 s). */
function withoutPings(text: string): string {
  return text
    .split('\n\n')
    .filter((block) => block !== ':')
    .join('\n\n');
}

const watch = (handle: string) =>
  JSON.stringify({ query: `subscription { verificationEvents(filter: { contactHandle: "${handle}" }) { id type ... on ProviderNotificationEvent { notificationId message } } }` });
/** The gateway's route takes only text/event-stream; with another type allowed the request is yoga's, as before. */
const OURS = 'text/event-stream';
const YOGAS = 'text/event-stream, application/json';

describe('the stream', () => {
  it('is what yoga streams: the same head, the same events and the same end', async () => {
    const gateway = await startTestGateway();
    try {
      const subscribe = (accept: string) =>
        open(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: watch('sse-parity') });
      const [ours, yogas] = [await subscribe(OURS), await subscribe(YOGAS)];
      await eventually(async () => (await subscriberGauge(gateway, 'sse')) === 2);
      expect((await postRtrWebhook(gateway, contactNotification('sse-parity'))).status).toBe(200);
      await eventually(async () => ours.text().includes('event: next') && yogas.text().includes('event: next'));
      // Stopping completes every subscription: both streams end with `event: complete`.
      await gateway.stop();
      await Promise.all([ours.ended, yogas.ended]);

      expect(ours.text()).toMatch(/^:\n\nid: (\d+-\d+)\nevent: next\ndata: \{"data":\{"verificationEvents":\{"id":"\1","type":"PROVIDER_NOTIFICATION","notificationId":"\d+","message":"contact updated"\}\}\}\n\nevent: complete\ndata:\n\n$/);
      // One difference: each event carries its id in the `id:` field, for an EventSource to resume with.
      expect(withoutPings(ours.text().replace(/^id: .*\n/gm, ''))).toBe(withoutPings(yogas.text()));
      for (const name of ['content-type', 'cache-control', 'connection', 'content-encoding', 'access-control-allow-origin']) {
        expect([name, ours.response.headers.get(name)]).toEqual([name, yogas.response.headers.get(name)]);
      }
      expect(ours.response.status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });

  it('carries the CORS headers yoga gives a page on another origin', async () => {
    const gateway = await startTestGateway();
    try {
      const subscribe = (accept: string) =>
        open(`${gateway.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept, origin: 'https://dashboard.example' },
          body: watch('sse-cors'),
        });
      const [ours, yogas] = [await subscribe(OURS), await subscribe(YOGAS)];
      const cors = (stream: RawStream) => [...stream.response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary');
      expect(cors(ours).length).toBeGreaterThan(0);
      expect(cors(ours)).toEqual(cors(yogas));
      ours.abort();
      yogas.abort();
    } finally {
      await gateway.stop();
    }
  });
});

describe('requests that are not a stream', () => {
  let gateway: TestGateway;
  const KEY = 'sse-route-key-0001';

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, GRAPHQL_MAX_BODY_BYTES: '2048' } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  /** POSTs with a Content-Length (the gateway's route), or `chunked` (no length: yoga's own path, as before). */
  const post = (body: string | Uint8Array, headers: Record<string, string> = {}, chunked = false) => {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
    return fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: OURS, authorization: `Bearer ${KEY}`, ...headers },
      body: chunked ? new Blob([bytes]).stream() : bytes,
      ...(chunked ? { duplex: 'half' } : {}),
    } as RequestInit);
  };
  const answer = async (response: Response) => [response.status, response.headers.get('content-type'), response.headers.get('www-authenticate'), await response.text()];

  it('are answered exactly as yoga answers them: no key, a wrong key, not JSON, not UTF-8, a query, a bad argument', async () => {
    const cases: [string | Uint8Array, Record<string, string>][] = [
      [watch('x'), { authorization: '' }],
      [watch('x'), { authorization: 'Bearer not-a-key-0000' }],
      ['{"query": ', {}],
      [new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {}],
      [JSON.stringify({ query: '{ __typename }' }), {}],
      [JSON.stringify({ query: 'subscription { verificationEvents(after: "not-an-id") { id } }' }), {}],
    ];
    const ours = await Promise.all(cases.map(([body, headers]) => post(body, headers).then(answer)));
    const yogas = await Promise.all(cases.map(([body, headers]) => post(body, headers, true).then(answer)));
    expect(ours).toEqual(yogas);
    expect(ours.map(([status, , , text]) => [status, /"code":"(\w+)"/.exec(String(text))?.[1] ?? null])).toEqual([
      [401, 'UNAUTHENTICATED'],
      [401, 'UNAUTHENTICATED'],
      // Not JSON is a 400 like not UTF-8 (src/server/request-parse-errors.ts), whatever the client accepts.
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
      [200, null],
      [200, 'BAD_USER_INPUT'],
    ]);
    expect(ours[1]![2]).toBe('Bearer');
    expect(ours[4]![3]).toBe(':\n\nevent: next\ndata: {"data":{"__typename":"Query"}}\n\nevent: complete\ndata:\n\n');
    expect(await subscriberGauge(gateway, 'sse')).toBe(0);
  });

  it('leaves a body over GRAPHQL_MAX_BODY_BYTES to yoga, which refuses it with 413', async () => {
    const response = await post(JSON.stringify({ query: watch('x'), padding: 'x'.repeat(4096) }));
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('"code":"REQUEST_TOO_LARGE"');
  });

  it('subscribes an EventSource (GET, the document in the URL) and delivers its events', async () => {
    const url = `${gateway.url}/graphql?query=${encodeURIComponent(JSON.parse(watch('sse-get')).query)}`;
    const stream = await open(url, { headers: { accept: OURS, authorization: `Bearer ${KEY}` } });
    expect(stream.response.status).toBe(200);
    await eventually(async () => (await subscriberGauge(gateway, 'sse')) === 1);
    expect((await postRtrWebhook(gateway, contactNotification('sse-get'))).status).toBe(200);
    await eventually(async () => stream.text().includes('"type":"PROVIDER_NOTIFICATION"'));
    stream.abort();
    await eventually(async () => (await subscriberGauge(gateway, 'sse')) === 0 && gateway.services.events.openSubscriptions() === 0);
  });
});

describe('an EventSource that reconnects', () => {
  let gateway: TestGateway;
  const KEY = 'sse-resume-key-0001';

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*` } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  /** The `id:` and the event id in the data of each `next` block, in order. */
  const nextBlocks = (text: string) =>
    text
      .split('\n\n')
      .filter((block) => block.includes('event: next'))
      .map((block) => ({ id: /^id: (.*)$/m.exec(block)?.[1] ?? null, eventId: /"id":"(\d+-\d+)"/.exec(block)?.[1] ?? null, message: /"message":"([^"]*)"/.exec(block)?.[1] ?? null }));

  it('is told each event id in the `id:` field, and resumes after it with Last-Event-ID: nothing lost, nothing repeated', async () => {
    const query = JSON.parse(watch('sse-resume')).query as string;
    // As a browser's EventSource asks: a GET with the document (and here a resume point of its own) in the URL.
    const first = await open(`${gateway.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: OURS, authorization: `Bearer ${KEY}` } });
    await eventually(async () => (await subscriberGauge(gateway, 'sse')) === 1);
    expect((await postRtrWebhook(gateway, contactNotification('sse-resume', 'one'))).status).toBe(200);
    await eventually(async () => nextBlocks(first.text()).length === 1);
    const [one] = nextBlocks(first.text());
    expect(one!.id).toBe(one!.eventId);

    // The connection drops; an event arrives while the client is away; the EventSource reconnects to the same URL
    // with the last `id:` it saw as Last-Event-ID.
    first.abort();
    await eventually(async () => gateway.services.events.openSubscriptions() === 0);
    expect((await postRtrWebhook(gateway, contactNotification('sse-resume', 'two'))).status).toBe(200);
    const again = await open(`${gateway.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { accept: OURS, authorization: `Bearer ${KEY}`, 'last-event-id': one!.id! },
    });
    await eventually(async () => nextBlocks(again.text()).length === 1);
    expect((await postRtrWebhook(gateway, contactNotification('sse-resume', 'three'))).status).toBe(200);
    await eventually(async () => nextBlocks(again.text()).length === 2);
    const resumed = nextBlocks(again.text());
    expect(resumed.map((block) => block.message)).toEqual(['two', 'three']);
    for (const block of resumed) expect(block.id).toBe(block.eventId);
    again.abort();
  });

  it('resumes from the later of `after` and Last-Event-ID, and refuses a Last-Event-ID that is not an event id', async () => {
    const subscription = `subscription Watch($after: ID) { verificationEvents(after: $after, filter: { contactHandle: "sse-resume-after" }) { id ... on ProviderNotificationEvent { message } } }`;
    expect((await postRtrWebhook(gateway, contactNotification('sse-resume-after', 'a'))).status).toBe(200);
    expect((await postRtrWebhook(gateway, contactNotification('sse-resume-after', 'b'))).status).toBe(200);
    const page = await gateway.graphql<{ verificationEvents: { edges: { cursor: string }[] } }>(
      `{ verificationEvents(filter: { contactHandle: "sse-resume-after" }) { edges { cursor } } }`,
      {},
      { authorization: `Bearer ${KEY}` },
    );
    const [a] = page.data!.verificationEvents.edges.map((edge) => edge.cursor);
    const url = `${gateway.url}/graphql?query=${encodeURIComponent(subscription)}&variables=${encodeURIComponent(JSON.stringify({ after: '0-0' }))}`;
    const resumed = await open(url, { headers: { accept: OURS, authorization: `Bearer ${KEY}`, 'last-event-id': a! } });
    expect((await postRtrWebhook(gateway, contactNotification('sse-resume-after', 'c'))).status).toBe(200);
    await eventually(async () => nextBlocks(resumed.text()).some((block) => block.message === 'c'));
    expect(nextBlocks(resumed.text()).map((block) => block.message)).toEqual(['b', 'c']);
    resumed.abort();

    const refused = await fetch(url, { headers: { accept: OURS, authorization: `Bearer ${KEY}`, 'last-event-id': 'yesterday' } });
    const text = await refused.text();
    expect(text).toContain('"code":"BAD_USER_INPUT"');
    expect(text).toContain('Last-Event-ID');
  });
});
