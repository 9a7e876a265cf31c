import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import type { DocRow, OpenproviderDocFake } from './openprovider-doc-fake.js';
import { DOC_CREDENTIALS, docCustomer, startOpenproviderDocFake } from './openprovider-doc-fake.js';

/**
 * The gateway against an Openprovider built only from the public documents (openprovider-doc-fake.ts), in live mode,
 * driven through GraphQL: every variant the documents allow must be read, every published error code handled.
 */
const KEY = 'fidelity-op-key-0001';
const auth = { authorization: `Bearer ${KEY}` };

let fake: OpenproviderDocFake;
let gateway: TestGateway | null = null;

/**
 * A live gateway on the fake. Its email-status watcher reads the PENDING rows once at start: that read is let through
 * against an empty list first, so each test counts only the calls its own queries cause.
 */
async function startGateway(): Promise<TestGateway> {
  const rows = fake.rows;
  fake.rows = [];
  gateway = await startTestGateway({
    env: {
      GATEWAY_API_KEYS: `${KEY}:*`,
      OPENPROVIDER_USERNAME: DOC_CREDENTIALS.username,
      OPENPROVIDER_PASSWORD: DOC_CREDENTIALS.password,
      OPENPROVIDER_BASE_URL: fake.baseUrl,
      EMAIL_WATCH_INTERVAL_MS: '3600000',
    },
  });
  for (let waited = 0; waited < 5000 && !fake.requests.some((call) => call.query.get('status') === 'in progress'); waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  fake.rows = rows;
  fake.requests.length = 0;
  return gateway;
}

const ask = <T = any>(query: string, variables?: Record<string, unknown>) => gateway!.graphql<T>(query, variables, auth);

const ROWS = `query Rows($filter: EmailVerificationFilter) {
  emailVerifications(filter: $filter, first: 50) {
    totalCount
    edges { node { email handle domain status failureReason providerStatus suspended expiresAt } }
  }
}`;

function row(overrides: Partial<DocRow> & { email: string }): DocRow {
  return {
    domain: 'example.com',
    handle: 'AN000001-NL',
    status: 'in progress',
    description: '',
    is_suspended: false,
    expiration_date: '0000-00-00 00:00:00',
    ...overrides,
  };
}

beforeAll(async () => {
  fake = await startOpenproviderDocFake();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.rows = [];
  fake.customers.clear();
  fake.requests.length = 0;
  fake.style = 'swagger';
  fake.envelopeExtras = {};
  fake.scalarsAsText = false;
  fake.clearForced();
});

afterEach(async () => {
  await gateway?.stop();
  gateway = null;
});

describe('the email verification list, as the documents write it', () => {
  it('reads the KB example rows (extra unknown members, warnings) with Amsterdam wall time and the zero date as none', async () => {
    fake.envelopeExtras = { maintenance: false, warnings: [{ code: 1, desc: 'a warning', data: '' }] };
    fake.rows = [
      row({ email: 'ann@example.net', expiration_date: '2026-12-01 10:00:00', domain_id: 77, created_at: '2026-01-01 00:00:00' }),
      row({ email: 'bob@example.net', domain: 'example.org', handle: 'BO000002-NL', status: 'failed', description: 'bounced', is_suspended: true }),
    ];
    await startGateway();
    const reply = await ask(ROWS);
    expect(reply.errors).toBeUndefined();
    expect(reply.data.emailVerifications.edges.map((edge: any) => edge.node)).toEqual([
      { email: 'ann@example.net', handle: 'AN000001-NL', domain: 'example.com', status: 'PENDING', failureReason: null, providerStatus: 'in progress', suspended: false, expiresAt: '2026-12-01T09:00:00.000Z' },
      { email: 'bob@example.net', handle: 'BO000002-NL', domain: 'example.org', status: 'FAILED', failureReason: 'BOUNCED', providerStatus: 'failed', suspended: true, expiresAt: null },
    ]);
    const list = fake.calls('/v1beta/customers/verifications/emails/domains');
    expect(list).toHaveLength(1);
    expect(list[0]!.headers.authorization).toMatch(/^Bearer doc-token-\d+$/);
    expect(Object.fromEntries(list[0]!.query)).toEqual({ limit: '1000', offset: '0' });
  });

  it('reads a numeric expiration_date as Unix seconds beside string ones in the same list', async () => {
    fake.rows = [
      row({ email: 'num@example.net', expiration_date: 1796112000 }),
      row({ email: 'str@example.net', expiration_date: '2026-07-01 12:00:00' }),
    ];
    await startGateway();
    const reply = await ask(ROWS);
    expect(reply.errors).toBeUndefined();
    expect(reply.data.emailVerifications.edges.map((edge: any) => [edge.node.email, edge.node.expiresAt])).toEqual([
      ['num@example.net', new Date(1796112000 * 1000).toISOString()],
      ['str@example.net', '2026-07-01T10:00:00.000Z'],
    ]);
  });

  it('reads a numeric expiration_date no date can hold (1e20, or milliseconds) as none, and serves the whole list', async () => {
    fake.rows = [
      row({ email: 'huge@example.net', expiration_date: 1e20 }),
      row({ email: 'millis@example.net', expiration_date: 1796112000000 }),
      row({ email: 'str@example.net', expiration_date: '2026-07-01 12:00:00' }),
    ];
    await startGateway();
    const reply = await ask(ROWS);
    expect(reply.errors).toBeUndefined();
    expect(reply.data.emailVerifications.edges.map((edge: any) => [edge.node.email, edge.node.expiresAt])).toEqual([
      ['huge@example.net', null],
      ['millis@example.net', null],
      ['str@example.net', '2026-07-01T10:00:00.000Z'],
    ]);
  });

  it('sends the status filter with its spaces and is_suspended as a boolean, and reads the rows back', async () => {
    fake.rows = [
      row({ email: 'a@example.net', status: 'not verified' }),
      row({ email: 'b@example.net', status: 'not verified', is_suspended: true }),
      row({ email: 'c@example.net', status: 'verified' }),
    ];
    await startGateway();
    const reply = await ask(ROWS, { filter: { status: ['NOT_VERIFIED'], suspended: false } });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.emailVerifications.edges.map((edge: any) => edge.node.email)).toEqual(['a@example.net']);
    const query = fake.calls('/v1beta/customers/verifications/emails/domains')[0]!.query;
    expect(query.get('status')).toBe('not verified');
    expect(query.get('is_suspended')).toBe('false');
  });

  it('pages by limit and offset up to the reported total (2,500 rows: three calls of at most 1000)', async () => {
    fake.rows = Array.from({ length: 2500 }, (_, index) => row({ email: `user${String(index).padStart(4, '0')}@example.net`, handle: `US${index}-NL` }));
    await startGateway();
    const reply = await ask(`{ emailVerifications(first: 1) { totalCount } }`);
    expect(reply.errors).toBeUndefined();
    expect(reply.data.emailVerifications.totalCount).toBe(2500);
    const pages = fake.calls('/v1beta/customers/verifications/emails/domains').map((call) => [call.query.get('limit'), call.query.get('offset')]);
    expect(pages.sort()).toEqual([
      ['1000', '0'],
      ['1000', '1000'],
      ['1000', '2000'],
    ]);
  });
});

