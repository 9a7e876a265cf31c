import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_VERIFICATION_API_KEY, RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import { seedContacts } from '../../src/sandbox/realtime-register-seed.js';

const simulator = new RealtimeRegisterSimulator({ gatewayUrl: () => null, seedDenicRequests: 0, asyncShare: 0 });
let baseUrl = '';
beforeAll(async () => {
  await simulator.start();
  baseUrl = simulator.endpoint().baseUrl;
});
afterAll(() => simulator.stop());

async function call(method: string, path: string, body?: object, apiKey = simulator.endpoint().apiKey) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `ApiKey ${apiKey}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

const newContact = {
  name: 'Sanne de Boer',
  addressLine: ['Vismarkt 4'],
  postalCode: '9711 LM',
  city: 'Groningen',
  country: 'NL',
  email: 'sanne@example.nl',
  voice: '+31.501234567',
};
const idCard = { verificationDate: '2026-04-16T00:00:00Z', externalId: 'kyc-1', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] };

describe('the Realtime Register simulator seed', () => {
  it('is the same for the same seed and spans many countries, companies and verified contacts', () => {
    const contacts = seedContacts(500, 1);
    expect(seedContacts(500, 1)).toEqual(contacts);
    expect(contacts[0]!.handle).toBe('rtr-0001');
    expect(contacts[499]!.handle).toBe('rtr-0500');
    expect(new Set(contacts.map((contact) => contact.country)).size).toBeGreaterThanOrEqual(10);
    expect(contacts.filter((contact) => contact.organization).length).toBeGreaterThan(100);
    expect(contacts.filter((contact) => contact.verifications?.length).length).toBeGreaterThan(30);
    for (const contact of contacts) expect(contact.voice).toMatch(/^\+\d{1,3}\.\d{1,14}$/);
  });
});

describe('the Realtime Register simulator contacts', () => {
  it('answers 401 AuthenticationFailed without the API key', async () => {
    expect(await call('GET', '/v2/customers/sandbox/contacts/rtr-0001', undefined, 'wrong')).toMatchObject({ status: 401, json: { type: 'AuthenticationFailed' } });
  });

  it('lists with handle:in, a limit, order and a total', async () => {
    const { json } = await call('GET', '/v2/customers/sandbox/contacts?handle:in=rtr-0003,rtr-0001,rtr-9999&limit=3&order=-handle');
    expect(json.entities.map((contact: { handle: string }) => contact.handle)).toEqual(['rtr-0003', 'rtr-0001']);
    expect(json.pagination).toEqual({ limit: 3, offset: 0, total: 2 });
  });

  it('filters with matchers and skips counting with total=false', async () => {
    const { json } = await call('GET', '/v2/customers/sandbox/contacts?country:in=DE,AT&handle:like=rtr-00*&limit=100&total=false');
    expect(json.entities.length).toBeGreaterThan(0);
    expect(json.entities.every((contact: { country: string }) => ['DE', 'AT'].includes(contact.country))).toBe(true);
    expect(json.pagination).toEqual({ limit: 100, offset: 0 });
  });

  it('refuses a limit above 100 and an unknown filter field', async () => {
    expect(await call('GET', '/v2/customers/sandbox/contacts?limit=101')).toMatchObject({ status: 400, json: { type: 'ConstraintViolationException' } });
    expect(await call('GET', '/v2/customers/sandbox/contacts?shoeSize=42')).toMatchObject({ status: 400, json: { type: 'ValidationError' } });
  });

  it('answers 404 ObjectDoesNotExist for an unknown handle or customer', async () => {
    expect(await call('GET', '/v2/customers/sandbox/contacts/rtr-9999')).toMatchObject({ status: 404, json: { type: 'ObjectDoesNotExist' } });
    expect(await call('GET', '/v2/customers/nobody/contacts?limit=1')).toMatchObject({ status: 404, json: { type: 'ObjectDoesNotExist' } });
  });

  it('creates a contact with 201 and a process id, then 409 ObjectExists for the same handle', async () => {
    const created = await call('POST', '/v2/customers/sandbox/contacts/sim-new-1', { ...newContact, verifications: [idCard] });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-process-id')).toMatch(/^\d+$/);
    expect((await call('GET', '/v2/customers/sandbox/contacts/sim-new-1')).json).toMatchObject({ handle: 'sim-new-1', verifications: [{ externalId: 'kyc-1' }] });
    expect(await call('POST', '/v2/customers/sandbox/contacts/sim-new-1', newContact)).toMatchObject({ status: 409, json: { type: 'ObjectExists' } });
  });

  it('reports missing fields, a bad voice and a bad country as violations', async () => {
    const { status, json } = await call('POST', '/v2/customers/sandbox/contacts/sim-new-2', { ...newContact, name: undefined, voice: '+31 50 1234567', country: 'Holland' });
    expect(status).toBe(400);
    expect(json.type).toBe('ConstraintViolationException');
    expect(json.violations.map((violation: { field: string }) => violation.field).sort()).toEqual(['country', 'name', 'voice']);
  });

  it('refuses a body field it does not know with UnrecognizedPropertyException naming it in property', async () => {
    const { status, json } = await call('POST', '/v2/customers/sandbox/contacts/sim-new-3', { ...newContact, addressLines: ['Vismarkt 4'] });
    expect(status).toBe(400);
    expect(json).toMatchObject({ type: 'UnrecognizedPropertyException', property: 'addressLines' });
  });

  it('refuses evidence the DENIC matrix does not allow with a ValidationError', async () => {
    const passportAddress = { ...idCard, proof: 'PASSPORT' };
    const twoClaimLog = { ...idCard, method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL', 'VOICE'] };
    for (const item of [passportAddress, twoClaimLog]) {
      expect(await call('POST', '/v2/customers/sandbox/contacts/rtr-0001/update', { verifications: [item] })).toMatchObject({ status: 400, json: { type: 'ValidationError' } });
    }
  });

  it('adds verifications on update and changes only the fields sent', async () => {
    const before = (await call('GET', '/v2/customers/sandbox/contacts/rtr-0005')).json;
    const updated = await call('POST', '/v2/customers/sandbox/contacts/rtr-0005/update', { verifications: [{ ...idCard, externalId: 'kyc-5' }] });
    expect(updated.status).toBe(200);
    const after = (await call('GET', '/v2/customers/sandbox/contacts/rtr-0005')).json;
    expect(after).toMatchObject({ name: before.name, email: before.email, updatedDate: expect.any(String) });
    expect(after.verifications.at(-1)).toMatchObject({ externalId: 'kyc-5', claims: ['NAME', 'ADDRESS'] });
  });

  it('answers 202 with the process id in header and body for the configured share of updates', async () => {
    simulator.asyncShare = 1;
    try {
      const answer = await call('POST', '/v2/customers/sandbox/contacts/rtr-0006/update', { city: 'Utrecht' });
      expect(answer.status).toBe(202);
      expect(answer.json).toEqual({ processId: Number(answer.headers.get('x-process-id')) });
    } finally {
      simulator.asyncShare = 0;
    }
  });

  it('answers 403 AuthorizationFailed when the API user may not write verifications', async () => {
    const answer = await call('POST', '/v2/customers/sandbox/contacts/rtr-0001/update', { verifications: [idCard] }, NO_VERIFICATION_API_KEY);
    expect(answer).toMatchObject({ status: 403, json: { type: 'AuthorizationFailed' } });
  });

  it('answers 503 ProviderUnavailable with the maintenance window during an outage', async () => {
    simulator.server.setFaults({ outage: true });
    try {
      const { status, json } = await call('GET', '/v2/customers/sandbox/contacts/rtr-0001');
      expect(status).toBe(503);
      expect(json).toMatchObject({ type: 'ProviderUnavailable', startDate: expect.any(String), endDate: expect.any(String) });
      expect(Date.parse(json.endDate)).toBeGreaterThan(Date.parse(json.startDate));
    } finally {
      simulator.server.setFaults({});
    }
  });
});
