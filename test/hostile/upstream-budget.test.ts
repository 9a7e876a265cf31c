import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { openproviderHandle } from '../../src/sandbox/openprovider-seed.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { AttackLog, bearer, codesOf, globalId, postGraphQL } from './support.js';
import { dumpRedis } from '../helpers/redis-dump.js';

const redisKeys = async (url: string) => (await dumpRedis(url)).split('\n');

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
/** Domain Name API contacts DNA-1001 upward: the provider with no batch read, one GetDetails per handle. */
const handles = (from: number, count: number) => Array.from({ length: count }, (_, i) => `DNA-${1000 + from + i}`);
const opHandles = (from: number, count: number) => Array.from({ length: count }, (_, i) => openproviderHandle(from + i));

/** Openprovider GetCustomer calls: its per-handle read. */
const customerCalls = (gateway: TestGateway) =>
  gateway.sandbox!.openprovider.server.requests.filter((request) => /^\/v1beta\/customers\/(?!verifications)[^/]+$/.test(request.path)).length;
/** Openprovider customer-list calls: up to 1000 customers each. */
const customerListCalls = (gateway: TestGateway) => gateway.sandbox!.openprovider.server.requests.filter((request) => request.path === '/v1beta/customers').length;
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

  it('refuses 5000 Domain Name API handles with a 400 QUERY_TOO_COSTLY before any call', async () => {
    const before = domainNameApiCalls(gw);
    const reply = await ask('5000 domain name api handles', CONTACTS, { p: 'DOMAIN_NAME_API', h: handles(1, 200).concat(Array.from({ length: 4800 }, (_, i) => `DNAX${i}`)) });
    expect(reply.status).toBe(400);
    expect(codesOf(reply)).toEqual(['QUERY_TOO_COSTLY']);
    expect(reply.json.errors[0].message).toMatch(/needs 5000 calls to Domain Name API, more than the 100 one request may make \(UPSTREAM_CALLS_PER_REQUEST\); this provider reads one handle per call/);
    expect(domainNameApiCalls(gw)).toBe(before);
  });

  it('answers 1000 Openprovider handles, most of them forged, with one customer-list call: the forged ones are null', async () => {
    const before = { list: customerListCalls(gw), get: customerCalls(gw) };
    const forged = Array.from({ length: 900 }, (_, i) => `OPX${i}-NL`);
    const reply = await ask('1000 openprovider handles', CONTACTS, { p: 'OPENPROVIDER', h: opHandles(1, 100).concat(forged) });
    expect(reply.status).toBe(200);
    expect(reply.json.errors).toBeUndefined();
    expect(reply.json.data.contacts.slice(0, 100).every((contact: unknown) => contact !== null)).toBe(true);
    expect(reply.json.data.contacts.slice(100)).toEqual(Array(900).fill(null));
    expect({ list: customerListCalls(gw) - before.list, get: customerCalls(gw) - before.get }).toEqual({ list: 1, get: 0 });
  });

  it('adds up aliases, fragments and both list arguments before deciding', async () => {
    const before = customerCalls(gw) + domainNameApiCalls(gw);
    const split = await ask(
      'aliased domain name api lookups',
      'query S($a: [String!]!, $b: [String!]!) { a: contacts(provider: DOMAIN_NAME_API, handles: $a) { handle } ...F } fragment F on Query { b: contacts(provider: DOMAIN_NAME_API, handles: $b) { handle } }',
      { a: handles(1, 60), b: handles(61, 60) },
    );
    expect(split.status).toBe(400);
    expect(split.json.errors[0].message).toMatch(/needs 120 calls to Domain Name API/);
    const dna = await ask('101 domain name api handles', CONTACTS, { p: 'DOMAIN_NAME_API', h: handles(1, 101) });
    expect(dna.status).toBe(400);
    expect(dna.json.errors[0].message).toMatch(/needs 101 calls to Domain Name API/);
    expect(customerCalls(gw) + domainNameApiCalls(gw)).toBe(before);
  });

  it('refuses 1800 forged Domain Name API contact ids in nodes(ids:) before any call', async () => {
    const before = domainNameApiCalls(gw);
    const ids = Array.from({ length: 1800 }, (_, i) => globalId('Contact', `DOMAIN_NAME_API::DNA-${100_000 + i}`));
    const reply = await ask('1800 node ids', 'query N($ids: [ID!]!) { nodes(ids: $ids) { __typename } }', { ids });
    expect(reply.status).toBe(400);
    expect(codesOf(reply)).toEqual(['QUERY_TOO_COSTLY']);
    expect(domainNameApiCalls(gw)).toBe(before);
  });

  it('lets exactly 100 Domain Name API handles through, one call each', async () => {
    const before = domainNameApiCalls(gw);
    const reply = await ask('100 domain name api handles', CONTACTS, { p: 'DOMAIN_NAME_API', h: handles(1, 100) });
    expect(reply.status).toBe(200);
    expect(reply.json.errors).toBeUndefined();
    expect(reply.json.data.contacts.filter((contact: unknown) => contact !== null)).toHaveLength(100);
    expect(domainNameApiCalls(gw) - before).toBe(100);
  });
});

