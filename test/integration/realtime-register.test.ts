import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;
let simulator: RealtimeRegisterSimulator;

beforeAll(async () => {
  gateway = await startTestGateway();
  simulator = gateway.sandbox!.realtimeRegister;
  simulator.asyncShare = 0;
});

afterAll(async () => {
  await gateway?.stop();
});

/** rtr-0001 ... rtr-0500; each test uses its own range so the shared cache never hides a call. */
const handle = (n: number) => `rtr-${String(n).padStart(4, '0')}`;
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => handle(from + i));
const listCalls = () => simulator.server.requests.filter((request) => request.method === 'GET' && request.path === '/v2/customers/sandbox/contacts');
/** Every contact call the simulator saw: a rejected input must add none. */
const contactCalls = () => simulator.server.requests.filter((request) => request.path.includes('/contacts')).length;
const globalId = (key: string) => Buffer.from(`Contact:${key}`).toString('base64');

const CONTACTS = `query Contacts($handles: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $handles) { handle } }`;
const CONTACT = `query Contact($handle: String!) {
  contact(provider: REALTIME_REGISTER, handle: $handle) { id provider customer handle name organization email voice addressLines postalCode city country verifications { verifiedAt externalId method proof claims } }
}`;
const SUBMIT = `mutation Submit($input: SubmitContactVerificationInput!) {
  submitContactVerification(input: $input) {
    __typename
    ... on SubmitContactVerificationSuccess { async processId request { id status } }
    ... on InputError { fieldErrors { path code } }
    ... on NotFoundError { provider message }
    ... on ProviderError { provider code httpStatus retryable retryAfterSeconds message }
  }
}`;
const CREATE = `mutation Create($input: CreateContactInput!) {
  createContact(input: $input) {
    __typename
    ... on CreateContactSuccess { async contact { handle customer name country voice addressLines } }
    ... on InputError { fieldErrors { path code } }
    ... on ConflictError { provider message }
    ... on ProviderError { code retryable }
  }
}`;
const idCard = { verifiedAt: '2026-04-16T00:00:00Z', externalId: 'kyc-7731', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] };
const newContact = (handleText: string) => ({
  handle: handleText,
  name: 'Femke Visser',
  organization: 'Visser Webdiensten B.V.',
  addressLines: ['Oudegracht 12'],
  postalCode: '3511 LX',
  city: 'Utrecht',
  country: 'NL',
  email: 'femke@visser-webdiensten.nl',
  voice: '+31.302345678',
});

