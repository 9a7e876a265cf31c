import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openproviderHandle } from '../../src/sandbox/openprovider-seed.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { AttackLog, bearer, codesOf, globalId, postGraphQL } from './support.js';

/**
 * Amplification: one request (or one key in a minute) asking for more upstream calls than its budget. Every refusal
 * is counted at the simulators: the calls made never exceed UPSTREAM_CALLS_PER_REQUEST per request, nor the key's
 * UPSTREAM_CALLS_PER_MINUTE, and a refused batch makes none of its calls.
 */
const ADMIN = 'budget-admin-key-01';
const OTHER = 'budget-other-key-02';
const QUIET = { EMAIL_WATCH_INTERVAL_MS: '3600000', RATE_LIMIT_PER_MINUTE: '60000', RATE_LIMIT_BURST: '5000' };
const CONTACTS = 'query C($p: Provider!, $h: [String!]!) { contacts(provider: $p, handles: $h) { handle name } }';

const log = new AttackLog();
const handles = (from: number, count: number) => Array.from({ length: count }, (_, i) => openproviderHandle(from + i));

/** Openprovider GetCustomer calls: the per-handle read without a batch form. */
const customerCalls = (gateway: TestGateway) =>
  gateway.sandbox!.openprovider.server.requests.filter((request) => /^\/v1beta\/customers\/(?!verifications)[^/]+$/.test(request.path)).length;
const domainNameApiCalls = (gateway: TestGateway) => gateway.sandbox!.domainNameApi.server.count();

describe('one request (UPSTREAM_CALLS_PER_REQUEST 100)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${ADMIN}:*`, UPSTREAM_CALLS_PER_MINUTE: '100000', ...QUIET } });
  });
  afterAll(async () => {
    await gw.stop();
  });
  const ask = (label: string, query: string, variables?: Record<string, unknown>) => postGraphQL(gw, log, label, { query, variables }, bearer(ADMIN));

  it('refuses 5000 Openprovider handles with a 400 QUERY_TOO_COSTLY before any call', async () => {
    const before = customerCalls(gw);
    const reply = await ask('5000 openprovider handles', CONTACTS, { p: 'OPENPROVIDER', h: handles(1, 900).concat(Array.from({ length: 4100 }, (_, i) => `OPX${i}`)) });
    expect(reply.status).toBe(400);
    expect(codesOf(reply)).toEqual(['QUERY_TOO_COSTLY']);
    expect(reply.json.errors[0].message).toMatch(/needs 5000 calls to Openprovider, more than the 100 one request may make \(UPSTREAM_CALLS_PER_REQUEST\)/);
    expect(customerCalls(gw)).toBe(before);
  });

  it('adds up aliases, fragments and both list arguments before deciding', async () => {
    const before = customerCalls(gw) + domainNameApiCalls(gw);
    const split = await ask(
      'aliased openprovider lookups',
      'query S($a: [String!]!, $b: [String!]!) { a: contacts(provider: OPENPROVIDER, handles: $a) { handle } ...F } fragment F on Query { b: contacts(provider: OPENPROVIDER, handles: $b) { handle } }',
      { a: handles(1, 60), b: handles(61, 60) },
    );
    expect(split.status).toBe(400);
    expect(split.json.errors[0].message).toMatch(/needs 120 calls to Openprovider/);
    const dna = await ask('101 domain name api handles', CONTACTS, { p: 'DOMAIN_NAME_API', h: Array.from({ length: 101 }, (_, i) => `DNA-${1001 + i}`) });
    expect(dna.status).toBe(400);
    expect(dna.json.errors[0].message).toMatch(/needs 101 calls to Domain Name API/);
    expect(customerCalls(gw) + domainNameApiCalls(gw)).toBe(before);
  });

  it('refuses 1800 forged Openprovider contact ids in nodes(ids:) before any call', async () => {
    const before = customerCalls(gw);
    const ids = Array.from({ length: 1800 }, (_, i) => globalId('Contact', `OPENPROVIDER::OP${String(100_000 + i)}-NL`));
    const reply = await ask('1800 node ids', 'query N($ids: [ID!]!) { nodes(ids: $ids) { __typename } }', { ids });
    expect(reply.status).toBe(400);
    expect(codesOf(reply)).toEqual(['QUERY_TOO_COSTLY']);
    expect(customerCalls(gw)).toBe(before);
  });

  it('lets exactly 100 Openprovider handles through, one call each', async () => {
    const before = customerCalls(gw);
    const reply = await ask('100 openprovider handles', CONTACTS, { p: 'OPENPROVIDER', h: handles(201, 100) });
    expect(reply.status).toBe(200);
    expect(reply.json.errors).toBeUndefined();
    expect(reply.json.data.contacts.filter((contact: unknown) => contact !== null)).toHaveLength(100);
    expect(customerCalls(gw) - before).toBe(100);
  });

  it('stops a fan-out it could not see in advance (every email row\'s contact) before the calls, not after', async () => {
    const before = customerCalls(gw);
    const reply = await ask('email rows with contacts', '{ emailVerifications(first: 1000) { edges { node { handle contact { name } } } } }');
    expect(reply.status).toBe(200);
    expect(reply.json.data.emailVerifications.edges.length).toBeGreaterThan(500);
    expect(new Set(codesOf(reply))).toEqual(new Set(['QUERY_TOO_COSTLY']));
    expect(reply.json.errors[0].message).toMatch(/more than 100 calls to Openprovider \(UPSTREAM_CALLS_PER_REQUEST\)/);
    expect(customerCalls(gw) - before).toBeLessThanOrEqual(100);
  });
});

