import { SignJWT } from 'jose';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { denicNotification, eventually, freshNotificationId, postRtrWebhook, subscriberGauge } from '../integration/events-support.js';
import { AttackLog, bearer, postGraphQL } from './support.js';

/**
 * A JWT is the caller's word only until its `exp`: after it, /graphql answers 401. A subscription opened before then
 * went on delivering events (with the contact data its scopes read) for as long as the caller kept the stream, over
 * graphql-ws and SSE alike, so a token meant to live five minutes read every later event.
 */
const JWT_SECRET = 'token-expiry-secret-0123456789-abcdef';
/** The gateway accepts a token up to 30 s after its exp (clock tolerance). */
const CLOCK_TOLERANCE_S = 30;
const SUBSCRIPTION = 'subscription { verificationEvents { id type ... on VerificationRequiredEvent { request { contactHandle } } } }';

let gw: TestGateway;
const log = new AttackLog();

beforeAll(async () => {
  gw = await startTestGateway({ env: { GATEWAY_JWT_SECRET: JWT_SECRET, EMAIL_WATCH_INTERVAL_MS: '3600000' } });
});

afterAll(async () => {
  await gw?.stop();
});

/** A token with events:read and contacts:read that the gateway stops accepting `seconds` from now. */
async function tokenValidFor(seconds: number): Promise<string> {
  const exp = Math.floor(Date.now() / 1000) + seconds - CLOCK_TOLERANCE_S;
  return new SignJWT({ scope: 'events:read contacts:read' }).setProtectedHeader({ alg: 'HS256' }).setSubject('short-lived-client').setExpirationTime(exp).sign(new TextEncoder().encode(JWT_SECRET));
}

interface Seen {
  results: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] }[];
  ended: Promise<void>;
  stop: () => Promise<void>;
}

function overWebSocket(token: string): Seen {
  const client = createWsClient({ url: `${gw.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
  const results: Seen['results'] = [];
  const ended = new Promise<void>((resolve) => {
    client.subscribe({ query: SUBSCRIPTION }, { next: (result) => void results.push(result as never), error: () => resolve(), complete: () => resolve() });
  });
  return { results, ended, stop: () => client.dispose() as Promise<void> };
}

function overSse(token: string): Seen {
  const client = createSseClient({ url: `${gw.url}/graphql`, singleConnection: false, retryAttempts: 0, headers: { authorization: `Bearer ${token}` } });
  const results: Seen['results'] = [];
  const ended = new Promise<void>((resolve) => {
    client.subscribe({ query: SUBSCRIPTION }, { next: (result) => void results.push(result as never), error: () => resolve(), complete: () => resolve() });
  });
  return { results, ended, stop: async () => client.dispose() };
}

describe('a subscription opened with a JWT', () => {
  it('ends with UNAUTHENTICATED once the token expires, over graphql-ws and SSE, and delivers no event after', async () => {
    // Long enough for both streams to open and get the first event on a busy machine (at 3 s, a loaded run saw the
    // token expire first, and the event before expiry never came); the test still waits for the real expiry.
    const lifetimeMs = 8_000;
    const expiresAt = Date.now() + lifetimeMs;
    const token = await tokenValidFor(lifetimeMs / 1000);
    const streams = { ws: overWebSocket(token), sse: overSse(token) };
    try {
      // Both are live: an event before the expiry reaches them.
      await eventually(async () => (await subscriberGauge(gw, 'ws')) === 1 && (await subscriberGauge(gw, 'sse')) === 1);
      await postRtrWebhook(gw, JSON.stringify(denicNotification(freshNotificationId(), 'rtr-0004')));
      await eventually(async () => streams.ws.results.length > 0 && streams.sse.results.length > 0);
      // Wait until the gateway itself refuses the token on a new request; asked only from its expiry on, since every
      // refusal counts against this address's failed-authentication budget, which the next test needs unspent.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now())));
      await eventually(async () => (await postGraphQL(gw, log, 'a new request with the expired token', { query: '{ __typename }' }, bearer(token))).status === 401, 15_000);
      await postRtrWebhook(gw, JSON.stringify(denicNotification(freshNotificationId(), 'rtr-0005')));
      for (const [transport, stream] of Object.entries(streams)) {
        await Promise.race([stream.ended, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        log.record(`${transport} subscription`, 200, JSON.stringify(stream.results));
        const handles = stream.results.map((result) => result.data?.verificationEvents?.request?.contactHandle).filter(Boolean);
        expect(handles, transport).toEqual(['rtr-0004']);
        expect(stream.results.at(-1)?.errors?.map((error) => error.extensions?.code), transport).toEqual(['UNAUTHENTICATED']);
      }
    } finally {
      await Promise.all(Object.values(streams).map((stream) => stream.stop()));
    }
  });

  it('keeps delivering while its token is valid (an hour left)', async () => {
    const token = await tokenValidFor(3_600);
    await eventually(async () => (await subscriberGauge(gw, 'ws')) === 0);
    const stream = overWebSocket(token);
    try {
      await eventually(async () => (await subscriberGauge(gw, 'ws')) === 1);
      await postRtrWebhook(gw, JSON.stringify(denicNotification(freshNotificationId(), 'rtr-0006')));
      await eventually(async () => stream.results.length > 0);
      expect(stream.results[0]?.data?.verificationEvents?.request?.contactHandle).toBe('rtr-0006');
    } finally {
      await stream.stop();
    }
  });
});

describe('after every attack', () => {
  it('saw 0 server errors', () => {
    expect(log.serverErrors()).toEqual([]);
  });
});