describe('answers the documents allow but the examples do not show', () => {
  it('reads a proto3-style answer: false, empty and zero members left out, an empty list as `data: {}`', async () => {
    fake.style = 'proto3';
    fake.rows = [row({ email: 'ann@example.net', status: 'not verified' }), row({ email: 'bob@example.net', status: 'verified', is_suspended: true })];
    await startGateway();
    const notSuspended = await ask(ROWS, { filter: { suspended: false } });
    expect(notSuspended.errors).toBeUndefined();
    expect(notSuspended.data.emailVerifications.edges.map((edge: any) => [edge.node.email, edge.node.suspended])).toEqual([['ann@example.net', false]]);
    const none = await ask(ROWS, { filter: { email: 'nobody@example.net' } });
    expect(none.errors).toBeUndefined();
    expect(none.data.emailVerifications.totalCount).toBe(0);
  });

  it('reads an answer whose numbers and booleans come as JSON strings (code "0", total "2", is_suspended "true"): login, list and customer', async () => {
    fake.scalarsAsText = true;
    fake.rows = [
      row({ email: 'ann@example.net', status: 'failed', description: 'expired', is_suspended: true, expiration_date: 1796112000 }),
      row({ email: 'bob@example.net', handle: 'BO000002-NL', status: 'verified' }),
    ];
    fake.customers.set('AN000001-NL', docCustomer('AN000001-NL', 'ann@example.net'));
    await startGateway();
    const reply = await ask(ROWS);
    expect(reply.errors).toBeUndefined();
    expect(reply.data.emailVerifications.totalCount).toBe(2);
    expect(reply.data.emailVerifications.edges.map((edge: any) => [edge.node.email, edge.node.status, edge.node.suspended, edge.node.expiresAt])).toEqual([
      ['ann@example.net', 'FAILED', true, new Date(1796112000 * 1000).toISOString()],
      ['bob@example.net', 'VERIFIED', false, null],
    ]);
    const contact = await ask('{ contact(provider: OPENPROVIDER, handle: "AN000001-NL") { handle email } }');
    expect(contact.errors).toBeUndefined();
    expect(contact.data.contact).toEqual({ handle: 'AN000001-NL', email: 'ann@example.net' });
  });

  it('reads a success envelope whose data is null as an empty list', async () => {
    fake.force('/v1beta/customers/verifications/emails/domains', { status: 200, body: JSON.stringify({ code: 0, desc: '', data: null }) });
    await startGateway();
    const reply = await ask(ROWS, { filter: { email: 'nobody@example.net' } });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.emailVerifications.totalCount).toBe(0);
  });

  it('serves the readable rows when one has a status the documents do not list, with a named PROVIDER_ERROR beside them', async () => {
    fake.rows = [
      row({ email: 'ann@example.net', domain: 'a.example', status: 'pending verification' }),
      row({ email: 'ann@example.net', domain: 'b.example', status: 'verified' }),
    ];
    await startGateway();
    const reply = await ask(ROWS, { filter: { email: 'ann@example.net' } });
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'OPENPROVIDER' });
    expect(reply.errors?.[0]?.message).toMatch(/one row .*pending verification/);
    expect(reply.data.emailVerifications.edges.map((edge: any) => [edge.node.domain, edge.node.status])).toEqual([['b.example', 'VERIFIED']]);
  });

  it('answers a list row without a status (proto3 leaves out "") with a named PROVIDER_ERROR beside the other rows', async () => {
    fake.style = 'proto3';
    fake.rows = [row({ email: 'ann@example.net', status: '' }), row({ email: 'bob@example.net', handle: 'BO000002-NL', status: 'verified' })];
    await startGateway();
    const reply = await ask(ROWS);
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'OPENPROVIDER' });
    expect(reply.data.emailVerifications.edges.map((edge: any) => edge.node.email)).toEqual(['bob@example.net']);
  });

  it("fails only the emailVerifications of the contact whose row cannot be read, and that row's node lookup, never answering it as none", async () => {
    fake.rows = [
      row({ email: 'ann@example.net', handle: 'AN000001-NL', status: 'pending verification' }),
      row({ email: 'bob@example.net', handle: 'BO000002-NL', status: 'verified' }),
    ];
    fake.customers.set('AN000001-NL', docCustomer('AN000001-NL', 'ann@example.net'));
    fake.customers.set('BO000002-NL', docCustomer('BO000002-NL', 'bob@example.net'));
    await startGateway();
    const reply = await ask('{ contacts(provider: OPENPROVIDER, handles: ["AN000001-NL", "BO000002-NL"]) { handle emailVerifications { status } } }');
    expect(reply.data.contacts).toEqual([
      { handle: 'AN000001-NL', emailVerifications: null },
      { handle: 'BO000002-NL', emailVerifications: [{ status: 'VERIFIED' }] },
    ]);
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors?.[0]).toMatchObject({ path: ['contacts', 0, 'emailVerifications'], extensions: { code: 'PROVIDER_ERROR', provider: 'OPENPROVIDER' } });
    const id = encodeGlobalID('EmailVerification', 'OPENPROVIDER:ann@example.net:example.com');
    const node = await ask('query N($id: ID!) { node(id: $id) { id } }', { id });
    expect(node.data?.node ?? null).toBeNull();
    expect(node.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'OPENPROVIDER' });
  });
});

