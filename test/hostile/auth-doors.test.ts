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
 * accepted (the WebSocket upgrade's own Authorization header beside connection_init's), and guesses spread over the
 * many addresses one IPv6 host holds. Every guess is either ignored or charged to the guesser's one budget.
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

describe('failed authentications from IPv6 clients behind a reverse proxy (TRUST_PROXY_HOPS=1)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      env: { GATEWAY_API_KEYS: `${ADMIN_KEY}:*`, RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_BURST: '5', TRUST_PROXY_HOPS: '1', EMAIL_WATCH_INTERVAL_MS: '3600000' },
    });
  });
  afterAll(async () => {
    await gw.stop();
  });

  const query = { query: '{ __typename }' };
  const from = (address: string, key: string) => ({ ...bearer(key), 'x-forwarded-for': address });

  it('share one budget across the /64 a single host holds: a new address per guess does not reset it', async () => {
    // One host, one /64 (2^64 addresses to pick from), a fresh address for every guess, written as clients may.
    const guesses = ['2001:db8:7:1::1', '2001:db8:7:1::2', '2001:DB8:7:1:0:0:0:3', '2001:db8:7:1:ffff::4', '2001:0db8:0007:0001::5'];
    for (const [index, address] of guesses.entries()) {
      expect((await postGraphQL(gw, log, `IPv6 guess ${index + 1}`, query, from(address, `wrong-key-v6-00${index + 1}`))).status).toBe(401);
    }
    expect((await postGraphQL(gw, log, 'IPv6 guess 6', query, from('2001:db8:7:1:abcd::6', 'wrong-key-v6-006'))).status).toBe(429);
    expect((await postGraphQL(gw, log, "the IPv6 guesser's right key", query, from('2001:db8:7:1::7', ADMIN_KEY))).status).toBe(429);
    // Another /64 is another client.
    expect((await postGraphQL(gw, log, 'a client in another /64', query, from('2001:db8:7:2::1', ADMIN_KEY))).status).toBe(200);
    // IPv4 clients keep one budget per address, the IPv4-mapped form included.
    expect((await postGraphQL(gw, log, 'an IPv4 client', query, from('192.0.2.10', ADMIN_KEY))).status).toBe(200);
    expect((await postGraphQL(gw, log, 'an IPv4-mapped client', query, from('::ffff:192.0.2.11', ADMIN_KEY))).status).toBe(200);
  });
});

describe('after every attack', () => {
  it('saw 0 server errors', () => {
    expect(log.serverErrors()).toEqual([]);
  });
});