describe('one key a minute (UPSTREAM_CALLS_PER_MINUTE)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${ADMIN}:*;${OTHER}:*`, UPSTREAM_CALLS_PER_MINUTE: '30', ...QUIET } });
  });
  afterAll(async () => {
    await gw.stop();
  });
  const ask = (label: string, key: string, h: string[]) => postGraphQL(gw, log, label, { query: CONTACTS, variables: { p: 'OPENPROVIDER', h } }, bearer(key));

  it('answers RATE_LIMITED with Retry-After seconds before any call once the minute is spent, and counts exactly the budget', async () => {
    const before = customerCalls(gw);
    const first = await ask('20 of 30', ADMIN, handles(301, 20));
    expect(first.json.errors).toBeUndefined();
    const second = await ask('20 more of 30', ADMIN, handles(321, 20));
    expect(second.json.data.contacts).toEqual(Array(20).fill(null));
    expect(new Set(codesOf(second))).toEqual(new Set(['RATE_LIMITED']));
    expect(second.json.errors[0].extensions).toMatchObject({ provider: 'OPENPROVIDER' });
    expect(second.json.errors[0].extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(second.json.errors[0].message).toMatch(/UPSTREAM_CALLS_PER_MINUTE/);
    expect(customerCalls(gw) - before).toBe(20);
    // A refused batch cost nothing: the last 10 of the minute still fit; then nothing does.
    expect((await ask('10 to fill 30', ADMIN, handles(341, 10))).json.errors).toBeUndefined();
    expect(codesOf(await ask('1 over 30', ADMIN, handles(351, 1)))).toEqual(['RATE_LIMITED']);
    expect(customerCalls(gw) - before).toBe(30);
  });

  it('keeps budgets per key: another key still has its minute', async () => {
    const reply = await ask('other key', OTHER, handles(361, 5));
    expect(reply.json.errors).toBeUndefined();
  });

  it('refuses a request larger than a whole minute\'s budget as QUERY_TOO_COSTLY: waiting would never help', async () => {
    const before = customerCalls(gw);
    const reply = await ask('40 over a 30 minute', OTHER, handles(401, 40));
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0].message).toMatch(/more than the 30 one request may make \(UPSTREAM_CALLS_PER_MINUTE\)/);
    expect(customerCalls(gw)).toBe(before);
  });
});

describe('shared through Redis by every gateway instance', () => {
  let redis: RedisServerHandle;
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { GATEWAY_API_KEYS: `${ADMIN}:*`, UPSTREAM_CALLS_PER_MINUTE: '30', REDIS_URL: redis.url, ...QUIET };
    a = await startTestGateway({ env });
    b = await startTestGateway({ env, gateway: { sandbox: { existing: a.sandbox! } } });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  it('refuses on one instance what the key already spent on another', async () => {
    const before = customerCalls(a);
    const ask = (gateway: TestGateway, label: string, h: string[]) => postGraphQL(gateway, log, label, { query: CONTACTS, variables: { p: 'OPENPROVIDER', h } }, bearer(ADMIN));
    expect((await ask(a, 'instance a: 20', handles(501, 20))).json.errors).toBeUndefined();
    const refused = await ask(b, 'instance b: 20 more', handles(521, 20));
    expect(new Set(codesOf(refused))).toEqual(new Set(['RATE_LIMITED']));
    expect(customerCalls(a) - before).toBe(20);
  });
});

describe('after every attack', () => {
  it('saw 0 server errors', () => {
    expect(log.replies.length).toBeGreaterThan(10);
    expect(log.serverErrors()).toEqual([]);
  });
});