describe('a customer (GetCustomer)', () => {
  const CONTACT = 'query C($h: String!) { contact(provider: OPENPROVIDER, handle: $h) { handle name organization email voice addressLines postalCode city country emailVerificationStatus } }';

  it("reads Swagger's customer example, exposes email_verification_status and never passes its ID numbers on", async () => {
    fake.customers.set('XX123456-XX', docCustomer('XX123456-XX', 'test@mail.tld'));
    await startGateway();
    const reply = await ask(CONTACT, { h: 'XX123456-XX' });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contact).toEqual({
      handle: 'XX123456-XX',
      name: 'Test Person',
      organization: 'Example company',
      email: 'test@mail.tld',
      voice: '+03.111123456',
      addressLines: ['Test street 123 A'],
      postalCode: '1235 XX',
      city: 'Test city',
      country: 'NL',
      emailVerificationStatus: 'ACT',
    });
    expect(fake.calls('/v1beta/customers/XX123456-XX')).toHaveLength(1);
    expect(JSON.stringify(reply) + gateway!.logs()).not.toMatch(/PP-SECRET|SSN-SECRET/);
  });

  it('reads several handles from the customer list (proto3-style, zero values left out): a handle it lacks is null', async () => {
    fake.style = 'proto3';
    fake.customers.set('AA000001-NL', docCustomer('AA000001-NL', 'a@example.net'));
    fake.customers.set('BB000002-NL', docCustomer('BB000002-NL', 'b@example.net'));
    await startGateway();
    const reply = await ask('{ contacts(provider: OPENPROVIDER, handles: ["AA000001-NL", "BB000002-NL", "CC000003-NL"]) { handle email } }');
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contacts).toEqual([{ handle: 'AA000001-NL', email: 'a@example.net' }, { handle: 'BB000002-NL', email: 'b@example.net' }, null]);
    expect(fake.calls('/v1beta/customers')).toHaveLength(1);
  });

  it('reads a customer whose house number, postal code and phone parts come as JSON numbers, alone and in the list', async () => {
    const numeric = (handle: string, email: string) => {
      const customer = docCustomer(handle, email);
      return {
        ...customer,
        address: { ...(customer.address as object), number: 12, zipcode: 10115 },
        phone: { country_code: 49, area_code: 30, subscriber_number: 1234567 },
        name: { first_name: 'Test', last_name: 'Person' },
      };
    };
    fake.customers.set('NU000001-NL', numeric('NU000001-NL', 'n1@example.net'));
    fake.customers.set('NU000002-NL', numeric('NU000002-NL', 'n2@example.net'));
    await startGateway();
    const one = await ask(CONTACT, { h: 'NU000001-NL' });
    expect(one.errors).toBeUndefined();
    expect(one.data.contact).toMatchObject({ name: 'Test Person', addressLines: ['Test street 12 A'], postalCode: '10115', voice: '+49.301234567' });
    const many = await ask('{ contacts(provider: OPENPROVIDER, handles: ["NU000001-NL", "NU000002-NL"]) { handle postalCode } }');
    expect(many.errors).toBeUndefined();
    expect(many.data.contacts).toEqual([{ handle: 'NU000001-NL', postalCode: '10115' }, { handle: 'NU000002-NL', postalCode: '10115' }]);
  });

  it('answers a handle Openprovider does not have (HTTP 404 envelope) with null', async () => {
    await startGateway();
    const reply = await ask(CONTACT, { h: 'NO000000-NL' });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contact).toBeNull();
  });

  it('answers an HTML 404 (a proxy or a wrong base URL, no envelope) with a PROVIDER_ERROR, never null', async () => {
    fake.force('/v1beta/customers/NO000000-NL', { status: 404, body: '<html><body><h1>404 Not Found</h1></body></html>', headers: { 'content-type': 'text/html' } });
    await startGateway();
    const reply = await ask(CONTACT, { h: 'NO000000-NL' });
    expect(reply.data?.contact ?? null).toBeNull();
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'OPENPROVIDER' });
  });
});

