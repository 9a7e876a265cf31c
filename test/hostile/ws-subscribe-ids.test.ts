import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { bearer, idNumberPlanter } from './support.js';

/**
 * A graphql-ws client that sends `subscribe` with the id of an operation still running is closed with 4409 (the
 * protocol's rule). graphql-ws's reason quoted the id, which is the client's text of any length: an ID number sent as
 * an id came back in the close frame, and an id too long for a close frame's reason (123 bytes) made ws throw, which
 * graphql-ws reported as an internal error (4500 with ws's message, and a console.error with a stack).
 */
const KEY = 'ws-subscribe-ids-001';
const { planted, next: idNumber } = idNumberPlanter('5', '3');
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000', RATE_LIMIT_BURST: '1000' } });
});

afterAll(async () => {
  await gw.stop();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Opens a socket, acknowledges it, sends `frames`, and resolves how the gateway closed it. */
function closeAfter(frames: string[]): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: bearer(KEY) })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') for (const frame of frames) socket.send(frame);
    });
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
    socket.on('error', () => undefined);
    setTimeout(() => reject(new Error('the gateway left the socket open')), 10_000);
  });
}

const subscribe = (id: string) => JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { verificationEvents { id } }' } });

describe('a subscribe that reuses a running operation\'s id', () => {
  it('closes the socket with 4409 without quoting the id back (an ID number in it stays with the client)', async () => {
    const id = `op-${idNumber()}`;
    const closed = await closeAfter([subscribe(id), subscribe(id)]);
    expect(closed.code).toBe(4409);
    expect(closed.reason).not.toContain(id.slice(3));
  });

  it.each([
    ['200 ASCII characters', 'x'.repeat(200)],
    ['60 two-byte characters (under 124 characters, over 123 bytes)', '\u00e9'.repeat(60)],
  ])('closes with 4409, not an internal error, when the id is %s', async (_label, id) => {
    const consoleError = vi.spyOn(console, 'error');
    const linesBefore = gw.logs().length;
    const closed = await closeAfter([subscribe(id), subscribe(id)]);
    expect(closed.code).toBe(4409);
    expect(closed.reason).not.toContain(id.slice(0, 20));
    expect(consoleError).not.toHaveBeenCalled();
    expect(gw.logs().slice(linesBefore)).not.toMatch(/"level":50|"stack"/);
  });

  it('leaves other sockets served', async () => {
    const closed = await closeAfter([JSON.stringify({ id: 'ok-1', type: 'subscribe', payload: { query: '{ providers { provider } }' } }), subscribe('ok-2'), subscribe('ok-2')]);
    expect(closed.code).toBe(4409);
    expect((await gw.graphql('{ providers { provider } }', undefined, bearer(KEY))).data?.providers).toHaveLength(4);
  });
});

describe('after every attack', () => {
  it('no log line holds a planted ID number', () => {
    for (const value of planted) expect(gw.logs()).not.toContain(value);
  });
});
