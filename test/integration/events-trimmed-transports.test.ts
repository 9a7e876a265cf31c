import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerificationEvent } from '../../src/domain/events.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { notification } from '../helpers/event-fixtures.js';
import { openRawStream, SUBSCRIPTION, type EventResult } from './events-support.js';

/**
 * A resume point older than what the event log keeps, as each transport's client sees it: one GraphQL error
 * EVENTS_TRIMMED with the oldest kept id, then the subscription completes, the way SUBSCRIBER_FELL_BEHIND ends one.
 * A gateway whose memory log keeps 5 events, with 8 appended: the first 3 are gone.
 */

let gateway: TestGateway;
let appended: VerificationEvent[];
let oldestKeptId: string;

beforeAll(async () => {
  gateway = await startTestGateway({ gateway: { eventLogCapacity: 5, sandbox: { realtimeRegister: { seedDenicRequests: 0 } } } });
  appended = [];
  for (let n = 1; n <= 8; n++) appended.push((await gateway.services.events.record(notification(n))).event);
  oldestKeptId = (await gateway.stores.eventLog.read({ limit: 1 }))[0]!.id;
});

afterAll(async () => {
  await gateway?.stop();
});

/** Every result the subscription sent, until it completed. */
async function allResults(iterator: AsyncIterable<EventResult>): Promise<EventResult[]> {
  const results: EventResult[] = [];
  for await (const result of iterator) results.push(result);
  return results;
}

/** The `next` payloads of a finished SSE stream, and whether it ended with `complete`. */
function sseResults(text: string): { results: EventResult[]; completed: boolean } {
  const blocks = text.split('\n\n').filter((block) => block.includes('event: '));
  const results = blocks.filter((block) => block.includes('event: next')).map((block) => JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as EventResult);
  return { results, completed: blocks.at(-1)?.includes('event: complete') ?? false };
}

function expectTrimmed(results: EventResult[]): void {
  expect(results).toHaveLength(1);
  expect(results[0]!.data).toBeNull();
  expect(results[0]!.errors).toHaveLength(1);
  expect(results[0]!.errors![0]).toMatchObject({
    path: ['verificationEvents'],
    message: `events after the given resume point are no longer kept in the event log; re-read state with queries, then resume with after: ${oldestKeptId}`,
    extensions: { code: 'EVENTS_TRIMMED', oldestKeptId },
  });
  expect(results[0]!.errors![0]!.extensions).not.toHaveProperty('resumeAfter');
}

describe('a subscription resuming from a trimmed id', () => {
  it('ends with EVENTS_TRIMMED and the oldest kept id over graphql-ws', async () => {
    const client = createWsClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      expectTrimmed(await allResults(client.iterate({ query: SUBSCRIPTION, variables: { after: appended[0]!.id } }) as AsyncIterable<EventResult>));
    } finally {
      await client.dispose();
    }
  });

  it('ends with EVENTS_TRIMMED and the oldest kept id over SSE, single connection', async () => {
    const client = createSseClient({ url: `${gateway.url}/graphql`, singleConnection: true, retryAttempts: 0 });
    try {
      expectTrimmed(await allResults(client.iterate({ query: SUBSCRIPTION, variables: { after: appended[0]!.id } }) as AsyncIterable<EventResult>));
    } finally {
      client.dispose();
    }
  });

  it('ends with EVENTS_TRIMMED and the oldest kept id over SSE, distinct connections (the gateway\'s stream and yoga\'s)', async () => {
    for (const accept of ['text/event-stream', 'text/event-stream, application/json']) {
      const stream = await openRawStream(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: SUBSCRIPTION, variables: { after: appended[0]!.id } }),
      });
      await stream.ended;
      const { results, completed } = sseResults(stream.text());
      expectTrimmed(results);
      expect(completed).toBe(true);
    }
  });

  it('ends the same way for an EventSource reconnecting with a trimmed Last-Event-ID', async () => {
    const query = encodeURIComponent('subscription { verificationEvents { id } }');
    const stream = await openRawStream(`${gateway.url}/graphql?query=${query}`, { headers: { accept: 'text/event-stream', 'last-event-id': appended[0]!.id } });
    await stream.ended;
    const { results, completed } = sseResults(stream.text());
    expectTrimmed(results);
    expect(completed).toBe(true);
  });

  it('replays from a kept id with no gap over graphql-ws', async () => {
    const client = createWsClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const iterator = client.iterate({ query: SUBSCRIPTION, variables: { after: oldestKeptId } })[Symbol.asyncIterator]() as AsyncIterator<EventResult>;
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await iterator.next()).value.data.verificationEvents.id);
      expect(ids).toEqual(appended.slice(4).map((event) => event.id));
      await iterator.return!();
    } finally {
      await client.dispose();
    }
  });
});

describe('the verificationEvents query after a trimmed id', () => {
  it('answers the kept events and EVENTS_TRIMMED at its path', async () => {
    const reply = await gateway.graphql<{ verificationEvents: { edges: { node: { id: string } }[] } }>(
      'query Events($after: String) { verificationEvents(after: $after, first: 2) { edges { node { id } } } }',
      { after: appended[0]!.id },
    );
    expect(reply.data!.verificationEvents.edges.map((edge) => edge.node.id)).toEqual([oldestKeptId, appended[4]!.id]);
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]).toMatchObject({ path: ['verificationEvents'], extensions: { code: 'EVENTS_TRIMMED', oldestKeptId } });
  });
});