describe('a batch of contacts with one Openprovider cannot serve', () => {
  it('serves the others: only the customer whose own read failed is null, with its error, and that failure is not cached', async () => {
    // 1,001 customers: the first page holds AA, the second the last one, read alone (one GetCustomer beats a page).
    fake.customers.set('AA000001-NL', docCustomer('AA000001-NL', 'a@example.net'));
    for (let index = 0; index < 999; index++) fake.customers.set(`FI${String(index).padStart(6, '0')}-NL`, docCustomer(`FI${String(index).padStart(6, '0')}-NL`, `f${index}@example.net`));
    fake.customers.set('ZZ000009-NL', docCustomer('ZZ000009-NL', 'z@example.net'));
    fake.force('/v1beta/customers/ZZ000009-NL', { status: 404, body: '<html><body><h1>404 Not Found</h1></body></html>', headers: { 'content-type': 'text/html' } });
    await startGateway();
    const BATCH = '{ contacts(provider: OPENPROVIDER, handles: ["AA000001-NL", "ZZ000009-NL"]) { handle email } }';
    const reply = await ask(BATCH);
    expect(reply.data.contacts).toEqual([{ handle: 'AA000001-NL', email: 'a@example.net' }, null]);
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors?.[0]).toMatchObject({ path: ['contacts', 1], extensions: { code: 'PROVIDER_ERROR', provider: 'OPENPROVIDER' } });
    expect(fake.calls('/v1beta/customers/ZZ000009-NL')).toHaveLength(1);

    fake.clearForced();
    const again = await ask(BATCH);
    expect(again.errors).toBeUndefined();
    expect(again.data.contacts).toEqual([{ handle: 'AA000001-NL', email: 'a@example.net' }, { handle: 'ZZ000009-NL', email: 'z@example.net' }]);
    expect(fake.calls('/v1beta/customers/ZZ000009-NL')).toHaveLength(2);
  });
});

