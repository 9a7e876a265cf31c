import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { denicNotification, freshNotificationId, postRtrWebhook } from './events-support.js';
import { veriffDecisionBody } from '../helpers/veriff-decision.js';

/**
 * A hostile caller against a keyed sandbox gateway with introspection off: every attack gets a 4xx with a message
 * naming what was wrong, nothing reaches a provider, the process keeps serving, and no secret leaks.
 */
const KEY = 'planted-hostile-key-0001';
const JWT_SECRET = 'planted-jwt-secret-for-hostile-tests!';
const auth = { authorization: `Bearer ${KEY}` };

let gw: TestGateway;
const replies: string[] = [];

beforeAll(async () => {
  gw = await startTestGateway({
    env: { GATEWAY_API_KEYS: `${KEY}:*`, GATEWAY_JWT_SECRET: JWT_SECRET, GRAPHQL_INTROSPECTION: 'false', RATE_LIMIT_PER_MINUTE: '60000', RATE_LIMIT_BURST: '5000' },
    gateway: { sandbox: { veriffDecisionDelayMs: 600_000 } },
  });
});

afterAll(async () => {
  await gw.stop();
});

/** Raw POST (any body, any headers); the reply text is kept for the leak check at the end. */
async function post(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }, target = gw) {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { accept: 'application/graphql-response+json, application/json', ...auth, ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  replies.push(text);
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: asserted by the caller where it matters
  }
  return { status: response.status, text, json, headers: response.headers };
}

const query = (q: string, variables?: Record<string, unknown>, target = gw) => post(JSON.stringify({ query: q, variables }), { 'content-type': 'application/json' }, target);
const contactReads = () => gw.sandbox!.realtimeRegister.server.count('/v2/customers/sandbox/contacts');
// Reads and writes a caller can cause (the notification poller and the email watcher also run in the background).
const upstreamCalls = () => contactReads() + gw.sandbox!.veriff.server.count('/v1/validate-registry');
const handles = (n: number) => Array.from({ length: n }, (_, i) => `rtr-${String((i % 500) + 1).padStart(4, '0')}`);

