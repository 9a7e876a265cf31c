import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { afterStartupSweep, AttackLog, bearer, callerRequests, codesOf, overWebSocket, postGraphQL, wsClient } from './support.js';

/**
 * The limits that read variables before anything runs (GRAPHQL_MAX_COST, UPSTREAM_CALLS_PER_REQUEST) read only the
 * variables the request sent: the same numbers written as the variables' defaults (`$n: Int = 1000`) were costed as
 * absent, so a query refused with literals ran with defaults. Each attack is sent both ways, over HTTP and graphql-ws,
 * and must be refused alike, before any upstream call.
 */
const KEY = 'defaults-key-000001';
const log = new AttackLog();
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000', UPSTREAM_CALLS_PER_MINUTE: '100000', RATE_LIMIT_BURST: '1000' } });
  await afterStartupSweep(gw);
});

afterAll(async () => {
  await gw.stop();
});

/** Cost 2 + 1000 events + 1000 rows with their contacts: 5002, over the default GRAPHQL_MAX_COST of 5000. */
const costly = (first: string) =>
  `verificationEvents(first: ${first}) { edges { node { __typename } } } emailVerifications(first: ${first}) { edges { node { contact { name } } } }`;
/** 900 Domain Name API handles: 900 GetDetails calls, more than UPSTREAM_CALLS_PER_REQUEST (100). */
const HANDLES = Array.from({ length: 900 }, (_, i) => `"DNAX${i}"`).join(' ');

const attacks: [string, string, RegExp][] = [
  ['a page size', `query Q($n: Int = 1000) { ${costly('$n')} }`, /^Query cost 5002 exceeds the limit of 5000 \(GRAPHQL_MAX_COST\)/],
  [
    'a list of handles',
    `query Q($h: [String!]! = [${HANDLES}]) { contacts(provider: DOMAIN_NAME_API, handles: $h) { handle } }`,
    /^This query needs 900 calls to Domain Name API, more than the 100 one request may make \(UPSTREAM_CALLS_PER_REQUEST\)/,
  ],
];

describe('a limit written as a variable default', () => {
  it('is refused as the literal is, for the same number', async () => {
    const literal = await postGraphQL(gw, log, 'costly literal', { query: `{ ${costly('1000')} }` }, bearer(KEY));
    expect(codesOf(literal)).toEqual(['QUERY_TOO_COSTLY']);
    expect(literal.json.errors[0].message).toMatch(attacks[0]![2]);
  });

  it.each(attacks)('over HTTP: %s is refused with a 400 QUERY_TOO_COSTLY before any upstream call', async (label, query, message) => {
    const before = callerRequests(gw);
    const reply = await postGraphQL(gw, log, `http default ${label}`, { query }, bearer(KEY));
    expect(reply.status).toBe(400);
    expect(codesOf(reply)).toEqual(['QUERY_TOO_COSTLY']);
    expect(reply.json.errors[0].message).toMatch(message);
    expect(callerRequests(gw)).toBe(before);
  });

  it.each(attacks)('over graphql-ws: %s errors that operation with QUERY_TOO_COSTLY before any upstream call', async (label, query, message) => {
    const client = wsClient(gw, KEY);
    try {
      const before = callerRequests(gw);
      const { results, error } = await overWebSocket(client, log, `ws default ${label}`, { query });
      const errors = (Array.isArray(error) ? error : results.flatMap((result) => result.errors ?? [])) as { message: string; extensions?: { code?: string } }[];
      expect(errors.map((entry) => entry.extensions?.code)).toEqual(['QUERY_TOO_COSTLY']);
      expect(errors[0]!.message).toMatch(message);
      expect(callerRequests(gw)).toBe(before);
    } finally {
      await client.dispose();
    }
  });

  it('gives way to the value the request sends, null included (graphql-js runs with that one)', async () => {
    const small = await postGraphQL(gw, log, 'default overridden by a small page', { query: `query Q($n: Int = 1000) { ${costly('$n')} }`, variables: { n: 5 } }, bearer(KEY));
    expect(small.status).toBe(200);
    expect(small.json.errors).toBeUndefined();
    const none = await postGraphQL(
      gw,
      log,
      'default list overridden by null',
      { query: `query Q($h: [String!] = [${HANDLES}]) { emailVerifications(first: 0) { totalCount } contacts(provider: DOMAIN_NAME_API, handles: $h) { handle } }`, variables: { h: null } },
      bearer(KEY),
    );
    // null where the list belongs: graphql-js refuses it at the non-null argument, not the cost limit.
    expect(codesOf(none)).not.toContain('QUERY_TOO_COSTLY');
  });
});

describe('after every attack', () => {
  it('saw 0 server errors', () => {
    expect(log.replies.length).toBeGreaterThan(5);
    expect(log.serverErrors()).toEqual([]);
  });
});
