import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { eventually } from '../integration/events-support.js';
import { docSignatures, RealtimeRegisterDocFake, storedContact } from './realtime-register-doc-fake.js';

/**
 * The gateway against a Realtime Register written straight from ../shared/providers/realtime-register.md (revision 2),
 * not from our simulator: both error vocabularies, 202 + processes, extra and unknown values, the account-wide queue,
 * and webhook deliveries signed in every documented reading (the key is the document's EXAMPLE_KEY).
 */

const CONTACT = `query C($handle: String!, $customer: String) { contact(provider: REALTIME_REGISTER, handle: $handle, customer: $customer) {
  handle name addressLines country createdAt updatedAt verifications { method proof claims verifiedAt externalId } } }`;
const CONTACTS = `query Cs($handles: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $handles) { handle } }`;
const SUBMIT = `mutation S($input: SubmitContactVerificationInput!) { submitContactVerification(input: $input) {
  __typename
  ... on SubmitContactVerificationSuccess { async processId request { id status } }
  ... on InputError { fieldErrors { path code message } }
  ... on ProviderError { code httpStatus retryable message }
  ... on NotFoundError { message } } }`;
const REQUEST = `query R($id: ID!) { node(id: $id) { ... on VerificationRequest { status contactHandle submissions { status processId failureReason } } } }`;
const REQUESTS = `{ verificationRequests(first: 100) { edges { node { id contactHandle status claims } } } }`;

const CALLER_KEY = 'doc-fake-caller-key';

const evidence = [{ verifiedAt: '2026-04-16T00:00:00Z', externalId: 'kyc-7731', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] }];

function denic(id: number, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id,
    fireDate: '2026-05-01T10:00:00Z',
    readDate: null,
    deliveryDate: null,
    message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]',
    reason: null,
    customer: 'docfake',
    process: 7_000 + id,
    eventType: 'CONTACT_VERIFICATION_REQUIRED',
    notificationType: 'ContactVerificationNotification',
    payload: {},
    isAsync: false,
    subjectStatus: null,
    unknownField: 'ignored',
    ...fields,
  };
}