describe('one request, at an Openprovider reseller too large to list (30,000 customers)', () => {
  let sandbox: Sandbox;
  let gw: TestGateway;
  beforeAll(async () => {
    sandbox = await startSandbox({ openprovider: { handles: 30_000 } });
    // The simulator lists 30,000 customers slowly on a loaded machine: past the test helper's 5 s deadline, the email rows
    // themselves failed (PROVIDER_UNAVAILABLE) and the fan-out this test is about was never reached.
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${ADMIN}:*`, UPSTREAM_CALLS_PER_MINUTE: '100000', ...QUIET }, gateway: { sandbox: { existing: sandbox }, upstreamDeadlineMs: 30_000 } });
  });
  afterAll(async () => {
    await gw?.stop();
    await sandbox?.stop();
  });

  it('stops a fan-out it could not see in advance (every email row\'s contact) before the calls, not after', async () => {
    const before = customerCalls(gw);
    const reply = await postGraphQL(
      gw,
      log,
      'pending email rows with contacts',
      { query: '{ emailVerifications(first: 1000, filter: { status: [PENDING] }) { edges { node { handle contact { name } } } } }' },
      bearer(ADMIN),
    );
    expect(reply.status).toBe(200);
    expect(reply.json.data.emailVerifications.edges.length).toBe(1000);
    expect(new Set(codesOf(reply))).toEqual(new Set(['QUERY_TOO_COSTLY']));
    expect(reply.json.errors[0].message).toMatch(/more than 100 calls to Openprovider \(UPSTREAM_CALLS_PER_REQUEST\)/);
    // The customer list (30 pages) is no cheaper than one GetCustomer per contact, and those do not fit: none went out.
    expect(customerCalls(gw) - before).toBe(0);
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
  const ask = (label: string, key: string, h: string[]) => postGraphQL(gw, log, label, { query: CONTACTS, variables: { p: 'DOMAIN_NAME_API', h } }, bearer(key));

  it('answers RATE_LIMITED with Retry-After seconds before any call once the minute is spent, and counts exactly the budget', async () => {
    const before = domainNameApiCalls(gw);
    const first = await ask('20 of 30', ADMIN, handles(1, 20));
    expect(first.json.errors).toBeUndefined();
    const second = await ask('20 more of 30', ADMIN, handles(21, 20));
    expect(second.json.data.contacts).toEqual(Array(20).fill(null));
    expect(new Set(codesOf(second))).toEqual(new Set(['RATE_LIMITED']));
    expect(second.json.errors[0].extensions).toMatchObject({ provider: 'DOMAIN_NAME_API' });
    expect(second.json.errors[0].extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(second.json.errors[0].message).toMatch(/UPSTREAM_CALLS_PER_MINUTE/);
    expect(domainNameApiCalls(gw) - before).toBe(20);
    // A refused batch cost nothing: the last 10 of the minute still fit; then nothing does.
    expect((await ask('10 to fill 30', ADMIN, handles(41, 10))).json.errors).toBeUndefined();
    expect(codesOf(await ask('1 over 30', ADMIN, handles(51, 1)))).toEqual(['RATE_LIMITED']);
    expect(domainNameApiCalls(gw) - before).toBe(30);
  });

  it('keeps budgets per key: another key still has its minute', async () => {
    const reply = await ask('other key', OTHER, handles(61, 5));
    expect(reply.json.errors).toBeUndefined();
  });

  it('refuses a request larger than a whole minute\'s budget as QUERY_TOO_COSTLY: waiting would never help', async () => {
    const before = domainNameApiCalls(gw);
    const reply = await ask('40 over a 30 minute', OTHER, handles(71, 40));
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0].message).toMatch(/more than the 30 one request may make \(UPSTREAM_CALLS_PER_MINUTE\)/);
    expect(domainNameApiCalls(gw)).toBe(before);
  });
});

/** Two gateway instances on one fresh Redis, the second on the first one's simulators: what instances share. */
async function twoInstancesOnOneRedis(env: Record<string, string>): Promise<{ redis: RedisServerHandle; a: TestGateway; b: TestGateway }> {
  const redis = await startRedisServer();
  const shared = { ...env, REDIS_URL: redis.url, ...QUIET };
  const a = await startTestGateway({ env: shared });
  const b = await startTestGateway({ env: shared, gateway: { sandbox: { existing: a.sandbox! } } });
  return { redis, a, b };
}

async function stopInstances(started: { redis?: RedisServerHandle; a?: TestGateway; b?: TestGateway }): Promise<void> {
  await started.b?.stop();
  await started.a?.stop();
  await started.redis?.stop();
}

describe('shared through Redis by every gateway instance', () => {
  let redis: RedisServerHandle;
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    ({ redis, a, b } = await twoInstancesOnOneRedis({ GATEWAY_API_KEYS: `${ADMIN}:*`, UPSTREAM_CALLS_PER_MINUTE: '30' }));
  });
  afterAll(() => stopInstances({ redis, a, b }));

  it('refuses on one instance what the key already spent on another', async () => {
    const before = domainNameApiCalls(a);
    const ask = (gateway: TestGateway, label: string, h: string[]) => postGraphQL(gateway, log, label, { query: CONTACTS, variables: { p: 'DOMAIN_NAME_API', h } }, bearer(ADMIN));
    expect((await ask(a, 'instance a: 20', handles(1, 20))).json.errors).toBeUndefined();
    const refused = await ask(b, 'instance b: 20 more', handles(21, 20));
    expect(new Set(codesOf(refused))).toEqual(new Set(['RATE_LIMITED']));
    expect(domainNameApiCalls(a) - before).toBe(20);
  });
});

describe('identical upstream calls, whatever the key or the instance', () => {
  let redis: RedisServerHandle;
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    ({ redis, a, b } = await twoInstancesOnOneRedis({ GATEWAY_API_KEYS: `${ADMIN}:*;${OTHER}:email:write,contacts:read` }));
  });

  it('ask Openprovider once for a handle it does not have, however often two keys on two instances look it up', async () => {
    const path = '/v1beta/customers/ZZ999999-NL';
    const before = a.sandbox!.openprovider.server.count(path, 'GET');
    for (let round = 0; round < 6; round++) {
      const reply = await postGraphQL(round % 2 ? b : a, log, `missing Openprovider handle round ${round}`, { query: CONTACTS, variables: { p: 'OPENPROVIDER', h: ['ZZ999999-NL'] } }, bearer(round % 3 ? OTHER : ADMIN));
      expect(reply.json.data.contacts).toEqual([null]);
    }
    expect(a.sandbox!.openprovider.server.count(path, 'GET') - before).toBe(1);
  });
  afterAll(() => stopInstances({ redis, a, b }));

  const RESEND = 'mutation R($i: ResendEmailVerificationInput!) { resendEmailVerification(input: $i) { __typename ... on ProviderError { provider retryable retryAfterSeconds } } }';
  const sends = (gateway: TestGateway) => ({
    openprovider: gateway.sandbox!.openprovider.server.count('/v1beta/customers/verifications/emails/restart', 'POST'),
    realtimeRegister: gateway.sandbox!.realtimeRegister.validations.length,
    domainNameApi: gateway.sandbox!.domainNameApi.server.requests.filter((request) => String(request.headers.soapaction ?? '').includes('ResendContactVerificationNotice')).length,
  });

  it('makes one upstream send for a recipient that two keys on two instances ask for again and again (Openprovider blocks the IP after 300 identical calls in 300 s)', async () => {
    const before = sends(a);
    const recipients = [
      { provider: 'OPENPROVIDER', email: 'shared.registrant@example.com' },
      { provider: 'DOMAIN_NAME_API', handle: 'DNA-1002' },
      { provider: 'REALTIME_REGISTER', handle: 'rtr-0040' },
    ];
    for (const input of recipients) {
      const answers: string[] = [];
      for (let round = 0; round < 6; round++) {
        const reply = await postGraphQL(round % 2 ? b : a, log, `resend ${input.provider} round ${round}`, { query: RESEND, variables: { i: input } }, bearer(round % 3 ? OTHER : ADMIN));
        answers.push(reply.json.data?.resendEmailVerification?.__typename ?? codesOf(reply).join(','));
        // Refused as the mutation's own result (a retryable ProviderError), like every mutation error.
        // It says the time left of the recipient's minute.
        if (round > 0) {
          expect(reply.json.data.resendEmailVerification).toEqual({ __typename: 'ProviderError', provider: input.provider, retryable: true, retryAfterSeconds: expect.any(Number) });
          expect(reply.json.data.resendEmailVerification.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          expect(reply.json.data.resendEmailVerification.retryAfterSeconds).toBeLessThanOrEqual(60);
        }
      }
      expect(answers, input.provider).toEqual(['ResendEmailVerificationSuccess', ...Array(5).fill('ProviderError')]);
    }
    const after = sends(a);
    expect({ openprovider: after.openprovider - before.openprovider, realtimeRegister: after.realtimeRegister - before.realtimeRegister, domainNameApi: after.domainNameApi - before.domainNameApi }).toEqual({ openprovider: 1, realtimeRegister: 1, domainNameApi: 1 });
    // Another recipient is not held up by the first one's minute.
    const other = await postGraphQL(a, log, 'resend another recipient', { query: RESEND, variables: { i: { provider: 'OPENPROVIDER', email: 'bram.rossi1@example.com' } } }, bearer(OTHER));
    expect(other.json.data.resendEmailVerification.__typename).toBe('ResendEmailVerificationSuccess');
    // The marker holds no address: every key of the store is free of the recipients.
    const keys = await redisKeys(redis.url);
    expect(keys.filter((key) => /shared\.registrant|DNA-1002|rtr-0040|bram\.rossi/i.test(key))).toEqual([]);
  });
});

describe('batched operations (GRAPHQL_BATCHING=true)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${ADMIN}:*`, GRAPHQL_BATCHING: 'true', EMAIL_WATCH_INTERVAL_MS: '3600000', RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '10' } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('count each operation of a batch against the rate limit, as each WebSocket operation is (a batch of 10 cost one request)', async () => {
    const batch = (label: string, size: number) => postGraphQL(gw, log, label, Array.from({ length: size }, () => ({ query: CONTACTS, variables: { p: 'DOMAIN_NAME_API', h: handles(1, 1) } })), bearer(ADMIN));
    const first = await batch('a batch of 6', 6);
    expect(first.status).toBe(200);
    expect(first.json.every((result: any) => result.errors === undefined)).toBe(true);
    // 4 of the burst of 10 left: the batch's first 4 operations run, the rest are refused one by one.
    const second = await batch('a batch of 6 with 4 left', 6);
    expect(second.json.map((result: any) => result.errors?.[0]?.extensions?.code ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
    const single = await postGraphQL(gw, log, 'one more', { query: '{ providers { provider } }' }, bearer(ADMIN));
    expect(single.status).toBe(429);
  });

  it('share one UPSTREAM_CALLS_PER_REQUEST between the operations of a batch (3 x 60 made 180 calls in one request)', async () => {
    const roomy = await startTestGateway({ env: { GATEWAY_API_KEYS: `${ADMIN}:*`, GRAPHQL_BATCHING: 'true', UPSTREAM_CALLS_PER_MINUTE: '100000', ...QUIET } });
    try {
      const before = domainNameApiCalls(roomy);
      const operations = [0, 1, 2].map((index) => ({ query: CONTACTS, variables: { p: 'DOMAIN_NAME_API', h: handles(1 + index * 60, 60) } }));
      const reply = await postGraphQL(roomy, log, 'a batch of 3 x 60 domain name api handles', operations, bearer(ADMIN));
      expect(reply.status).toBe(200);
      // Each operation alone fits the bound; together they do not: the first to spend runs, the others are refused whole.
      expect(reply.json.map((result: any) => result.errors?.[0]?.extensions?.code ?? 'ok').sort()).toEqual(['QUERY_TOO_COSTLY', 'QUERY_TOO_COSTLY', 'ok']);
      expect(domainNameApiCalls(roomy) - before).toBe(60);
      // The next request has its own 100.
      const next = await postGraphQL(roomy, log, 'the next batch', operations.slice(1, 2), bearer(ADMIN));
      expect(next.json[0].errors).toBeUndefined();
    } finally {
      await roomy.stop();
    }
  });
});

describe('one request, at a provider that answers 429 to everything (429 is no outage: the circuit stays closed)', () => {
  let sandbox: Sandbox;
  let gw: TestGateway;
  beforeAll(async () => {
    sandbox = await startSandbox({ faults: { REALTIME_REGISTER: { errorRate: 1, status: 429 } } });
    // Two calls per request: the read, and one of the two retries the HTTP layer would make of it.
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${ADMIN}:*`, UPSTREAM_CALLS_PER_REQUEST: '2', UPSTREAM_CALLS_PER_MINUTE: '100000', ...QUIET }, gateway: { sandbox: { existing: sandbox } } });
  });
  afterAll(async () => {
    await gw?.stop();
    await sandbox?.stop();
  });
  const contactReads = () => sandbox.realtimeRegister.server.requests.filter((request) => request.path === '/v2/customers/sandbox/contacts').length;

  it('pays each retry from UPSTREAM_CALLS_PER_REQUEST and stops retrying when it is spent: 2 calls, not 3', async () => {
    const before = contactReads();
    const reply = await postGraphQL(gw, log, 'one contact, every answer 429', { query: '{ contact(provider: REALTIME_REGISTER, handle: "rtr-0001") { handle } }' }, bearer(ADMIN));
    expect(reply.status).toBe(200);
    expect(codesOf(reply)).toEqual(['RATE_LIMITED']);
    expect(contactReads() - before).toBe(2);
  });
});

describe('after every attack', () => {
  it('saw 0 server errors', () => {
    expect(log.replies.length).toBeGreaterThan(10);
    expect(log.serverErrors()).toEqual([]);
  });
});