describe('query shape limits (400 naming the limit)', () => {
  it('refuses a query nested deeper than GRAPHQL_MAX_DEPTH', async () => {
    // verificationRequests > edges > node > (contact > verificationRequests) x 5 > contact > handle: 15 levels
    const deep = `{ verificationRequests { edges { node { ${'contact { verificationRequests { '.repeat(5)}contact { handle }${' } }'.repeat(5)} } } } }`;
    const before = upstreamCalls();
    const reply = await query(deep);
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
    expect(reply.json.errors[0].message).toMatch(/depth limit of 12 exceeded, found 15 \(GRAPHQL_MAX_DEPTH\)/);
    expect(upstreamCalls()).toBe(before);
  });

  it('refuses an absurdly nested document at the token limit, before any recursion', async () => {
    const reply = await query(`{ ${'providers { '.repeat(5000)}provider${' }'.repeat(5000)} }`);
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0]).toMatchObject({ extensions: { code: 'TOO_MANY_TOKENS' } });
    expect(reply.json.errors[0].message).toBe('The document has more than 2000 tokens (GRAPHQL_MAX_TOKENS).');
  });

  it('says why validation stopped on a document that repeats one field too often to compare (under the token limit)', async () => {
    const reply = await query(`{ ${'__typename '.repeat(1500)}}`);
    expect(reply.json.errors).toHaveLength(1);
    expect(reply.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(reply.json.errors[0].message).toMatch(/repeats fields .* Select each field once per selection set/);
  });

  it('refuses an alias bomb', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: providers { provider }`).join(' ');
    const reply = await query(`{ ${aliases} }`);
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0]).toMatchObject({ extensions: { code: 'TOO_MANY_ALIASES' } });
    expect(reply.json.errors[0].message).toMatch(/Aliases limit of 30 exceeded, found 31 \(GRAPHQL_MAX_ALIASES\)/);
  });

  it('refuses an alias bomb hidden in fragments', async () => {
    const fields = Array.from({ length: 10 }, (_, i) => `f${i}: providers { provider }`).join(' ');
    const reply = await query(`{ ...A ...B ...C ...D } fragment A on Query { ${fields} } fragment B on Query { ...A } fragment C on Query { ...A } fragment D on Query { ...A }`);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.json.errors)).toMatch(/TOO_MANY_ALIASES|OverlappingFields|conflict/i);
  });

  it('refuses a contacts query over GRAPHQL_MAX_COST and never calls the provider', async () => {
    const before = upstreamCalls();
    const reply = await query('query Many($h: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $h) { handle } }', { h: handles(6000) });
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COSTLY' } });
    expect(reply.json.errors[0].message).toMatch(/^Query cost 6000 exceeds the limit of 5000 \(GRAPHQL_MAX_COST\)/);
    expect(upstreamCalls()).toBe(before);
  });

  it('refuses 100,000 handles: over the body limit here, and over the cost limit where the body is allowed', async () => {
    const body = JSON.stringify({ query: 'query Many($h: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $h) { handle } }', variables: { h: handles(100_000) } });
    const before = contactReads();
    expect((await post(body)).status).toBe(413);

    const roomy = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, GRAPHQL_MAX_BODY_BYTES: String(4 * 1024 * 1024) } });
    try {
      const roomyBefore = roomy.sandbox!.realtimeRegister.server.count('/v2/customers/sandbox/contacts');
      const reply = await post(body, { 'content-type': 'application/json' }, roomy);
      expect(reply.status).toBe(400);
      expect(reply.json.errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COSTLY' } });
      expect(reply.json.errors[0].message).toMatch(/^Query cost 100000 exceeds/);
      expect(roomy.sandbox!.realtimeRegister.server.count('/v2/customers/sandbox/contacts')).toBe(roomyBefore);
    } finally {
      await roomy.stop();
    }
    expect(contactReads()).toBe(before);
  });

  it('lets a 100-handle contacts query and a dashboard-sized query through', async () => {
    const hundred = await query(
      'query Page($h: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $h) { provider customer handle name organization email voice addressLines postalCode city country verifications { method proof claims verifiedAt } } }',
      { h: handles(100) },
    );
    expect(hundred.status).toBe(200);
    expect(hundred.json.errors).toBeUndefined();
    expect(hundred.json.data.contacts).toHaveLength(100);
    const dashboard = await query(`{
      providers { provider mode circuit baseUrl lastError lastErrorAt }
      verificationRequests(first: 50) { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id provider contactHandle claims status deDelegationDeadline deletionDeadline
          acceptableEvidence { method proof claims } contact { handle name email country verifications { method claims } } } } }
      emailVerifications(first: 50) { totalCount edges { node { id provider email status expiresAt contact { handle } } } }
      verificationEvents(first: 20) { edges { node { id type provider occurredAt } } }
    }`);
    expect(dashboard.status).toBe(200);
    expect(JSON.stringify(dashboard.json.errors ?? [])).not.toMatch(/QUERY_TOO|TOO_MANY/);
  });
});

describe('request shape (4xx with a clear message)', () => {
  it('refuses a body over GRAPHQL_MAX_BODY_BYTES with 413', async () => {
    const reply = await post(JSON.stringify({ query: `{ providers { provider } }`, variables: { pad: 'x'.repeat(200_000) } }));
    expect(reply.status).toBe(413);
    expect(reply.json.errors[0]).toMatchObject({ message: 'The request body is larger than 102400 bytes (GRAPHQL_MAX_BODY_BYTES).', extensions: { code: 'REQUEST_TOO_LARGE' } });
  });

  it('refuses an oversized chunked body that declares no length', async () => {
    const url = new URL(`${gw.url}/graphql`);
    const status = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...auth } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.write('{"query":"{ providers { provider } }","variables":{"pad":"');
      for (let i = 0; i < 30; i++) req.write('y'.repeat(8192));
      req.end('"}}');
    });
    expect(status.status).toBe(413);
    expect(status.text).toContain('GRAPHQL_MAX_BODY_BYTES');
  });

  it('answers invalid UTF-8 bytes in the body with 400', async () => {
    const body = Buffer.concat([Buffer.from('{"query":"{ providers { provider'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(' } }"}')]);
    const reply = await post(body);
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0].message).toBeTruthy();
    const broken = Buffer.concat([Buffer.from('{"query":'), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80])]);
    expect((await post(broken)).status).toBe(400);
  });

  it('answers wrong content types with 415 saying what to send', async () => {
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
      const reply = await post('{ providers { provider } }', { 'content-type': type });
      expect(reply.status, type).toBe(415);
      expect(reply.json.errors[0].message).toMatch(/Unsupported content type ".+": send application\/json/);
    }
  });

  it('refuses a batched (array) body while GRAPHQL_BATCHING is off', async () => {
    const reply = await post(JSON.stringify([{ query: '{ providers { provider } }' }, { query: '{ providers { mode } }' }]));
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0].message).toMatch(/Batching is off on this gateway: .*GRAPHQL_BATCHING=true/);
  });

  it('refuses introspection when GRAPHQL_INTROSPECTION=false, and hides field suggestions', async () => {
    for (const q of ['{ __schema { types { name } } }', '{ __type(name: "Query") { fields { name } } }']) {
      const reply = await query(q);
      expect(reply.status).toBe(400);
      expect(reply.json.errors[0]).toMatchObject({ extensions: { code: 'INTROSPECTION_DISABLED' } });
      expect(reply.json.errors[0].message).toMatch(/GRAPHQL_INTROSPECTION=false/);
    }
    expect((await query('{ __typename }')).json.data).toEqual({ __typename: 'Query' });
    const typo = await query('{ provider { provider } }');
    expect(typo.status).toBe(400);
    expect(typo.text).not.toMatch(/Did you mean/);
  });

  it('refuses mutations over GET', async () => {
    const response = await fetch(`${gw.url}/graphql?query=${encodeURIComponent('mutation { resendEmailVerification(input: { provider: OPENPROVIDER, email: "a@b.c" }) { __typename } }')}`, { headers: auth });
    expect(response.status).toBe(405);
  });
});

describe('forged ids and cursors (null or BAD_USER_INPUT, never a 500)', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const expectNoInternalError = (reply: { status: number; json: any }) => {
    expect(reply.status).toBeLessThan(500);
    for (const error of reply.json.errors ?? []) expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(error.extensions?.code);
  };

  it('answers node(id:) with junk, another type\'s prefix, a non-node type or bad base64', async () => {
    const ids = [b64('Contact:junk'), b64('Contact:REALTIME_REGISTER:sandbox:'), b64('VerificationRequest:REALTIME_REGISTER:sandbox:rtr-0001'), b64('RegistryCheck:nope'), b64('EmailVerification:x:y'), b64('Query:x'), b64('ProviderStatus:VERIFF'), b64('__Schema:x'), b64('constructor:x'), b64('__proto__:x')];
    for (const id of ids) {
      const reply = await query('query N($id: ID!) { node(id: $id) { id __typename } }', { id });
      expectNoInternalError(reply);
      expect(reply.json.data?.node ?? null, Buffer.from(id, 'base64').toString()).toBeNull();
    }
    const nodes = await query('query N($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expectNoInternalError(nodes);
    expect(nodes.json.data.nodes).toEqual(ids.map(() => null));
    for (const id of ['!!!', '', b64('no-colon'), b64(':x'), 'A'.repeat(5000)]) {
      const reply = await query('query N($id: ID!) { node(id: $id) { id } }', { id });
      expectNoInternalError(reply);
      expect(reply.json.data?.node ?? null).toBeNull();
    }
  });

  it('answers forged pagination cursors without a 500', async () => {
    for (const after of ['garbage', b64('{"offset":-1}'), b64('9999999999999999999999'), '\u0000\uffff', 'x'.repeat(2000)]) {
      for (const field of ['verificationRequests', 'emailVerifications']) {
        const reply = await query(`query P($after: String) { ${field}(first: 2, after: $after) { edges { cursor } } }`, { after });
        expectNoInternalError(reply);
      }
      expectNoInternalError(await query('query P($after: String) { verificationEvents(first: 2, after: $after) { edges { cursor } } }', { after }));
    }
  });

  it('rejects absurd page sizes without a 500', async () => {
    for (const first of [-1, 0, 1_000_000]) {
      expectNoInternalError(await query('query P($first: Int) { verificationRequests(first: $first) { totalCount } }', { first }));
    }
  });
});

describe('webhooks (their signature is their authentication)', () => {
  it('answers a tampered Realtime Register delivery with 401 and records nothing', async () => {
    const body = JSON.stringify(denicNotification(freshNotificationId(), 'h-hostile-tampered'));
    expect((await postRtrWebhook(gw, body, 'not-a-signature')).status).toBe(401);
    expect((await postRtrWebhook(gw, body, null)).status).toBe(401);
    const signed = await postRtrWebhook(gw, body);
    expect(signed.status).toBeLessThan(300);
    const secret = gw.sandbox!.realtimeRegister.endpoint().webhookSecret;
    const { signRealtimeRegisterBody } = await import('../../src/providers/realtime-register/webhook.js');
    const tampered = body.replace('h-hostile-tampered', 'h-hostile-other');
    expect((await postRtrWebhook(gw, tampered, signRealtimeRegisterBody(secret, body))).status).toBe(401);
  });

  it('records a replayed Realtime Register delivery once', async () => {
    const handle = 'h-hostile-replay';
    const body = JSON.stringify(denicNotification(freshNotificationId(), handle));
    expect((await postRtrWebhook(gw, body)).status).toBeLessThan(300);
    expect((await postRtrWebhook(gw, body)).status).toBeLessThan(300);
    const events = await query(`{ verificationEvents(first: 100, filter: { contactHandle: "${handle}" }) { edges { node { id } } } }`);
    expect(events.json.errors).toBeUndefined();
    expect(events.json.data.verificationEvents.edges).toHaveLength(1);
  });

  it('answers a Veriff decision with a wrong x-hmac-signature with 401, and records a replayed one once', async () => {
    const created = await query(
      `mutation V($input: ValidateRegistryInput!) { validateRegistry(input: $input) { __typename ... on ValidateRegistrySuccess { registryCheck { sessionId } } } }`,
      { input: { idNumber: '39912310120', firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' } },
    );
    const sessionId = created.json.data.validateRegistry.registryCheck.sessionId as string;
    const decision = veriffDecisionBody(sessionId);
    const deliver = (signature: string) =>
      fetch(`${gw.url}/webhooks/veriff`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-client': 'sandbox-veriff-api-key', 'x-hmac-signature': signature }, body: decision });
    const good = createHmac('sha256', 'sandbox-veriff-shared-secret').update(decision).digest('hex');
    expect((await deliver('0'.repeat(64))).status).toBe(401);
    expect((await deliver(createHmac('sha256', JWT_SECRET).update(decision).digest('hex'))).status).toBe(401);
    expect((await deliver(good)).status).toBe(200);
    expect((await deliver(good)).status).toBe(200);
    const events = await query(`{ verificationEvents(first: 100, filter: { types: [REGISTRY_CHECK_DECIDED] }) { edges { node { ... on RegistryCheckDecidedEvent { registryCheck { sessionId } } } } } }`);
    const mine = events.json.data.verificationEvents.edges.filter((edge: any) => edge.node.registryCheck.sessionId === sessionId);
    expect(mine).toHaveLength(1);
  });

  it('refuses an oversized webhook body with 413 and a webhook GET with 405', async () => {
    const big = await fetch(`${gw.url}/webhooks/veriff`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(300 * 1024) });
    expect(big.status).toBe(413);
    expect((await fetch(`${gw.url}/webhooks/realtime-register`)).status).toBe(405);
  });
});

describe('rate limits', () => {
  let limited: TestGateway;
  beforeAll(async () => {
    limited = await startTestGateway({
      env: { GATEWAY_API_KEYS: 'budget-key-0001:*;other-key-00002:*;ws-budget-key-03:*;ws-junk-key-0004:*', RATE_LIMIT_PER_MINUTE: '6', RATE_LIMIT_BURST: '3', WEBHOOK_RATE_LIMIT_PER_MINUTE: '8' },
    });
  });
  afterAll(async () => {
    await limited.stop();
  });

  it('answers a key over its budget with 429, Retry-After and RATE_LIMITED; other keys are unaffected', async () => {
    const ask = (key: string) => limited.graphql('{ providers { provider } }', {}, { authorization: `Bearer ${key}` });
    for (let i = 0; i < 3; i++) expect((await ask('budget-key-0001')).status).toBe(200);
    const response = await fetch(`${limited.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer budget-key-0001' },
      body: JSON.stringify({ query: '{ providers { provider } }' }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(body.errors[0].message).toMatch(/RATE_LIMIT_PER_MINUTE/);
    expect((await ask('other-key-00002')).status).toBe(200);
  });

  /** A graphql-ws client on the rate-limited gateway that does not retry. */
  const limitedWsClient = (key: string) =>
    createWsClient({ url: `${limited.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${key}` } });

  it('budgets operations over WebSocket per key too', async () => {
    const client = limitedWsClient('ws-budget-key-03');
    const results: unknown[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        for await (const result of client.iterate({ query: '{ providers { provider } }' })) results.push(result);
      }
    } finally {
      await client.dispose();
    }
    expect(results.slice(0, 3).every((result: any) => result.data?.providers?.length === 4)).toBe(true);
    expect(results[3]).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
  });

  it('counts WebSocket operations that fail to parse or validate too, as /graphql counts every request', async () => {
    const client = limitedWsClient('ws-junk-key-0004');
    const outcomes: string[] = [];
    try {
      for (const query of ['{ providers { provider }', '{ nope }', '{ providers { provider }', '{ nope }', '{ providers { provider } }']) {
        try {
          for await (const result of client.iterate({ query })) outcomes.push(String((result as any).errors?.[0]?.extensions?.code ?? 'data'));
        } catch (errors) {
          outcomes.push(String((errors as any)[0]?.extensions?.code ?? 'refused'));
        }
      }
    } finally {
      await client.dispose();
    }
    // A burst of 3: two malformed operations and one unknown field spend it, whatever comes next is refused.
    expect(outcomes).toEqual(['refused', 'GRAPHQL_VALIDATION_FAILED', 'refused', 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('slows down key guessing from one address', async () => {
    const statuses: number[] = [];
    const replies: any[] = [];
    for (let i = 0; i < 5; i++) replies.push(await limited.graphql('{ providers { provider } }', {}, { authorization: `Bearer guess-${i}-xxxxxxxx` }));
    statuses.push(...replies.map((reply) => reply.status));
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    // Like a key over its own budget: RATE_LIMITED with the seconds to wait, so one client path handles both.
    for (const reply of replies.slice(3)) {
      expect(reply.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect(reply.errors[0].extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
  });

  it('limits webhook deliveries per source address, before reading the body', async () => {
    // The sandbox simulators deliver from the same loopback address, so the budget may already be partly spent.
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${limited.url}/webhooks/veriff`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hmac-signature': 'bad' }, body: '{}' });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });
});

describe('after all that', () => {
  it('is still up and serving', async () => {
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    const reply = await gw.graphql<any>('{ providers { provider } }', {}, auth);
    expect(reply.data.providers).toHaveLength(4);
  });

  it('never put the key or the JWT secret in a response or a log line, nor a stack in a response', () => {
    const all = replies.join('\n');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(JWT_SECRET);
    expect(all).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(all).not.toContain('INTERNAL_SERVER_ERROR');
    expect(gw.logs()).not.toContain(KEY);
    expect(gw.logs()).not.toContain(JWT_SECRET);
  });
});
