import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Client } from 'graphql-ws';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { contactNotification, eventually, openRawStream, postRtrWebhook, type RawStream } from '../integration/events-support.js';
import { AttackLog, overWebSocket, wsClient } from './support.js';

/**
 * What one key may hold open at once on an instance: SUBSCRIPTIONS_PER_KEY subscriptions over SSE and WebSocket
 * together, SOCKETS_PER_KEY WebSockets past connection_init (idle ones included). Small caps here (3 and 2) so that
 * the edge is reached in a few operations.
 */
const KEY_A = 'caps-key-a-0001';
const KEY_B = 'caps-key-b-0001';
const KEY_C = 'caps-key-c-0001';
const HANDLE = 'caps-handle';
/** Replays the log from its start, then goes live: a running subscription's first result comes without waiting. */
const LIVE = `subscription { verificationEvents(filter: { contactHandle: "${HANDLE}" }, after: "0-0") { id } }`;
const log = new AttackLog();

/** One live subscription over graphql-ws: its first result (data or the error it was refused with), and how to end it. */
function subscribeOver(client: Client): { first: Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>; stop: () => void } {
  let stop: () => void = () => undefined;
  const first = new Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>((resolve) => {
    stop = client.subscribe(
      { query: LIVE },
      { next: (result) => resolve(result as never), error: (errors) => resolve({ errors: errors as never }), complete: () => undefined },
    );
  });
  return { first, stop };
}

/** A distinct-connections SSE subscription with `key`: the answer, and its body as it arrives. */
function openSse(gateway: TestGateway, key: string): Promise<RawStream> {
  return openRawStream(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: LIVE }),
  });
}

/** Logs one event every subscription of this file replays (the webhook is answered once the event is in the log). */
async function publishEvent(gateway: TestGateway): Promise<void> {
  expect((await postRtrWebhook(gateway, contactNotification(HANDLE))).status).toBe(200);
}

/** Opens a raw graphql-transport-ws socket and sends connection_init: resolves 'acked' or the close code. */
function initSocket(gateway: TestGateway, key: string): Promise<{ outcome: 'acked' | number; socket: WebSocket; reason: () => string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    let reason = '';
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve({ outcome: 'acked', socket, reason: () => reason });
    });
    socket.on('close', (code, text) => {
      reason = String(text);
      resolve({ outcome: code, socket, reason: () => reason });
    });
    socket.on('error', () => undefined);
  });
}

const closed = (socket: WebSocket) => new Promise<void>((resolve) => (socket.readyState === WebSocket.CLOSED ? resolve() : socket.once('close', () => resolve())));

describe('open subscriptions per key (SUBSCRIPTIONS_PER_KEY=3), over SSE and WebSocket together', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      env: { GATEWAY_API_KEYS: `${KEY_A}:*;${KEY_B}:*`, SUBSCRIPTIONS_PER_KEY: '3', SOCKETS_PER_KEY: '5', EMAIL_WATCH_INTERVAL_MS: '3600000' },
    });
    await publishEvent(gw);
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('refuses the 4th with RATE_LIMITED: over WebSocket that operation alone, over SSE a 429 that holds nothing open', async () => {
    const client = wsClient(gw, KEY_A, { lazy: false });
    let closeCode: number | null = null;
    client.on('closed', (event) => (closeCode = (event as { code: number }).code));
    const other = await openSse(gw, KEY_B);
    try {
      const ws = [subscribeOver(client), subscribeOver(client)];
      const sse = await openSse(gw, KEY_A);
      expect(sse.response.status).toBe(200);
      // The three are running once each has its first event.
      for (const subscription of ws) expect((await subscription.first).data).toBeTruthy();
      await eventually(async () => sse.text().includes('event: next'));

      const fourth = subscribeOver(client);
      const refused = await fourth.first;
      expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['RATE_LIMITED']);
      expect(JSON.stringify(refused)).toContain('SUBSCRIPTIONS_PER_KEY');
      expect(JSON.stringify(refused)).not.toContain('"http"');

      const overSse = await openSse(gw, KEY_A);
      await overSse.ended; // the server ended the body: nothing held open
      log.record('sse 4th subscription', overSse.response.status, overSse.text());
      expect(overSse.response.status).toBe(429);
      expect(overSse.text()).toContain('RATE_LIMITED');
      expect(overSse.text()).toContain('SUBSCRIPTIONS_PER_KEY');

      // The socket carries on with other operations, and another key is not touched by A's cap.
      const { results } = await overWebSocket(client, log, 'ws query beside the refusal', { query: '{ providers { provider } }' });
      expect(results[0]?.data).toMatchObject({ providers: expect.any(Array) });
      expect(other.response.status).toBe(200);
      expect(closeCode).toBeNull();

      // A completed subscription frees its slot at once: the next subscribe on the same socket (processed after the
      // complete) runs.
      ws[0]!.stop();
      const again = subscribeOver(client);
      expect((await again.first).data).toBeTruthy();

      // A closed SSE stream frees its slot too (the server learns it when the socket closes).
      sse.abort();
      let replacement: RawStream | null = null;
      await eventually(async () => {
        const attempt = await openSse(gw, KEY_A);
        if (attempt.response.status === 200) return (replacement = attempt);
        await attempt.ended;
        return null;
      });
      replacement!.abort();
      again.stop();
    } finally {
      other.abort();
      await client.dispose();
    }
  });

  it('gives back every slot of a socket that closes with subscriptions open', async () => {
    const first = wsClient(gw, KEY_A, { lazy: false });
    const held = [subscribeOver(first), subscribeOver(first), subscribeOver(first)];
    for (const subscription of held) expect((await subscription.first).data).toBeTruthy();
    await first.dispose();
    const second = wsClient(gw, KEY_A, { lazy: false });
    try {
      let fresh: ReturnType<typeof subscribeOver>[] = [];
      // The server sees the first socket close a moment after the client does: retried until all three run.
      await eventually(async () => {
        for (const subscription of fresh) subscription.stop();
        fresh = [subscribeOver(second), subscribeOver(second), subscribeOver(second)];
        const firsts = await Promise.all(fresh.map((subscription) => subscription.first));
        return firsts.every((result) => result.data);
      });
      for (const subscription of fresh) subscription.stop();
    } finally {
      await second.dispose();
    }
  });
});

