import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isSseRouteRequest } from '../../src/server/sse-route.js';

const LIMIT = 2048;
const request = (method: string, url: string, headers: Record<string, string>) => ({ method, url, headers }) as unknown as IncomingMessage;
const stream = { accept: 'text/event-stream' };
const takes = (req: IncomingMessage) => isSseRouteRequest(req, '/graphql', LIMIT);

describe('which requests the gateway streams itself (src/server/sse-route.ts)', () => {
  it('takes a subscription POST with a bounded body and an EventSource GET, asking only for text/event-stream', () => {
    expect(takes(request('POST', '/graphql', { ...stream, 'content-length': '120' }))).toBe(true);
    expect(takes(request('POST', '/graphql', { accept: 'text/event-stream; charset=utf-8', 'content-length': String(LIMIT) }))).toBe(true);
    expect(takes(request('GET', '/graphql?query=subscription%7Bx%7D', stream))).toBe(true);
  });

  it('leaves everything else to yoga, as before', () => {
    const others = [
      request('POST', '/graphql', { accept: 'text/event-stream, application/json', 'content-length': '120' }),
      request('POST', '/graphql', { 'content-length': '120' }),
      request('POST', '/graphql', { ...stream, 'transfer-encoding': 'chunked' }),
      request('POST', '/graphql', { ...stream, 'content-length': String(LIMIT + 1) }),
      request('POST', '/graphql', { ...stream, 'content-length': '1e3' }),
      request('POST', '/graphql', { ...stream, 'content-length': '120', 'x-graphql-event-stream-token': 't' }),
      request('GET', '/graphql?token=t', stream),
      request('PUT', '/graphql', stream),
      request('DELETE', '/graphql?operationId=1', stream),
      request('OPTIONS', '/graphql', stream),
      request('GET', '/graphiql', stream),
    ];
    expect(others.map(takes)).toEqual(others.map(() => false));
  });
});
