import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { afterStartupSweep, AttackLog, bearer, codesOf, globalId, idNumberPlanter, postGraphQL, callerRequests } from './support.js';

/**
 * nodes(ids:) and contacts(handles:) answer one error per refused entry (aa63eeb). An attacker sends thousands of bad
 * entries for a response of thousands of errors, mixes ids of types the key may not read among readable ones, and
 * writes ID numbers as ids and handles. The list stays bounded by GRAPHQL_MAX_COST as before (one error per slot, all
 * alike and short), each slot is checked against the key's scopes with no upstream call, and no ID number, nor its
 * Base64 as a global id, comes back.
 */
const ADMIN = 'list-slots-admin-01';
const CONTACTS_ONLY = 'list-slots-contacts-02';
const log = new AttackLog();
const ids = idNumberPlanter('3', '5');
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    env: {
      GATEWAY_API_KEYS: `${ADMIN}:*;${CONTACTS_ONLY}:contacts:read`,
      EMAIL_WATCH_INTERVAL_MS: '3600000',
      RATE_LIMIT_PER_MINUTE: '60000',
      UPSTREAM_CALLS_PER_MINUTE: '100000',
    },
  });
  await afterStartupSweep(gw);
});

afterAll(async () => {
  await gw?.stop();
});

const NODES = 'query N($ids: [ID!]!) { nodes(ids: $ids) { id } }';
const CONTACTS = 'query C($p: Provider!, $h: [String!]!) { contacts(provider: $p, handles: $h) { handle } }';
/** GRAPHQL_MAX_COST's default: each entry of `ids` / `handles` costs one object. */
const MAX_COST = 5000;

describe('thousands of refused entries', () => {
  it('answer nodes(ids:) with one short, identical BAD_USER_INPUT per malformed id, up to the cost bound and no further', async () => {
    const malformed = Array.from({ length: MAX_COST }, (_, i) => `x${i}`);
    const reply = await postGraphQL(gw, log, `${MAX_COST} malformed node ids`, { query: NODES, variables: { ids: malformed } }, bearer(ADMIN));
    expect(reply.status).toBe(200);
    expect(reply.json.data.nodes).toEqual(malformed.map(() => null));
    expect(reply.json.errors).toHaveLength(MAX_COST);
    expect(new Set(reply.json.errors.map((error: any) => error.message))).toEqual(new Set(['Invalid global ID: not an id this API issued.']));
    expect(new Set(codesOf(reply))).toEqual(new Set(['BAD_USER_INPUT']));
    // Bounded: each error is its message, location and path, well under 200 bytes.
    expect(reply.text.length).toBeLessThan(MAX_COST * 200);
    const over = await postGraphQL(gw, log, `${MAX_COST + 1} malformed node ids`, { query: NODES, variables: { ids: [...malformed, 'one-more'] } }, bearer(ADMIN));
    expect(over.status).toBe(400);
    expect(codesOf(over)).toEqual(['QUERY_TOO_COSTLY']);
    expect(over.json.data).toBeUndefined();
  });

  it.each(['REALTIME_REGISTER', 'OPENPROVIDER', 'DOMAIN_NAME_API', 'VERIFF'])('answer contacts at %s with one error per refused handle, bounded the same way, with no upstream call', async (provider) => {
    const before = callerRequests(gw);
    const handles = Array.from({ length: 4000 }, (_, i) => '.'.repeat(1 + (i % 3)));
    const reply = await postGraphQL(gw, log, `4000 dot handles at ${provider}`, { query: CONTACTS, variables: { p: provider, h: handles } }, bearer(ADMIN));
    expect(reply.status).toBe(200);
    expect(reply.json.data.contacts).toEqual(handles.map(() => null));
    expect(reply.json.errors).toHaveLength(handles.length);
    expect(reply.json.errors.map((error: any) => error.path)).toEqual(handles.map((_handle, index) => ['contacts', index]));
    expect(reply.text.length).toBeLessThan(handles.length * 400);
    const over = await postGraphQL(gw, log, `${MAX_COST + 1} dot handles at ${provider}`, { query: CONTACTS, variables: { p: provider, h: Array(MAX_COST + 1).fill('..') } }, bearer(ADMIN));
    expect(codesOf(over)).toEqual(['QUERY_TOO_COSTLY']);
    expect(callerRequests(gw)).toBe(before);
  });
});

describe('ids of types the key may not read, mixed with readable ones', () => {
  it('are FORBIDDEN in their own slots only, each checked before anything is loaded', async () => {
    const readable = globalId('Contact', 'REALTIME_REGISTER:sandbox:rtr-0001');
    // A verification request is read with contacts:read; registry checks and email rows are not.
    const guarded = [globalId('RegistryCheck', '00000000-0000-4000-8000-000000000001'), globalId('EmailVerification', 'OPENPROVIDER:someone@example.com:example.com')];
    const mixed = [readable, ...guarded, readable, ...guarded];
    const before = callerRequests(gw);
    const reply = await postGraphQL(gw, log, 'mixed node types as contacts:read', { query: 'query N($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', variables: { ids: mixed } }, bearer(CONTACTS_ONLY));
    expect(reply.json.data.nodes.map((node: any) => node?.__typename ?? null)).toEqual(['Contact', null, null, 'Contact', null, null]);
    expect(reply.json.errors.map((error: any) => [error.path, error.extensions.code])).toEqual(
      [1, 2, 4, 5].map((index) => [['nodes', index], 'FORBIDDEN']),
    );
    // The two readable ids are the same contact: one read at most (the cache may already hold it).
    expect(callerRequests(gw) - before).toBeLessThanOrEqual(1);
  });
});

describe('ID numbers as ids and handles', () => {
  it('are never quoted back, neither as themselves nor as the global id that carries them, to any key', async () => {
    const planted: string[] = [];
    const nodeIds = (idNumber: string) => [
      idNumber,
      globalId('Contact', idNumber),
      globalId('Contact', `OPENPROVIDER::${idNumber}`),
      globalId('Contact', `REALTIME_REGISTER:${idNumber}:rtr-0001`),
      globalId('RegistryCheck', idNumber),
      globalId('VerificationRequest', idNumber),
      globalId('EmailVerification', `OPENPROVIDER:${idNumber}@example.com:example.com`),
      globalId(idNumber, 'x'),
    ];
    for (const key of [ADMIN, CONTACTS_ONLY]) {
      const idNumber = ids.next();
      const sent = nodeIds(idNumber);
      planted.push(...sent);
      await postGraphQL(gw, log, `node ids carrying an ID number as ${key}`, { query: 'query N($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', variables: { ids: sent } }, bearer(key));
      for (const id of sent) await postGraphQL(gw, log, `node id carrying an ID number as ${key}`, { query: 'query N($id: ID!) { node(id: $id) { __typename id } }', variables: { id } }, bearer(key));
      for (const provider of ['REALTIME_REGISTER', 'OPENPROVIDER', 'DOMAIN_NAME_API', 'VERIFF']) {
        await postGraphQL(gw, log, `contacts with an ID number at ${provider} as ${key}`, { query: CONTACTS, variables: { p: provider, h: ['..', idNumber, `${idNumber}-NL`, 'DNA-0001'] } }, bearer(key));
      }
    }
    for (const value of [...ids.planted, ...planted]) expect(log.containing(value), value).toEqual([]);
    expect(gw.logs()).not.toMatch(new RegExp([...ids.planted].join('|')));
  });
});

describe('the whole suite', () => {
  it('caused no 5xx', () => {
    expect(log.serverErrors()).toEqual([]);
  });
});
