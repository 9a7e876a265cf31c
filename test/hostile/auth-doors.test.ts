import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClientOptions } from 'ws';
import { createClient as createWsClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { AttackLog, bearer, overWebSocket, postGraphQL } from './support.js';

/**
 * The doors that take a key, tried the ways a guesser would: a second credential where the first was already
 * accepted (the WebSocket upgrade's own Authorization header beside connection_init's). Every guess is either ignored
 * or charged to the guesser's one budget.
 */
const EVENTS_KEY = 'doors-events-key-0001';
const ADMIN_KEY = 'doors-admin-key-00001';
/** Three keys that each open sockets for three guesses: within each key's own budget, nine guesses from one address. */
const SOCKET_KEYS = ['doors-socket-key-0001', 'doors-socket-key-0002', 'doors-socket-key-0003'];
const log = new AttackLog();

/** A graphql-ws client whose upgrade request carries `authorization` (a browser cannot set it; any other client can). */
function wsWithUpgradeHeader(gateway: TestGateway, connectionKey: string, upgradeAuthorization: string): Client {
  class UpgradeHeaderSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[], options?: ClientOptions) {
      super(address, protocols, { ...options, headers: { authorization: upgradeAuthorization } });
    }
  }
  return createWsClient({
    url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: UpgradeHeaderSocket,
    retryAttempts: 0,
    connectionParams: bearer(connectionKey),
  });
}

describe('a graphql-ws socket authenticated at connection_init', () => {
  let gw: TestGateway;
  // A burst of 5 failures a minute: more guesses than that, counted, would refuse the right key afterwards.
  beforeAll(async () => {
    gw = await startTestGateway({
      env: {
        GATEWAY_API_KEYS: [`${EVENTS_KEY}:events:read`, `${ADMIN_KEY}:*`, ...SOCKET_KEYS.map((key) => `${key}:events:read`)].join(';'),
        RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_BURST: '5',
        EMAIL_WATCH_INTERVAL_MS: '3600000',
      },
    });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('runs every operation as the key of its connection_init, whatever the upgrade request\'s Authorization says', async () => {
    // The upgrade names the admin key; the socket was opened with the events key: contacts stay out of reach.
    const client = wsWithUpgradeHeader(gw, EVENTS_KEY, `Bearer ${ADMIN_KEY}`);
    const reply = await overWebSocket(client, log, 'admin key in the upgrade header', { query: '{ verificationRequests(first: 1) { totalCount } }' });
    await client.dispose();
    const text = JSON.stringify(reply);
    expect(text).not.toContain('totalCount');
    expect(text).toContain('FORBIDDEN');
  });

  it('is no key-guessing oracle: wrong keys in the upgrade header are not answered one by one, nor charged to the address', async () => {
    const answers: string[] = [];
    for (const [index, key] of SOCKET_KEYS.flatMap((socketKey) => [socketKey, socketKey, socketKey]).entries()) {
      const client = wsWithUpgradeHeader(gw, key, `Bearer wrong-guess-00000${index + 1}`);
      const reply = await overWebSocket(client, log, `guess ${index + 1} in the upgrade header`, { query: '{ __typename }' });
      await client.dispose();
      answers.push(JSON.stringify(reply.results[0]?.data ?? reply));
    }
    // Each operation ran as the socket's key: no UNAUTHENTICATED told a guess apart from a hit.
    expect(answers).toEqual(Array(9).fill('{"__typename":"Query"}'));
    // Nine failures counted would have put the address over its budget of five: the right key would get a 429.
    expect((await postGraphQL(gw, log, 'the right key afterwards', { query: '{ __typename }' }, bearer(ADMIN_KEY))).status).toBe(200);
  });
});

describe('after every attack', () => {
  it('saw 0 server errors', () => {
    expect(log.serverErrors()).toEqual([]);
  });
});
