import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvidersDocument, VerificationEventsDocument, createGatewayClient } from '../../client/src/index.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

/** graphql-sse's single-connection mode on /graphql (src/server/use-graphql-sse.ts), as a client's requests drive it. */
const KEY_A = 'caller-a-key-1';
const KEY_B = 'caller-b-key-1';
const TOKEN_HEADER = 'x-graphql-event-stream-token';

let gateway: TestGateway;

beforeAll(async () => {
  // Room in the rate limit for the 100-operation test (the default burst is 100 requests).
  gateway = await startTestGateway({ env: { GATEWAY_API_KEYS: `a=${KEY_A}:*;b=${KEY_B}:*`, RATE_LIMIT_PER_MINUTE: '6000', RATE_LIMIT_BURST: '1000' } });
});

afterAll(async () => {
  await gateway?.stop();
});

const as = (key: string) => ({ authorization: `Bearer ${key}` });

async function reserve(key: string): Promise<string> {
  const response = await fetch(`${gateway.url}/graphql`, { method: 'PUT', headers: as(key) });
  expect(response.status).toBe(201);
  return response.text();
}

function operation(key: string, token: string, body: string | ReadableStream<Uint8Array>) {
  return fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { ...as(key), [TOKEN_HEADER]: token, 'content-type': 'application/json', accept: 'application/json' },
    body,
    ...(typeof body === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit);
}

const providersOperation = JSON.stringify({ query: '{ providers { provider } }', extensions: { operationId: 'op-1' } });