describe('Realtime Register as its public document describes it', () => {
  const fake = new RealtimeRegisterDocFake();
  let redis: RedisServerHandle;
  let gateway: TestGateway;

  beforeAll(async () => {
    const baseUrl = await fake.start();
    redis = await startRedisServer();
    // The poller is driven by hand (pollNotifications) so each test knows what was read.
    const env = { REDIS_URL: redis.url, ...fake.gatewayEnv(baseUrl, CALLER_KEY) };
    const lifecycle = { ...loadConfig(env).verificationLifecycle, processFollowInitialMs: 10, processFollowMaxMs: 40, processFollowTickMs: 3_600_000 };
    gateway = await startTestGateway({ env, overrides: { verificationLifecycle: lifecycle } });
  });

  afterAll(async () => {
    await gateway?.stop();
    await fake.stop();
    await redis?.stop();
  });

  beforeEach(() => {
    fake.calls.length = 0;
  });

  const gql = (query: string, variables?: Record<string, unknown>) => gateway.graphql(query, variables, { authorization: `Bearer ${CALLER_KEY}` });

  async function webhook(body: string, headers: Record<string, string>): Promise<number> {
    const response = await fetch(`${gateway.url}/webhooks/realtime-register`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await response.arrayBuffer();
    return response.status;
  }

  async function requestFor(handle: string): Promise<{ id: string; status: string; claims: string[] } | undefined> {
    const reply = await gql(REQUESTS);
    return reply.data.verificationRequests.edges.map((edge: any) => edge.node).find((node: any) => node.contactHandle === handle);
  }

  describe('contact reads', () => {
    it('read a contact with fields and verification values the document does not list, keeping every known item', async () => {
      fake.contacts.set('ann-1', storedContact('ann-1', {
        verifications: [
          { verificationDate: '2026-04-16T00:00:00Z', externalId: 'kyc-1', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'], createdDate: '2026-04-16T00:00:01Z' },
          { verificationDate: '2026-04-16T00:00:00Z', externalId: 'kyc-2', method: 'VIDEO_IDENT', proof: 'ID_CARD', claims: ['NAME'] },
          { verificationDate: '2026-04-16T00:00:00Z', externalId: 'kyc-3', method: 'ELECTRONIC_DOCUMENT', proof: 'PASSPORT', claims: ['NAME', 'BIRTHDATE'] },
          // The document writes the values in capitals; a store that hands them back in another case still means them.
          { verificationDate: '2026-04-17T00:00:00Z', externalId: 'kyc-4', method: 'reachability', proof: 'Log_Record', claims: ['email'] },
        ],
      }));
      const reply = await gql(CONTACT, { handle: 'ann-1' });
      expect(reply.errors).toBeUndefined();
      expect(reply.data.contact).toMatchObject({ handle: 'ann-1', name: 'Ann Lee', addressLines: ['Main Street 1'], country: 'NL', createdAt: '2026-01-02T03:04:05.000Z' });
      expect(reply.data.contact.verifications.map((item: any) => [item.externalId, item.claims])).toEqual([
        ['kyc-1', ['NAME', 'ADDRESS']],
        ['kyc-3', ['NAME']],
        ['kyc-4', ['EMAIL']],
      ]);
      expect(reply.data.contact.verifications[2]).toMatchObject({ method: 'REACHABILITY', proof: 'LOG_RECORD' });
      const call = fake.calls.find((entry) => entry.method === 'GET' && entry.path.startsWith('/v2/customers/docfake/contacts'))!;
      expect(call.headers.authorization).toBe(`ApiKey ${fake.apiKey}`);
    });

    it.each(['errors-page', 'api-spec'] as const)('answer null, not an error, for a contact that does not exist (%s vocabulary)', async (vocabulary) => {
      fake.vocabulary = vocabulary;
      try {
        const reply = await gql(CONTACT, { handle: `nobody-${vocabulary}` });
        expect(reply.errors).toBeUndefined();
        expect(reply.data.contact).toBeNull();
        // A "not found" is an answer, not a failure to retry.
        expect(fake.calls.filter((call) => call.method === 'GET')).toHaveLength(1);
      } finally {
        fake.vocabulary = 'errors-page';
      }
    });

    it('read several handles in one list call with handle:in, null where the document\'s list has no entity', async () => {
      fake.contacts.set('bob-1', storedContact('bob-1'));
      fake.contacts.set('cid-1', storedContact('cid-1'));
      const reply = await gql(CONTACTS, { handles: ['bob-1', 'zed-1', 'cid-1'] });
      expect(reply.errors).toBeUndefined();
      expect(reply.data.contacts).toEqual([{ handle: 'bob-1' }, null, { handle: 'cid-1' }]);
      const lists = fake.calls.filter((call) => call.path === '/v2/customers/docfake/contacts');
      expect(lists).toHaveLength(1);
      expect(lists[0]!.query.get('handle:in')!.split(',').sort()).toEqual(['bob-1', 'cid-1', 'zed-1']);
      // Spelt as the document's own example, `?handle:in=h1,h2,h3&limit=3`, not percent-encoded.
      expect(lists[0]!.rawUrl).toMatch(/[?&]handle:in=[a-z0-9-]+,[a-z0-9-]+,[a-z0-9-]+(&|$)/);
      expect(lists[0]!.query.get('limit')).toBe('3');
    });

    it('read on when the list caps its page below the limit asked for, instead of calling the rest "not found"', async () => {
      for (const handle of ['pg-1', 'pg-2', 'pg-3', 'pg-4', 'pg-5']) fake.contacts.set(handle, storedContact(handle));
      fake.listCap = 2;
      try {
        const reply = await gql(CONTACTS, { handles: ['pg-1', 'pg-2', 'pg-3', 'pg-4', 'pg-5'] });
        expect(reply.data.contacts).toEqual(['pg-1', 'pg-2', 'pg-3', 'pg-4', 'pg-5'].map((handle) => ({ handle })));
        expect(fake.calls.filter((call) => call.path === '/v2/customers/docfake/contacts').map((call) => call.query.get('offset') ?? '0')).toEqual(['0', '2', '4']);

        // The cap learnt, later reads ask for what a page holds, and a request is charged a call per page: 10 handles
        // at one contact a page are 10 one-handle calls; two fields of 30 (60 calls) are more than this key's 50 calls
        // a minute (UPSTREAM_CALLS_PER_MINUTE here) and refused before any call, where 60 handles at the cap assumed
        // before (100 a call) were charged one call.
        fake.listCap = 1;
        const handles = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
        for (const handle of [...handles('cap', 3), ...handles('one', 10), ...handles('two', 30), ...handles('three', 30)]) fake.contacts.set(handle, storedContact(handle));
        await gql(CONTACTS, { handles: handles('cap', 3) });
        const listCalls = () => fake.calls.filter((call) => call.path === '/v2/customers/docfake/contacts');
        fake.calls.length = 0;
        const one = await gql(CONTACTS, { handles: handles('one', 10) });
        expect(one.errors, JSON.stringify(one.errors?.[0])).toBeUndefined();
        expect(one.data.contacts).toHaveLength(10);
        expect(listCalls()).toHaveLength(10);
        expect(listCalls().every((call) => call.query.get('handle:in')!.split(',').length === 1 && !call.query.get('offset'))).toBe(true);

        fake.calls.length = 0;
        const both = await gql(`query Two($a: [String!]!, $b: [String!]!) {
          a: contacts(provider: REALTIME_REGISTER, handles: $a) { handle }
          b: contacts(provider: REALTIME_REGISTER, handles: $b) { handle }
        }`, { a: handles('two', 30), b: handles('three', 30) });
        expect(new Set(both.errors?.map((error: any) => error.extensions?.code))).toEqual(new Set(['QUERY_TOO_COSTLY']));
        expect(listCalls()).toHaveLength(0);
      } finally {
        fake.listCap = 100;
      }
    });

    it('send nothing for a handle outside the documented rule', async () => {
      const reply = await gql(CONTACT, { handle: 'a/../../x' });
      expect(JSON.stringify(reply)).toMatch(/handle/);
      expect(fake.calls).toHaveLength(0);
    });
  });

  describe('evidence', () => {
    it('turn ContactUpdateValidationError and ConstraintViolationException into field errors, sending the update once', async () => {
      fake.contacts.set('val-1', storedContact('val-1'));
      fake.updates.set('val-1', { kind: 'update-validation', errors: { 'verifications[0].claims': 'Claim not requested', voice: 'Invalid phone' } });
      const first = await gql(SUBMIT, { input: { handle: 'val-1', verifications: evidence } });
      expect(first.data.submitContactVerification.__typename).toBe('InputError');
      expect(first.data.submitContactVerification.fieldErrors.map((error: any) => error.path)).toEqual([['verifications', '0', 'claims'], ['voice']]);

      fake.updates.set('val-1', { kind: 'violations', violations: [{ field: 'verifications[0].externalId', message: 'too long' }] });
      const second = await gql(SUBMIT, { input: { handle: 'val-1', verifications: evidence } });
      expect(second.data.submitContactVerification.fieldErrors.map((error: any) => error.path)).toEqual([['verifications', '0', 'externalId']]);
      expect(fake.count('POST', '/v2/customers/docfake/contacts/val-1/update')).toBe(2);
    });

    it("send the evidence as the document's example update body, and nothing else: POST .../update, JSON, only `verifications`", async () => {
      fake.contacts.set('body-1', storedContact('body-1'));
      fake.updates.set('body-1', { kind: 'ok' });
      const reply = await gql(SUBMIT, { input: { handle: 'body-1', verifications: [{ ...evidence[0], verifiedAt: '2026-04-16T02:00:00+02:00' }] } });
      expect(reply.data.submitContactVerification.__typename).toBe('SubmitContactVerificationSuccess');
      const [update] = fake.calls.filter((call) => call.path === '/v2/customers/docfake/contacts/body-1/update');
      expect(update!.method).toBe('POST');
      expect(update!.headers['content-type']).toMatch(/^application\/json/);
      expect(update!.headers.authorization).toBe(`ApiKey ${fake.apiKey}`);
      expect(JSON.parse(update!.body)).toEqual({
        verifications: [{ verificationDate: '2026-04-16T00:00:00Z', externalId: 'kyc-7731', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] }],
      });
    });

    it('report a missing permission (403, either type) as not retryable, sending once', async () => {
      fake.contacts.set('perm-1', storedContact('perm-1'));
      fake.updates.set('perm-1', { kind: 'status', status: 403, body: { type: 'AuthorizationError', message: 'Permission denied' } });
      const reply = await gql(SUBMIT, { input: { handle: 'perm-1', verifications: evidence } });
      expect(reply.data.submitContactVerification).toMatchObject({ __typename: 'ProviderError', httpStatus: 403, retryable: false });
      expect(fake.count('POST', '/v2/customers/docfake/contacts/perm-1/update')).toBe(1);
    });

    it.each([
      ['header', 'COMPLETED', 'SUBMITTED', 'ACCEPTED'],
      ['body', 'FAILED', 'REJECTED', 'FAILED'],
      ['both', 'CANCELLED', 'REJECTED', 'FAILED'],
    ] as const)('follow a 202 whose process id is in the %s to %s', async (where, final, requestStatus, submissionStatus) => {
      const processId = { header: 9101, body: 9102, both: 9103 }[where];
      const handle = `proc-${where}`;
      fake.contacts.set(handle, storedContact(handle));
      fake.updates.set(handle, { kind: 'accepted', processId, where });
      fake.processes.set(processId, { statuses: ['NEW', 'RUNNING', final], extra: final === 'COMPLETED' ? {} : { error: { message: 'Registry refused the evidence' } } });
      const id = 300 + processId;
      expect(await webhook(JSON.stringify(denic(id, { processType: 'contact', processIdentifier: handle })), { signature: docSignatures('EXAMPLE_KEY', JSON.stringify(denic(id, { processType: 'contact', processIdentifier: handle }))).base64Digest })).toBe(200);
      const request = await eventually(() => requestFor(handle));

      const reply = await gql(SUBMIT, { input: { handle, verifications: evidence, requestId: request.id } });
      expect(reply.data.submitContactVerification).toMatchObject({ async: true, processId: String(processId), request: { status: 'PROCESSING' } });
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await gateway.services.verificationRequests.followProcesses();
      }
      const after = await gql(REQUEST, { id: request.id });
      expect(after.data.node.status).toBe(requestStatus);
      expect(after.data.node.submissions).toEqual([
        { status: submissionStatus, processId: String(processId), failureReason: final === 'COMPLETED' ? null : 'Registry refused the evidence' },
      ]);
      expect(fake.count('GET', `/v2/processes/${processId}`)).toBe(3);
    });

    it('end the follow-up of a process the provider does not know with REJECTED and a reason', async () => {
      fake.contacts.set('lost-1', storedContact('lost-1'));
      fake.updates.set('lost-1', { kind: 'accepted', processId: 9199, where: 'header' });
      const body = JSON.stringify(denic(9199, { processType: 'contact', processIdentifier: 'lost-1' }));
      expect(await webhook(body, { signature: docSignatures('EXAMPLE_KEY', body).hex })).toBe(200);
      const request = await eventually(() => requestFor('lost-1'));
      await gql(SUBMIT, { input: { handle: 'lost-1', verifications: evidence, requestId: request.id } });
      for (let i = 0; i < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        await gateway.services.verificationRequests.followProcesses();
      }
      const after = await gql(REQUEST, { id: request.id });
      expect(after.data.node.status).toBe('REJECTED');
      expect(after.data.node.submissions[0].failureReason).toMatch(/no process/);
    });

    it('re-send the holder\'s email validation with POST .../validate and a categories body', async () => {
      fake.contacts.set('mail-1', storedContact('mail-1'));
      const reply = await gql(`mutation { resendEmailVerification(input: { provider: REALTIME_REGISTER, handle: "mail-1" }) { __typename } }`);
      expect(reply.errors).toBeUndefined();
      const calls = fake.calls.filter((call) => call.path === '/v2/customers/docfake/contacts/mail-1/validate');
      expect(calls.map((call) => call.method)).toEqual(['POST']);
      expect(Array.isArray(JSON.parse(calls[0]!.body).categories)).toBe(true);
      expect(calls[0]!.headers['content-type']).toMatch(/^application\/json/);
    });
  });

  describe('webhook deliveries', () => {
    it('verify the document\'s worked example in each reading, and refuse a forgery', async () => {
      const body = '{"payload": "examplePayload"}';
      const readings = docSignatures('EXAMPLE_KEY', body);
      expect(readings.hex).toBe('99928fae027cc60240594ecf829369365ca1c9b9ec87106d04c319a45ee0bd49');
      expect(readings.base64HexText).toBe('IDk5OTI4ZmFlMDI3Y2M2MDI0MDU5NGVjZjgyOTM2OTM2NWNhMWM5YjllYzg3MTA2ZDA0YzMxOWE0NWVlMGJkNDk=');
      // The example body is a signed delivery the gateway cannot use: kept, and answered 2xx so the queue never stalls.
      for (const signature of Object.values(readings)) {
        const status = await webhook(body, { signature });
        expect(status).toBeGreaterThanOrEqual(200);
        expect(status).toBeLessThan(300);
      }
      expect(await webhook(body, { signature: docSignatures('OTHER_KEY', body).base64Digest })).toBe(401);
      expect(await webhook(body, {})).toBe(401);
    });

    it('take a domain process\'s request for the handle in its payload, never the domain name', async () => {
      const body = JSON.stringify(denic(501, { processType: 'domain', processIdentifier: 'example.de', payload: { handle: 'dom-holder', claims: ['NAME'] } }));
      expect(await webhook(body, { signature: docSignatures('EXAMPLE_KEY', body).base64HexText })).toBe(200);
      const request = await eventually(() => requestFor('dom-holder'));
      expect(request.claims).toEqual(['NAME']);
      expect(await requestFor('example.de')).toBeUndefined();
    });

    it('store a request whose members come in other JSON types (a numeric processIdentifier, an object eventType), not quarantine it', async () => {
      const body = JSON.stringify(denic(503, { processType: 'contact', processIdentifier: 40471, eventType: { code: 'CONTACT_VERIFICATION_REQUIRED' }, notificationType: null }));
      expect(await webhook(body, { signature: docSignatures('EXAMPLE_KEY', body).hex })).toBe(200);
      expect(await eventually(() => requestFor('40471'))).toMatchObject({ status: 'OPEN', claims: ['NAME', 'ADDRESS'] });
    });

    it('answer a signed delivery too large to use 2xx (kept for operators), in each signature reading', async () => {
      const body = JSON.stringify(denic(505, { processType: 'contact', processIdentifier: 'big-1', payload: { blob: 'x'.repeat(400 * 1024) } }));
      for (const signature of Object.values(docSignatures('EXAMPLE_KEY', body))) {
        const status = await webhook(body, { signature });
        expect(status).toBe(202);
      }
      expect(await webhook(body, { signature: docSignatures('OTHER_KEY', body).hex })).toBe(401);
      expect(await requestFor('big-1')).toBeUndefined();
    });

    it('store a request that leaves the optional processType out under its payload handle, never its processIdentifier, its deadlines in ISO 8601 basic format, signed in unpadded Base64', async () => {
      const payload = { handle: 'untyped-holder', claims: ['NAME'], deDelegationDomain: 'untyped.de', deDelegationDate: '20261201T000000Z', deletionDomain: 'untyped.de', deletionDate: '2027-01-01T00:00:00,5+01:00' };
      const { processType: _left, ...fields } = denic(506, { processIdentifier: 'untyped-1', payload });
      const body = JSON.stringify(fields);
      expect(body).not.toContain('processType');
      expect(await webhook(body, { signature: docSignatures('EXAMPLE_KEY', body).base64Digest.replace(/=+$/, '') })).toBe(200);
      const requestsOf = async (handle: string) =>
        (await gql(`{ verificationRequests(first: 100, filter: { contactHandle: "${handle}" }) { edges { node { status claims deDelegationDeadline deletionDeadline } } } }`)).data.verificationRequests.edges.map((edge: any) => edge.node);
      expect(await requestsOf('untyped-holder')).toEqual([
        { status: 'OPEN', claims: ['NAME'], deDelegationDeadline: '2026-12-01T00:00:00.000Z', deletionDeadline: '2026-12-31T23:00:00.500Z' },
      ]);
      // The doc takes processIdentifier as the handle only for a contact process.
      expect(await requestsOf('untyped-1')).toEqual([]);
    });

    it('store a delivery written with a leading byte order mark as the request it is, not as a body that is no JSON', async () => {
      const body = `\uFEFF${JSON.stringify(denic(507, { processType: 'contact', processIdentifier: 'bom-1' }))}`;
      expect(await webhook(body, { signature: docSignatures('EXAMPLE_KEY', body).base64Digest })).toBe(200);
      expect(await requestFor('bom-1')).toMatchObject({ status: 'OPEN' });
    });

    it('store a redelivery once', async () => {
      const body = JSON.stringify(denic(502, { processType: 'contact', processIdentifier: 'twice-1' }));
      const signature = docSignatures('EXAMPLE_KEY', body).base64Digest;
      expect(await webhook(body, { signature })).toBe(200);
      expect(await webhook(body, { signature })).toBe(200);
      const reply = await gql(REQUESTS);
      expect(reply.data.verificationRequests.edges.filter((edge: any) => edge.node.contactHandle === 'twice-1')).toHaveLength(1);
    });
  });

  describe('the account-wide queue', () => {
    it('store and ack every notification, DENIC or not, in order, leaving an empty queue', async () => {
      fake.queue.push(
        denic(601, { processType: 'contact', processIdentifier: 'queue-1' }),
        { id: 602, fireDate: '2026-05-01T10:00:00Z', message: 'Domain example.nl transferred', eventType: 'DOMAIN_TRANSFER', notificationType: 'DomainTransferNotification', payload: { domainName: 'example.nl' }, isAsync: true, processType: 'domain', processIdentifier: 'example.nl', process: 12 },
        { id: 603, fireDate: '2026-05-01T10:00:00Z', message: 'Test', eventType: 'PING', notificationType: 'Ping', payload: null, isAsync: false, brandNew: true },
        denic(604, { id: '604', processType: 'contact', processIdentifier: 40472, customer: null }),
      );
      await gateway.services.verificationRequests.pollNotifications();
      expect(fake.queue).toEqual([]);
      expect(fake.acked).toEqual([601, 602, 603, 604]);
      expect(await requestFor('queue-1')).toMatchObject({ status: 'OPEN' });
      expect(await requestFor('40472')).toMatchObject({ status: 'OPEN' });
      const events = await gql(`{ verificationEvents(first: 100, filter: { types: [PROVIDER_NOTIFICATION] }) { edges { node { ... on ProviderNotificationEvent { notificationId kind } } } } }`);
      expect(events.errors).toBeUndefined();
      const nodes = events.data.verificationEvents.edges.map((edge: any) => edge.node);
      expect(nodes).toEqual(expect.arrayContaining([{ notificationId: '602', kind: 'DomainTransferNotification' }, { notificationId: '603', kind: 'Ping' }]));
      expect(fake.calls.filter((call) => call.path.endsWith('/ack')).every((call) => call.method === 'POST')).toBe(true);
    });
  });
});