describe('restarting a verification', () => {
  const RESEND = `mutation R($input: ResendEmailVerificationInput!) {
    resendEmailVerification(input: $input) {
      __typename
      ... on ResendEmailVerificationSuccess { emailVerification { email handle status } }
      ... on ProviderError { message code }
      ... on NotFoundError { message }
    }
  }`;

  it('sends the handle beside the email when the caller names it', async () => {
    fake.rows = [row({ email: 'ann@example.net', handle: 'AN000001-NL', status: 'failed', description: 'expired' }), row({ email: 'ann@example.net', handle: 'AN000009-NL', domain: 'example.org', status: 'verified' })];
    await startGateway();
    const reply = await ask(RESEND, { input: { provider: 'OPENPROVIDER', handle: 'AN000001-NL' } });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.resendEmailVerification).toEqual({ __typename: 'ResendEmailVerificationSuccess', emailVerification: { email: 'ann@example.net', handle: 'AN000001-NL', status: 'PENDING' } });
    const restart = fake.calls('/v1beta/customers/verifications/emails/restart');
    expect(restart).toHaveLength(1);
    expect(JSON.parse(restart[0]!.body)).toMatchObject({ email: 'ann@example.net', handle: 'AN000001-NL' });
  });

  it('sends the handle when the caller names only the email and its rows name one handle', async () => {
    fake.rows = [row({ email: 'ann@example.net', handle: 'AN000001-NL', status: 'failed', description: 'expired' })];
    await startGateway();
    const reply = await ask(RESEND, { input: { provider: 'OPENPROVIDER', email: 'ann@example.net' } });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.resendEmailVerification.__typename).toBe('ResendEmailVerificationSuccess');
    const restart = fake.calls('/v1beta/customers/verifications/emails/restart');
    expect(restart).toHaveLength(1);
    expect(JSON.parse(restart[0]!.body)).toMatchObject({ email: 'ann@example.net', handle: 'AN000001-NL' });
  });

  it('sends no handle for an email whose rows name several handles: which one is not the gateway\'s to guess', async () => {
    fake.rows = [
      row({ email: 'ann@example.net', handle: 'AN000001-NL', status: 'failed', description: 'expired' }),
      row({ email: 'ann@example.net', handle: 'AN000009-NL', domain: 'example.org', status: 'failed', description: 'expired' }),
    ];
    await startGateway();
    const reply = await ask(RESEND, { input: { provider: 'OPENPROVIDER', email: 'ann@example.net' } });
    expect(reply.errors).toBeUndefined();
    const restart = fake.calls('/v1beta/customers/verifications/emails/restart');
    expect(restart).toHaveLength(1);
    expect(JSON.parse(restart[0]!.body)).not.toHaveProperty('handle');
  });
});

