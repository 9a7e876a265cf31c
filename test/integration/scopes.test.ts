import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

/** Keys with different scopes against one sandbox gateway: who may read and write what. */
const EVENTS_KEY = 'events-only-key-0001';
const READER_KEY = 'contacts-reader-0002';
const WRITER_KEY = 'contacts-writer-0003';
const ADMIN_KEY = 'everything-key-0004';
const EMAIL_WRITER_KEY = 'email-writer-0005';
const as = (key: string) => ({ authorization: `Bearer ${key}` });

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({
    env: {
      GATEWAY_API_KEYS: `${EVENTS_KEY}:events:read;${READER_KEY}:contacts:read;${WRITER_KEY}:contacts:write;${ADMIN_KEY}:*;${EMAIL_WRITER_KEY}:email:write`,
      RATE_LIMIT_PER_MINUTE: '6000',
      RATE_LIMIT_BURST: '1000',
    },
  });
});

afterAll(async () => {
  await gateway.stop();
});

// Contact reads and writes only: the notification poller talks to Realtime Register in the background.
const rtrRequests = () => gateway.sandbox!.realtimeRegister.server.count('/v2/customers/sandbox/contacts');
const veriffRequests = () => gateway.sandbox!.veriff.server.requests.length;
const codes = (reply: { errors?: { extensions?: Record<string, unknown> }[] }) => (reply.errors ?? []).map((error) => error.extensions?.code);