describe('Realtime Register contact reads', () => {
  it('looks up a seeded contact with the data the provider holds', async () => {
    const reply = await gateway.graphql(CONTACT, { handle: 'rtr-0001' });
    expect(reply.errors).toBeUndefined();
    const seeded = simulator.contacts.contact('sandbox', 'rtr-0001')!;
    expect(reply.data.contact).toMatchObject({
      id: globalId('REALTIME_REGISTER:sandbox:rtr-0001'),
      provider: 'REALTIME_REGISTER',
      customer: 'sandbox',
      handle: 'rtr-0001',
      name: seeded.name,
      email: seeded.email,
      voice: seeded.voice,
      addressLines: seeded.addressLine,
      country: seeded.country,
    });
  });

  it('fetches 100 handles with exactly one list call, in order', async () => {
    const handles = range(101, 100);
    const before = listCalls().length;
    const reply = await gateway.graphql(CONTACTS, { handles });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contacts.map((contact: { handle: string }) => contact.handle)).toEqual(handles);
    const calls = listCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query['handle:in']!.split(',').sort()).toEqual([...handles].sort());
    expect(calls[0]!.query.limit).toBe('100');
  });

  it('serves the same handles again from the cache without calling the provider', async () => {
    const before = listCalls().length;
    const reply = await gateway.graphql(CONTACTS, { handles: range(101, 100) });
    expect(reply.data.contacts).toHaveLength(100);
    expect(listCalls().length).toBe(before);
  });

  it('charges nothing for duplicate handles and answers null in the slot of a missing one', async () => {
    const before = listCalls().length;
    const reply = await gateway.graphql(CONTACTS, { handles: ['rtr-0201', 'rtr-0201', 'rtr-9998', 'rtr-0202'] });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contacts).toEqual([{ handle: 'rtr-0201' }, { handle: 'rtr-0201' }, null, { handle: 'rtr-0202' }]);
    const calls = listCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query['handle:in']!.split(',').sort()).toEqual(['rtr-0201', 'rtr-0202', 'rtr-9998']);
  });

  it('batches contacts reached through aliases and node lookups into one call per 100 distinct handles', async () => {
    const before = listCalls().length;
    const ids = range(301, 10).map((h) => globalId(`REALTIME_REGISTER:sandbox:${h}`));
    const reply = await gateway.graphql(
      `query Many($a: [String!]!, $b: [String!]!, $ids: [ID!]!) {
        a: contacts(provider: REALTIME_REGISTER, handles: $a) { handle }
        b: contacts(provider: REALTIME_REGISTER, handles: $b) { handle }
        one: contact(provider: REALTIME_REGISTER, handle: "rtr-0350") { handle }
        nodes(ids: $ids) { ... on Contact { handle } }
      }`,
      { a: range(301, 50), b: range(351, 50), ids },
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data.b.at(-1)).toEqual({ handle: 'rtr-0400' });
    expect(reply.data.nodes.map((node: { handle: string }) => node.handle)).toEqual(range(301, 10));
    expect(listCalls().length - before).toBe(1);
  });

  it('splits 150 distinct handles into two list calls', async () => {
    const before = listCalls().length;
    const reply = await gateway.graphql(
      `query Split($a: [String!]!, $b: [String!]!) { a: contacts(provider: REALTIME_REGISTER, handles: $a) { handle } b: contacts(provider: REALTIME_REGISTER, handles: $b) { handle } }`,
      { a: range(203, 75), b: range(401, 75) },
    );
    expect(reply.errors).toBeUndefined();
    const calls = listCalls().slice(before);
    expect(calls.map((call) => call.query['handle:in']!.split(',').length).sort((x, y) => x - y)).toEqual([50, 100]);
  });

  it('answers null, not an error, for a handle the provider does not have', async () => {
    const reply = await gateway.graphql(CONTACT, { handle: 'rtr-9997' });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contact).toBeNull();
  });

  it('rejects a malformed handle with BAD_USER_INPUT and sends nothing', async () => {
    const before = contactCalls();
    const reply = await gateway.graphql(CONTACT, { handle: 'no/slashes' });
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ path: ['handle'], code: 'INVALID_FORMAT' }] });
    expect(contactCalls()).toBe(before);
  });
});