describe('published error codes', () => {
  const PAGE = 'query P($e: String) { emailVerifications(filter: { email: $e }, first: 5) { totalCount } }';
  const LIST = '/v1beta/customers/verifications/emails/domains';

  for (const [code, fix] of [
    [10005, /whitelist this IP/i],
    [10009, /whitelist this IP/i],
    [197, /sign the agreement/i],
  ] as const) {
    it(`stops calling Openprovider after code ${code} (under HTTP 500), once, and names the fix`, async () => {
      await startGateway();
      fake.force(LIST, { status: 500, body: JSON.stringify({ code, desc: 'Blocked', data: '' }) });
      const first = await ask(PAGE, { e: 'a@example.net' });
      expect(first.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'OPENPROVIDER', retryable: false, providerCode: String(code) });
      expect(first.errors?.[0]?.message).toMatch(fix);
      expect(fake.requests).toHaveLength(1);
      for (const email of ['b@example.net', 'c@example.net', 'd@example.net']) {
        const again = await ask(PAGE, { e: email });
        expect(again.errors?.[0]?.message).toMatch(fix);
      }
      expect(fake.requests).toHaveLength(1);
    });
  }

  for (const status of [500, 429, 200]) {
    it(`never repeats a code-50 answer (HTTP ${status}) and sends nothing more within the minute`, async () => {
      await startGateway();
      fake.force(LIST, { status, body: JSON.stringify({ code: 50, desc: 'Calls limit has been reached', data: '' }) });
      const first = await ask(PAGE, { e: 'a@example.net' });
      expect(first.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', provider: 'OPENPROVIDER', retryable: true });
      expect(first.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(50);
      const again = await ask(PAGE, { e: 'b@example.net' });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(fake.requests).toHaveLength(1);
    });
  }

  it('logs in once when the credentials are refused with code 196 under HTTP 200, and not again for the next queries', async () => {
    await startGateway();
    // Drop the token the start-up read obtained, so the next call must log in.
    fake.force(LIST, { status: 401, body: JSON.stringify({ code: 196, desc: 'Authentication/Authorization Failed', data: '' }) }, 1);
    fake.force('/v1beta/auth/login', { status: 200, body: JSON.stringify({ code: 196, desc: 'Authentication/Authorization Failed', data: '' }) });
    const first = await ask(PAGE, { e: 'a@example.net' });
    expect(first.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'OPENPROVIDER', retryable: false, providerCode: '196' });
    for (const email of ['b@example.net', 'c@example.net']) await ask(PAGE, { e: email });
    expect(fake.calls('/v1beta/auth/login')).toHaveLength(1);
    // The documented login body: `{"username","password","ip":"0.0.0.0"}` (0.0.0.0: any IP address), as JSON.
    expect(JSON.parse(fake.calls('/v1beta/auth/login')[0]!.body)).toEqual({ username: DOC_CREDENTIALS.username, password: DOC_CREDENTIALS.password, ip: '0.0.0.0' });
    expect(fake.calls('/v1beta/auth/login')[0]!.headers['content-type']).toMatch(/^application\/json/);
    expect(fake.calls(LIST)).toHaveLength(1);
  });
});