describe('authentication', () => {
  it('answers a request without a key with HTTP 401 UNAUTHENTICATED and executes nothing', async () => {
    const before = rtrRequests();
    const reply = await gateway.graphql('{ contact(provider: REALTIME_REGISTER, handle: "rtr-0001") { handle } }');
    expect(reply.status).toBe(401);
    expect(reply.data).toBeUndefined();
    expect(codes(reply)).toEqual(['UNAUTHENTICATED']);
    expect(rtrRequests()).toBe(before);
  });

  it('answers a wrong key with 401 and a WWW-Authenticate challenge, without a stack or the key', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as(`${ADMIN_KEY}-nope`) },
      body: JSON.stringify({ query: '{ providers { provider } }' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    const text = await response.text();
    expect(JSON.parse(text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(text).not.toContain(ADMIN_KEY);
    expect(text).not.toMatch(/\bat \w+ \(|stack/);
  });

  it('still serves GraphiQL to a browser without a key', async () => {
    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Verification gateway</title>');
  });
});

describe('a key with only events:read', () => {
  it('cannot read a contact: FORBIDDEN on that field, the other fields resolve, the provider is not asked', async () => {
    const before = rtrRequests();
    const reply = await gateway.graphql<any>(
      '{ providers { provider } contact(provider: REALTIME_REGISTER, handle: "rtr-0001") { handle } verificationMatrix(claims: [NAME]) { proof } }',
      {},
      as(EVENTS_KEY),
    );
    expect(reply.status).toBe(200);
    expect(reply.data.providers).toHaveLength(4);
    expect(reply.data.verificationMatrix.length).toBeGreaterThan(0);
    expect(reply.data.contact).toBeNull();
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]).toMatchObject({ path: ['contact'], extensions: { code: 'FORBIDDEN' } });
    expect(reply.errors![0]!.message).toContain('contacts:read');
    expect(rtrRequests()).toBe(before);
  });

  it('gets a FORBIDDEN slot per handle from contacts, with siblings resolved and no upstream call', async () => {
    const before = rtrRequests();
    const reply = await gateway.graphql<any>(
      '{ providers { provider } contacts(provider: REALTIME_REGISTER, handles: ["rtr-0001", "rtr-0002"]) { handle } }',
      {},
      as(EVENTS_KEY),
    );
    expect(reply.data.providers).toHaveLength(4);
    expect(reply.data.contacts).toEqual([null, null]);
    expect(reply.errors!.map((error) => error.path)).toEqual([['contacts', 0], ['contacts', 1]]);
    expect(new Set(codes(reply))).toEqual(new Set(['FORBIDDEN']));
    expect(rtrRequests()).toBe(before);
  });

  it('cannot submit verification evidence, and nothing reaches Realtime Register', async () => {
    const before = rtrRequests();
    const reply = await gateway.graphql(
      `mutation { submitContactVerification(input: { handle: "rtr-0001", verifications: [{ verifiedAt: "2025-01-01T00:00:00Z", externalId: "x", method: REACHABILITY, proof: LOG_RECORD, claims: [EMAIL] }] }) { __typename } }`,
      {},
      as(EVENTS_KEY),
    );
    expect(codes(reply)).toEqual(['FORBIDDEN']);
    expect(rtrRequests()).toBe(before);
  });

  it('cannot validate a registry entry or read a registry check, and Veriff is not asked', async () => {
    const before = veriffRequests();
    const validate = await gateway.graphql(
      `mutation { validateRegistry(input: { idNumber: "38001085718", fullName: "Jane Doe", dateOfBirth: "1980-01-08" }) { __typename } }`,
      {},
      as(EVENTS_KEY),
    );
    expect(codes(validate)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(validate)).not.toContain('38001085718');
    const read = await gateway.graphql<any>('{ registryCheck(id: "abc") { status } providers { provider } }', {}, as(EVENTS_KEY));
    expect(read.data.registryCheck).toBeNull();
    expect(read.data.providers).toHaveLength(4);
    expect(codes(read)).toEqual(['FORBIDDEN']);
    expect(veriffRequests()).toBe(before);
  });

  it('cannot read or resend email verifications', async () => {
    const list = await gateway.graphql('{ emailVerifications(first: 1) { totalCount } }', {}, as(EVENTS_KEY));
    expect(codes(list)).toEqual(['FORBIDDEN']);
    // Contract revision 2: the connection is nullable, so only it is nulled and the rest of the response stays.
    expect(list.data).toEqual({ emailVerifications: null });
    const resend = await gateway.graphql('mutation { resendEmailVerification(input: { provider: OPENPROVIDER, email: "a@example.com" }) { __typename } }', {}, as(EVENTS_KEY));
    expect(codes(resend)).toEqual(['FORBIDDEN']);
  });

  it('cannot fetch a contact through node(id:) either', async () => {
    const id = Buffer.from('Contact:REALTIME_REGISTER:sandbox:rtr-0001').toString('base64');
    const before = rtrRequests();
    const reply = await gateway.graphql<any>(`{ node(id: "${id}") { id } }`, {}, as(EVENTS_KEY));
    expect(reply.data.node).toBeNull();
    expect(codes(reply)).toEqual(['FORBIDDEN']);
    expect(rtrRequests()).toBe(before);
  });

  it('reads stored events', async () => {
    const reply = await gateway.graphql<any>('{ verificationEvents(first: 5) { edges { node { id type } } } }', {}, as(EVENTS_KEY));
    expect(reply.errors).toBeUndefined();
    expect(Array.isArray(reply.data.verificationEvents.edges)).toBe(true);
  });
});

describe('a key with email:write but not email:read', () => {
  const RESEND = `mutation Resend($input: ResendEmailVerificationInput!) {
    resendEmailVerification(input: $input) { __typename ... on InputError { fieldErrors { path code } } }
  }`;
  const opRequests = () => gateway.sandbox!.openprovider.server.requests.length;

  it('cannot learn whether an address belongs to a handle: the right pair and a wrong one get the same refusal, before any call', async () => {
    const row = gateway.sandbox!.openprovider.rows.find((candidate) => candidate.handle && candidate.email)!;
    const before = opRequests();
    const answers = [];
    for (const email of [row.email, 'someone.else@example.com']) {
      const reply = await gateway.graphql<any>(RESEND, { input: { provider: 'OPENPROVIDER', handle: row.handle, email } }, as(EMAIL_WRITER_KEY));
      answers.push(reply.data.resendEmailVerification);
    }
    expect(answers[0]).toEqual({ __typename: 'InputError', fieldErrors: [{ path: ['email'], code: 'COMBINATION_NOT_ALLOWED' }] });
    expect(answers[1]).toEqual(answers[0]);
    expect(opRequests()).toBe(before);
  });

  it('still resends by handle alone', async () => {
    const row = gateway.sandbox!.openprovider.rows.find((candidate) => candidate.handle && candidate.status === 'not verified')!;
    const reply = await gateway.graphql<any>(RESEND, { input: { provider: 'OPENPROVIDER', handle: row.handle } }, as(EMAIL_WRITER_KEY));
    expect(reply.data.resendEmailVerification.__typename).toBe('ResendEmailVerificationSuccess');
  });
});

describe('a key with contacts:read', () => {
  it('reads contacts but not events, email verifications or registry checks', async () => {
    const before = rtrRequests();
    const reply = await gateway.graphql<any>(
      '{ contact(provider: REALTIME_REGISTER, handle: "rtr-0042") { handle } registryCheck(id: "x") { status } }',
      {},
      as(READER_KEY),
    );
    expect(reply.data.contact).toEqual({ handle: 'rtr-0042' });
    expect(rtrRequests()).toBeGreaterThan(before); // the counter the other tests rely on does see contact reads
    expect(reply.data.registryCheck).toBeNull();
    expect(codes(reply)).toEqual(['FORBIDDEN']);
    const events = await gateway.graphql('{ verificationEvents(first: 1) { edges { cursor } } }', {}, as(READER_KEY));
    expect(codes(events)).toEqual(['FORBIDDEN']);
  });

  it('cannot write', async () => {
    const reply = await gateway.graphql(
      `mutation { submitContactVerification(input: { handle: "rtr-0001", verifications: [] }) { __typename } }`,
      {},
      as(READER_KEY),
    );
    expect(codes(reply)).toEqual(['FORBIDDEN']);
  });
});

describe('a contact the cache holds', () => {
  it('is refused to keys without contacts:read just the same, and read by one with it without an upstream call', async () => {
    const query = '{ contact(provider: REALTIME_REGISTER, handle: "rtr-0077") { handle name } }';
    const first = await gateway.graphql<any>(query, {}, as(ADMIN_KEY));
    expect(first.data.contact.handle).toBe('rtr-0077');
    const before = rtrRequests();
    for (const key of [EVENTS_KEY, WRITER_KEY, EMAIL_WRITER_KEY]) {
      const refused = await gateway.graphql<any>(query, {}, as(key));
      expect(refused.data.contact, key).toBeNull();
      expect(codes(refused), key).toEqual(['FORBIDDEN']);
    }
    const reader = await gateway.graphql<any>(query, {}, as(READER_KEY));
    expect(reader.data).toEqual(first.data);
    expect(rtrRequests()).toBe(before);
  });
});

describe('a key with contacts:write only', () => {
  it('cannot read contacts', async () => {
    const reply = await gateway.graphql<any>('{ contact(provider: REALTIME_REGISTER, handle: "rtr-0001") { handle } }', {}, as(WRITER_KEY));
    expect(reply.data.contact).toBeNull();
    expect(codes(reply)).toEqual(['FORBIDDEN']);
  });

  it('passes the scope check of submitContactVerification (the service answers, not FORBIDDEN)', async () => {
    const reply = await gateway.graphql<any>(
      `mutation { submitContactVerification(input: { handle: "rtr-0001", verifications: [] }) { __typename } }`,
      {},
      as(WRITER_KEY),
    );
    expect(codes(reply)).not.toContain('FORBIDDEN');
    expect(reply.data?.submitContactVerification?.__typename).toBeDefined();
  });
});

describe('subscriptions', () => {
  const subscription = 'subscription { verificationEvents { id type } }';

  it('over WebSocket: a missing or wrong key in connection_init closes the socket with 4403', async () => {
    for (const connectionParams of [undefined, { authorization: `Bearer ${EVENTS_KEY}x` }]) {
      const client = createWsClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams });
      const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
      const outcome = new Promise<unknown>((resolve) => client.subscribe({ query: subscription }, { next: () => {}, error: resolve, complete: () => resolve('complete') }));
      expect(await closed).toBe(4403);
      await outcome;
      await client.dispose();
    }
  });

  it('over WebSocket: the key in connection_init is accepted, and the scope is checked on subscribe', async () => {
    const open = (key: string) =>
      createWsClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { authorization: `Bearer ${key}` } });
    const reader = open(READER_KEY);
    const refused = await new Promise<any>((resolve) => reader.subscribe({ query: subscription }, { next: resolve, error: resolve, complete: () => resolve('complete') }));
    expect(JSON.stringify(refused)).toContain('FORBIDDEN');
    await reader.dispose();

    const watcher = open(EVENTS_KEY);
    const connected = new Promise<void>((resolve) => watcher.on('connected', () => resolve()));
    const errors: unknown[] = [];
    const unsubscribe = watcher.subscribe({ query: subscription }, { next: () => {}, error: (error) => errors.push(error), complete: () => {} });
    await connected;
    unsubscribe();
    expect(errors).toEqual([]);
    await watcher.dispose();
  });

  it('over SSE: the Authorization header carries the key; a missing key is refused with 401', async () => {
    const withoutKey = createSseClient({ url: `${gateway.url}/graphql`, singleConnection: false, retryAttempts: 0 });
    const refused = await new Promise<unknown>((resolve) => withoutKey.subscribe({ query: subscription }, { next: resolve, error: resolve, complete: () => resolve('complete') }));
    expect(String((refused as Error)?.message ?? JSON.stringify(refused))).toMatch(/401|UNAUTHENTICATED/);
    withoutKey.dispose();

    const reader = createSseClient({ url: `${gateway.url}/graphql`, singleConnection: false, retryAttempts: 0, headers: as(READER_KEY) });
    const forbidden = await new Promise<unknown>((resolve) => reader.subscribe({ query: subscription }, { next: resolve, error: resolve, complete: () => resolve('complete') }));
    expect(JSON.stringify(forbidden)).toContain('FORBIDDEN');
    reader.dispose();
  });
});
