import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { subscriberGauge } from '../integration/events-support.js';

/**
 * graphql-ws answers an operation it cannot pick from the document (an operationName the document lacks, or two
 * operations and no name) with an error and no `complete`: such an operation must not stay counted as running on its
 * socket (gateway_subscribers{transport="ws"}, the socket's operation limit) for as long as the socket is open.
 */
const KEY = 'ws-unidentified-0001';

describe('a WebSocket operation graphql-ws cannot identify', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000' } });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('is answered with an error and leaves nothing counted as running', async () => {
    const socket = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: { type: string; id?: string }[] = [];
    const next = () => new Promise<{ type: string; id?: string }>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${KEY}` } }));
    expect((await next()).type).toBe('connection_ack');
    const payloads = [
      { query: '{ __typename }', operationName: 'Absent' },
      { query: 'query A { __typename } query B { __typename }' },
    ];
    for (const [index, payload] of payloads.entries()) {
      socket.send(JSON.stringify({ id: `op-${index}`, type: 'subscribe', payload }));
      messages.push(await next());
    }
    expect(messages.map((message) => message.type)).toEqual(['error', 'error']);
    expect(await subscriberGauge(gw, 'ws')).toBe(0);
    socket.close();
  });
});