describe("graphql-sse's single-connection mode", () => {
  it('runs two subscriptions on one stream with the official client', async () => {
    const client = createGatewayClient({ url: gateway.url, apiKey: KEY_A });
    const first = client.subscribe(VerificationEventsDocument, { after: '0-0' }, { transport: 'sse-single' });
    const second = client.subscribe(VerificationEventsDocument, { after: '0-0' }, { transport: 'sse-single' });
    const [a, b] = await Promise.all([first.next(), second.next()]);
    await Promise.all([first.return(undefined), second.return(undefined)]);
    await client.dispose();
    expect(a.value?.verificationEvents.id).toBeTruthy();
    expect(b.value?.verificationEvents.id).toBe(a.value?.verificationEvents.id);
  });

  it('runs queries on the stream too', async () => {
    const client = createGatewayClient({ url: gateway.url, apiKey: KEY_A });
    const providers: string[] = [];
    for await (const result of client.subscribe(ProvidersDocument, {}, { transport: 'sse-single' })) {
      providers.push(...result.providers.map((status) => status.provider));
    }
    await client.dispose();
    expect(providers).toContain('OPENPROVIDER');
  });

  it('refuses to reserve a stream without a key', async () => {
    const response = await fetch(`${gateway.url}/graphql`, { method: 'PUT' });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it("answers 404 to a caller using another caller's stream token, as to an unknown one", async () => {
    const token = await reserve(KEY_A);
    const stolen = await operation(KEY_B, token, providersOperation);
    const unknown = await operation(KEY_B, 'no-such-token', providersOperation);
    expect([stolen.status, unknown.status]).toEqual([404, 404]);
    expect(await stolen.text()).toBe(await unknown.text());
    expect((await operation(KEY_A, token, providersOperation)).status).toBe(202);
  });

  it('bounds operation bodies: a declared length over GRAPHQL_MAX_BODY_BYTES is 413, none at all is 411', async () => {
    const token = await reserve(KEY_A);
    const large = JSON.stringify({ query: `{ providers { provider } } # ${'x'.repeat(110_000)}`, extensions: { operationId: 'op-2' } });
    expect((await operation(KEY_A, token, large)).status).toBe(413);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(providersOperation));
        controller.close();
      },
    });
    expect((await operation(KEY_A, token, streamed)).status).toBe(411);
  });

  it('runs at most 100 operations at once on one stream: the 101st is refused, and a place comes back when one stops', async () => {
    const token = await reserve(KEY_A);
    const stream = await fetch(`${gateway.url}/graphql?token=${token}`, { headers: { ...as(KEY_A), accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    try {
      const subscribe = (id: string) => operation(KEY_A, token, JSON.stringify({ query: 'subscription { verificationEvents { id } }', extensions: { operationId: id } }));
      const accepted = await Promise.all(Array.from({ length: 100 }, (_, index) => subscribe(`live-${index}`)));
      expect(accepted.map((response) => response.status)).toEqual(Array(100).fill(202));
      const refused = await subscribe('live-100');
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('TOO_MANY_OPERATIONS');
      // A query finishes at once: it takes no lasting place, but while the stream is full it is refused too.
      expect((await operation(KEY_A, token, providersOperation)).status).toBe(400);
      const stopped = await fetch(`${gateway.url}/graphql?operationId=live-0`, { method: 'DELETE', headers: { ...as(KEY_A), [TOKEN_HEADER]: token } });
      expect(stopped.status).toBe(200);
      expect((await subscribe('live-101')).status).toBe(202);
      // Another stream of the same caller has its own places.
      expect((await operation(KEY_A, await reserve(KEY_A), providersOperation)).status).toBe(202);
    } finally {
      await stream.body?.cancel();
    }
  });

  it('counts operations sent with GET, as the protocol also allows, against the same 100 on a stream', async () => {
    const token = await reserve(KEY_A);
    const stream = await fetch(`${gateway.url}/graphql?token=${token}`, { headers: { ...as(KEY_A), accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    try {
      const subscribe = (id: string) => {
        const search = new URLSearchParams({ query: 'subscription { verificationEvents { id } }', extensions: JSON.stringify({ operationId: id }) });
        return fetch(`${gateway.url}/graphql?${search}`, { headers: { ...as(KEY_A), [TOKEN_HEADER]: token, accept: 'application/json' } });
      };
      const accepted = await Promise.all(Array.from({ length: 100 }, (_, index) => subscribe(`get-${index}`)));
      expect(accepted.map((response) => response.status)).toEqual(Array(100).fill(202));
      const refused = await subscribe('get-100');
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('TOO_MANY_OPERATIONS');
      expect((await operation(KEY_A, token, providersOperation)).status).toBe(400);
    } finally {
      await stream.body?.cancel();
    }
  });

  it('gives back the key\'s place when a stream opened by POST ends, as one opened by GET', async () => {
    // SOCKETS_PER_KEY=1: a second stream is refused while the first is held, and reserved once it is gone.
    const own = await startTestGateway({ env: { GATEWAY_API_KEYS: `a=${KEY_A}:*`, SOCKETS_PER_KEY: '1' } });
    try {
      const put = () => fetch(`${own.url}/graphql`, { method: 'PUT', headers: as(KEY_A) });
      const token = await (await put()).text();
      // graphql-sse's handler opens a reserved stream for any request that accepts text/event-stream, POST included.
      const stream = await fetch(`${own.url}/graphql`, { method: 'POST', headers: { ...as(KEY_A), [TOKEN_HEADER]: token, accept: 'text/event-stream', 'content-type': 'application/json' }, body: '{}' });
      expect(stream.status).toBe(200);
      expect((await put()).status).toBe(429);
      await stream.body?.cancel();
      await expect.poll(async () => (await put()).status, { timeout: 5_000 }).toBe(201);
    } finally {
      await own.stop();
    }
  }, 30_000);

  it('ends open streams when the gateway stops, so shutdown drains', async () => {
    const own = await startTestGateway();
    const token = await (await fetch(`${own.url}/graphql`, { method: 'PUT' })).text();
    // A client that keeps its stream open with no operation running (graphql-sse's client does so while it has any).
    const stream = await fetch(`${own.url}/graphql?token=${token}`, { headers: { accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    const read = (async () => {
      const reader = stream.body!.getReader();
      for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return 'ended';
    })();
    await own.stop();
    expect(await read).toBe('ended');
  }, 30_000);
});