describe('open WebSockets per key (SOCKETS_PER_KEY=2)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY_A}:*;${KEY_B}:*;${KEY_C}:*`, SOCKETS_PER_KEY: '2', EMAIL_WATCH_INTERVAL_MS: '3600000' } });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('closes a 3rd socket of one key with 4429 after connection_init, idle ones counted; another key is not touched', async () => {
    const idle = [await initSocket(gw, KEY_A), await initSocket(gw, KEY_A)];
    expect(idle.map((socket) => socket.outcome)).toEqual(['acked', 'acked']);
    const third = await initSocket(gw, KEY_A);
    expect(third.outcome).toBe(4429);
    expect(third.reason()).toContain('SOCKETS_PER_KEY');
    const otherKey = await initSocket(gw, KEY_B);
    expect(otherKey.outcome).toBe('acked');

    // A closed socket gives its slot back (once the server has seen it close).
    idle[0]!.socket.close();
    await closed(idle[0]!.socket);
    const replacement = await eventually(async () => {
      const attempt = await initSocket(gw, KEY_A);
      return attempt.outcome === 'acked' ? attempt : null;
    });
    for (const socket of [idle[1]!, otherKey, replacement]) socket.socket.close();
  });

  it('counts graphql-sse streams (single-connection mode) with the WebSockets, from the reservation until the stream ends', async () => {
    const reserve = (key: string) =>
      fetch(`${gw.url}/graphql`, { method: 'PUT', headers: { authorization: `Bearer ${key}` } }).then(async (response) => ({ status: response.status, text: await response.text() }));
    const socket = await initSocket(gw, KEY_A);
    expect(socket.outcome).toBe('acked');
    const first = await reserve(KEY_A);
    expect(first.status).toBe(201);
    const refused = await reserve(KEY_A);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused.text).toContain('SOCKETS_PER_KEY');
    expect((await reserve(KEY_B)).status).toBe(201);

    // Opening the reserved stream keeps its slot; ending it gives the slot back.
    const opened = new AbortController();
    const stream = await fetch(`${gw.url}/graphql?token=${encodeURIComponent(first.text)}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${KEY_A}` },
      signal: opened.signal,
    });
    expect(stream.status).toBe(200);
    expect((await reserve(KEY_A)).status).toBe(429);
    opened.abort();
    const again = await eventually(async () => {
      const attempt = await reserve(KEY_A);
      return attempt.status === 201 ? attempt : null;
    });
    expect(again.status).toBe(201);
    socket.socket.close();
  });

  it('gives a stream slot back when a GET of its token that opened nothing (not an event stream) came first', async () => {
    const reserve = () =>
      fetch(`${gw.url}/graphql`, { method: 'PUT', headers: { authorization: `Bearer ${KEY_C}` } }).then(async (response) => ({ status: response.status, text: await response.text() }));
    const streamUrl = (token: string) => `${gw.url}/graphql?token=${encodeURIComponent(token)}`;
    const first = await reserve();
    expect(first.status).toBe(201);
    // Not text/event-stream: graphql-sse answers it at once (no stream opens), and the response finishes normally.
    const probe = await fetch(streamUrl(first.text), { headers: { accept: 'application/json', authorization: `Bearer ${KEY_C}` } });
    log.record('sse GET of a token, not an event stream', probe.status, await probe.text());
    expect(probe.status).toBeLessThan(500);
    // The stream itself opens afterwards; when it ends, its slot comes back as it would without the probe.
    const opened = new AbortController();
    const stream = await fetch(streamUrl(first.text), { headers: { accept: 'text/event-stream', authorization: `Bearer ${KEY_C}` }, signal: opened.signal });
    expect(stream.status).toBe(200);
    expect((await reserve()).status).toBe(201); // the 2nd slot
    expect((await reserve()).status).toBe(429);
    opened.abort();
    const again = await eventually(async () => {
      const attempt = await reserve();
      return attempt.status === 201 ? attempt : null;
    });
    expect(again.status).toBe(201);
  });
});

describe('after every attack', () => {
  it('saw 0 server errors', () => {
    expect(log.serverErrors()).toEqual([]);
  });
});