describe('submitContactVerification', () => {
  it('attaches the evidence, and the next read goes upstream and shows it', async () => {
    await gateway.graphql(CONTACT, { handle: 'rtr-0011' });
    const reply = await gateway.graphql(SUBMIT, { input: { handle: 'rtr-0011', verifications: [idCard] } });
    expect(reply.data.submitContactVerification).toMatchObject({ __typename: 'SubmitContactVerificationSuccess', async: false, processId: expect.stringMatching(/^\d+$/) });

    const before = listCalls().length;
    const read = await gateway.graphql(CONTACT, { handle: 'rtr-0011' });
    expect(listCalls().length).toBe(before + 1);
    expect(read.data.contact.verifications).toContainEqual({ ...idCard, verifiedAt: '2026-04-16T00:00:00.000Z' });
  });

  it('reports an asynchronous update with its process id', async () => {
    simulator.asyncShare = 1;
    try {
      const reply = await gateway.graphql(SUBMIT, { input: { handle: 'rtr-0012', verifications: [idCard] } });
      const posted = simulator.server.requests.filter((request) => request.path === '/v2/customers/sandbox/contacts/rtr-0012/update');
      expect(posted).toHaveLength(1);
      expect(reply.data.submitContactVerification).toMatchObject({ async: true, processId: expect.stringMatching(/^\d+$/) });
    } finally {
      simulator.asyncShare = 0;
    }
  });

  it('marks the DENIC request SUBMITTED when the evidence covers its claims', async () => {
    simulator.injectDenicRequest({ handle: 'rtr-0013', claims: ['NAME', 'ADDRESS'], deDelegationDomain: 'example.de', deDelegationDate: '2027-01-01T00:00:00Z' });
    // The simulator pushes it to the gateway's webhook; clients then see it with its global id.
    const request = await vi.waitFor(
      async () => {
        const reply = await gateway.graphql(`{ verificationRequests(filter: { contactHandle: "rtr-0013" }) { edges { node { id status } } } }`);
        const found = reply.data?.verificationRequests.edges[0]?.node;
        expect(found).toBeDefined();
        return found as { id: string; status: string };
      },
      { timeout: 5_000 },
    );
    expect(request.status).toBe('OPEN');
    const notCovered = await gateway.graphql(SUBMIT, {
      input: { handle: 'rtr-0013', requestId: request.id, verifications: [{ ...idCard, proof: 'PASSPORT', claims: ['NAME'] }] },
    });
    expect(notCovered.data.submitContactVerification.fieldErrors).toEqual([{ path: ['verifications'], code: 'CLAIMS_NOT_COVERED' }]);

    const reply = await gateway.graphql(SUBMIT, { input: { handle: 'rtr-0013', requestId: request.id, verifications: [idCard] } });
    expect(reply.data.submitContactVerification.request).toEqual({ id: request.id, status: 'SUBMITTED' });
  });

  it('answers InputError for an unknown requestId and sends nothing', async () => {
    const before = contactCalls();
    const reply = await gateway.graphql(SUBMIT, { input: { handle: 'rtr-0014', requestId: 'rtr:sandbox:1', verifications: [idCard] } });
    expect(reply.data.submitContactVerification.fieldErrors).toEqual([{ path: ['requestId'], code: 'INVALID_VALUE' }]);
    expect(contactCalls()).toBe(before);
  });

  it.each([
    ['a handle outside [a-zA-Z0-9-_@.]{3,40}', { handle: 'x!', verifications: [idCard] }, [{ path: ['handle'], code: 'INVALID_FORMAT' }]],
    ['claims the matrix does not allow', { handle: 'rtr-0015', verifications: [{ ...idCard, proof: 'PASSPORT' }] }, [{ path: ['verifications', '0', 'claims', '1'], code: 'CLAIM_NOT_ALLOWED' }]],
    ['a proof the method cannot use', { handle: 'rtr-0015', verifications: [{ ...idCard, method: 'DATA' }] }, [{ path: ['verifications', '0', 'proof'], code: 'COMBINATION_NOT_ALLOWED' }]],
    [
      'two claims on one LOG_RECORD',
      { handle: 'rtr-0015', verifications: [{ ...idCard, method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL', 'VOICE'] }] },
      [{ path: ['verifications', '0', 'claims'], code: 'EXCLUSIVE_CLAIM' }],
    ],
    ['a date without an offset', { handle: 'rtr-0015', verifications: [{ ...idCard, verifiedAt: '2026-04-16' }] }, [{ path: ['verifications', '0', 'verifiedAt'], code: 'INVALID_FORMAT' }]],
  ])('answers InputError for %s and sends nothing', async (_case, input, fieldErrors) => {
    const before = contactCalls();
    const reply = await gateway.graphql(SUBMIT, { input });
    expect(reply.data.submitContactVerification).toEqual({ __typename: 'InputError', fieldErrors });
    expect(contactCalls()).toBe(before);
  });

  it('answers NotFoundError for a handle the provider does not have', async () => {
    const reply = await gateway.graphql(SUBMIT, { input: { handle: 'rtr-9996', verifications: [idCard] } });
    expect(reply.data.submitContactVerification).toMatchObject({ __typename: 'NotFoundError', provider: 'REALTIME_REGISTER' });
  });
});

describe('createContact', () => {
  it('creates a contact, readable right after, and answers ConflictError the second time', async () => {
    const created = await gateway.graphql(CREATE, { input: { ...newContact('it-new-0001'), verifications: [idCard] } });
    expect(created.data.createContact).toMatchObject({
      __typename: 'CreateContactSuccess',
      async: false,
      contact: { handle: 'it-new-0001', customer: 'sandbox', name: 'Femke Visser', country: 'NL', voice: '+31.302345678', addressLines: ['Oudegracht 12'] },
    });
    const read = await gateway.graphql(CONTACT, { handle: 'it-new-0001' });
    expect(read.data.contact).toMatchObject({ organization: 'Visser Webdiensten B.V.', verifications: [{ externalId: 'kyc-7731' }] });

    const again = await gateway.graphql(CREATE, { input: newContact('it-new-0001') });
    expect(again.data.createContact).toMatchObject({ __typename: 'ConflictError', provider: 'REALTIME_REGISTER' });
  });

  it.each([
    ['a handle outside [a-zA-Z0-9-_@.]{3,40}', { handle: 'no spaces' }, [{ path: ['handle'], code: 'INVALID_FORMAT' }]],
    ['a voice number not +CC.NUMBER', { voice: '+31 30 2345678' }, [{ path: ['voice'], code: 'INVALID_FORMAT' }]],
    ['a country that is not ISO alpha-2', { country: 'Netherlands' }, [{ path: ['country'], code: 'INVALID_VALUE' }]],
    ['a lower-case country code', { country: 'nl' }, [{ path: ['country'], code: 'INVALID_VALUE' }]],
    ['an empty name and no address', { name: ' ', addressLines: [] }, [{ path: ['name'], code: 'REQUIRED' }, { path: ['addressLines'], code: 'REQUIRED' }]],
    [
      'two claims on one LOG_RECORD',
      { verifications: [{ ...idCard, method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL', 'ADDRESS'] }] },
      [{ path: ['verifications', '0', 'claims'], code: 'EXCLUSIVE_CLAIM' }],
    ],
  ])('answers InputError for %s and sends nothing', async (_case, change, fieldErrors) => {
    const before = contactCalls();
    const reply = await gateway.graphql(CREATE, { input: { ...newContact('it-new-0002'), ...change } });
    expect(reply.data.createContact).toEqual({ __typename: 'InputError', fieldErrors });
    expect(contactCalls()).toBe(before);
  });
});

describe('upstream metrics', () => {
  it('counts every contact list call in gateway_upstream_requests_total', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((row) => row.startsWith('gateway_upstream_requests_total{') && row.includes('provider="REALTIME_REGISTER"') && row.includes('operation="contacts.list"') && row.includes('outcome="success"'));
    expect(line, text).toBeDefined();
    expect(Number(line!.split(' ').at(-1))).toBe(listCalls().length);
  });
});

describe('Realtime Register failures', () => {
  let failing: TestGateway;
  let failingSimulator: RealtimeRegisterSimulator;
  beforeAll(async () => {
    failing = await startTestGateway();
    failingSimulator = failing.sandbox!.realtimeRegister;
  });
  afterAll(async () => {
    await failing?.stop();
  });

  it('answers RATE_LIMITED (retryable) to a query and a retryable ProviderError to a mutation on 429', async () => {
    failingSimulator.server.setFaults({ errorRate: 1, status: 429, retryAfterSeconds: 0 });
    try {
      const query = await failing.graphql(CONTACT, { handle: 'rtr-0021' });
      expect(query.data.contact).toBeNull();
      expect(query.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', provider: 'REALTIME_REGISTER', retryable: true });
      const mutation = await failing.graphql(SUBMIT, { input: { handle: 'rtr-0021', verifications: [idCard] } });
      expect(mutation.data.submitContactVerification).toMatchObject({ __typename: 'ProviderError', httpStatus: 429, retryable: true });
    } finally {
      failingSimulator.server.setFaults({});
    }
  });

  it('answers a retryable ProviderError naming the maintenance window during an outage', async () => {
    failingSimulator.server.setFaults({ outage: true });
    try {
      const reply = await failing.graphql(SUBMIT, { input: { handle: 'rtr-0022', verifications: [idCard] } });
      expect(reply.data.submitContactVerification).toMatchObject({ __typename: 'ProviderError', code: 'ProviderUnavailable', httpStatus: 503, retryable: true });
      expect(reply.data.submitContactVerification.message).toMatch(/maintenance from .+ until .+/);
    } finally {
      failingSimulator.server.setFaults({});
    }
  });

  it('answers PROVIDER_UNAVAILABLE (retryable) to a query and a retryable ProviderError to a mutation on 503', async () => {
    failingSimulator.server.setFaults({ errorRate: 1, status: 503 });
    try {
      const mutation = await failing.graphql(SUBMIT, { input: { handle: 'rtr-0023', verifications: [idCard] } });
      expect(mutation.data.submitContactVerification).toMatchObject({ __typename: 'ProviderError', provider: 'REALTIME_REGISTER', httpStatus: 503, retryable: true });
      // A POST is never retried: one attempt reached the provider.
      expect(failingSimulator.server.count('/v2/customers/sandbox/contacts/rtr-0023/update', 'POST')).toBe(1);
      const query = await failing.graphql(CONTACT, { handle: 'rtr-0023' });
      expect(query.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'REALTIME_REGISTER', retryable: true });
    } finally {
      failingSimulator.server.setFaults({});
    }
  });
});
