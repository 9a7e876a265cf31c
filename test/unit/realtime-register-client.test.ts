import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Conflict, InputRejected, NotFound, ProviderFailure } from '../../src/domain/errors.js';
import type { ContactVerification } from '../../src/domain/verification.js';
import { Writable } from 'node:stream';
import { createMetrics } from '../../src/observability/metrics.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { EMAIL_VALIDATION_CATEGORIES } from '../../src/providers/realtime-register/assumptions.js';
import { ProviderHttp } from '../../src/providers/http.js';
import { RealtimeRegisterClient } from '../../src/providers/realtime-register/client.js';
import { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import { createStores } from '../../src/store/index.js';

/** What the fake provider answers next, and what it saw. */
interface Canned {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}
let next: Canned = { status: 200, body: '{}' };
const seen: { method: string; url: string; authorization?: string; body: string }[] = [];
const fake = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: Buffer.concat(chunks).toString() });
    res.writeHead(next.status, next.headers ?? {}).end(next.body ?? '');
  });
});

const metrics = createMetrics();
const stores = createStores({ redisUrls: [], metrics, logger: silentLogger() });
const https: ProviderHttp[] = [];
function clientFor(baseUrl: string, apiKey = 'test-key'): RealtimeRegisterClient {
  const http = new ProviderHttp({ provider: 'REALTIME_REGISTER', baseUrl, metrics, maxRetries: 0 });
  https.push(http);
  return new RealtimeRegisterClient({ apiKey, customer: 'acme', baseUrl, webhookSecret: null, pollIntervalMs: 1000 }, { http, stores, logger: silentLogger() });
}

let client: RealtimeRegisterClient;
beforeAll(async () => {
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  client = clientFor(`http://127.0.0.1:${(fake.address() as AddressInfo).port}`);
});
afterEach(() => {
  seen.length = 0;
});
afterAll(async () => {
  await Promise.all(https.map((http) => http.close()));
  await stores.close();
  fake.closeAllConnections();
  await new Promise<void>((resolve) => fake.close(() => resolve()));
});

const answer = (status: number, body?: object, headers?: Record<string, string>) => {
  next = { status, headers: { 'content-type': 'application/json', ...headers }, body: body ? JSON.stringify(body) : '' };
};
const failureOf = async (call: Promise<unknown>) => call.then(() => expect.fail('expected the call to fail'), (error: unknown) => error);
const verification: ContactVerification = { verifiedAt: '2026-04-16T00:00:00Z', externalId: 'kyc-1', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME'] };

describe('RealtimeRegisterClient requests', () => {
  it('lists handles in one call with handle:in, the ApiKey header and a limit that fits them all', async () => {
    answer(200, { entities: [{ handle: 'h-001', name: 'A' }], pagination: { limit: 2, offset: 0 } });
    const page = await client.listContacts({ handles: ['h-001', 'h-002'], total: false });
    expect(seen).toHaveLength(1);
    const url = new URL(seen[0]!.url, 'http://x');
    expect(url.pathname).toBe('/v2/customers/acme/contacts');
    expect(url.searchParams.get('handle:in')).toBe('h-001,h-002');
    expect(url.searchParams.get('limit')).toBe('2');
    expect(url.searchParams.get('total')).toBe('false');
    expect(seen[0]!.authorization).toBe('ApiKey test-key');
    // Spelt as the document writes it: `handle:in=h1,h2,h3`.
    expect(seen[0]!.url).toBe('/v2/customers/acme/contacts?handle:in=h-001,h-002&limit=2&total=false');
    expect(page).toMatchObject({ total: null, contacts: [{ handle: 'h-001', customer: 'acme', name: 'A' }] });
  });

  it('percent-encodes what a query may not carry as it is, keeping a handle\'s @', async () => {
    answer(200, { entities: [], pagination: { limit: 10, offset: 0 } });
    await client.listContacts({ handles: ['ann@example.nl'], filters: { 'name:like': 'Ann & Bob #1' }, order: '-createdDate' });
    expect(seen[0]!.url).toBe('/v2/customers/acme/contacts?name:like=Ann%20%26%20Bob%20%231&handle:in=ann@example.nl&order=-createdDate&limit=1');
    expect(new URL(seen[0]!.url, 'http://x').searchParams.get('name:like')).toBe('Ann & Bob #1');
  });

  it('refuses a malformed handle without calling the provider', async () => {
    const error = await failureOf(client.getContact('a/b'));
    expect(error).toBeInstanceOf(InputRejected);
    expect((error as InputRejected).fieldErrors[0]!.path).toEqual(['handle']);
    expect(seen).toHaveLength(0);
  });

  it('reads the process id of a 202 from the x-process-id header', async () => {
    answer(202, undefined, { 'x-process-id': '4711' });
    await expect(client.updateContact('h-001', { city: 'Gent' })).resolves.toEqual({ async: true, processId: '4711' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ city: 'Gent' });
    expect(new URL(seen[0]!.url, 'http://x').pathname).toBe('/v2/customers/acme/contacts/h-001/update');
  });

  it('reads the process id from the body when the header is missing', async () => {
    answer(202, { processId: 99 });
    await expect(client.updateContact('h-001', { city: 'Gent' })).resolves.toEqual({ async: true, processId: '99' });
  });

  it('answers null for a contact the provider does not have', async () => {
    answer(404, { type: 'ObjectDoesNotExist', message: 'Contact h-404 does not exist' });
    await expect(client.getContact('h-404')).resolves.toBeNull();
  });
});

describe('RealtimeRegisterClient error mapping', () => {
  it('maps a constraint violation to InputRejected with paths into the gateway input', async () => {
    answer(400, { type: 'ConstraintViolationException', message: 'x', violations: [{ field: 'voice', message: 'bad' }, { field: 'addressLine[0]', message: 'empty' }] });
    const error = (await failureOf(client.updateContact('h-001', { voice: '31' }))) as InputRejected;
    expect(error).toBeInstanceOf(InputRejected);
    expect(error.fieldErrors.map((problem) => problem.path)).toEqual([['voice'], ['addressLines', '0']]);
  });

  it('points a ValidationError about evidence at the verifications', async () => {
    answer(400, { type: 'ValidationError', message: 'Invalid verification 0' });
    const error = (await failureOf(client.updateContact('h-001', { verifications: [verification] }))) as InputRejected;
    expect(error.fieldErrors).toEqual([expect.objectContaining({ path: ['verifications'], message: 'Realtime Register: Invalid verification 0' })]);
  });

  it.each([
    [401, 'AuthenticationFailed', 'AUTH', false],
    [403, 'AuthorizationFailed', 'AUTH', false],
    [500, 'InternalServerError', 'ERROR', true],
    [502, undefined, 'UNAVAILABLE', true],
    [400, 'InsufficientCreditException', 'ERROR', false],
  ])('maps HTTP %i %s to ProviderFailure %s (retryable %s)', async (status, type, kind, retryable) => {
    answer(status, type ? { type, message: 'no' } : undefined);
    const error = (await failureOf(client.updateContact('h-001', { city: 'Gent' }))) as ProviderFailure;
    expect(error).toBeInstanceOf(ProviderFailure);
    expect({ kind: error.kind, retryable: error.retryable, httpStatus: error.httpStatus, code: error.code }).toEqual({ kind, retryable, httpStatus: status, code: type ?? null });
    expect(error.message).not.toContain('test-key');
  });

  it('maps 429 to a retryable RATE_LIMITED failure honouring Retry-After', async () => {
    answer(429, { type: 'RateLimitExceeded', message: 'slow down' }, { 'retry-after': '7' });
    const error = (await failureOf(client.getContact('h-001'))) as ProviderFailure;
    expect({ kind: error.kind, retryable: error.retryable, retryAfterSeconds: error.retryAfterSeconds }).toEqual({ kind: 'RATE_LIMITED', retryable: true, retryAfterSeconds: 7 });
  });

  it('maps ProviderUnavailable to UNAVAILABLE naming the maintenance window and waiting until its end', async () => {
    const end = new Date(Date.now() + 600_000).toISOString();
    answer(503, { type: 'ProviderUnavailable', message: 'maintenance', startDate: '2026-01-01T00:00:00Z', endDate: end });
    const error = (await failureOf(client.getContact('h-001'))) as ProviderFailure;
    expect(error.kind).toBe('UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`until ${end}`);
    expect(error.retryAfterSeconds).toBeGreaterThan(590);
  });

  it('reads the maintenance window in any ISO 8601 spelling, and names none it cannot read', async () => {
    const endsAt = new Date(Date.now() + 600_000);
    const basic = endsAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    answer(503, { type: 'ProviderUnavailable', message: 'maintenance', startDate: '20260101T000000Z', endDate: basic });
    const error = (await failureOf(client.getContact('h-001'))) as ProviderFailure;
    expect(error.retryAfterSeconds).toBeGreaterThan(590);
    expect(error.message).toContain('from 2026-01-01T00:00:00.000Z until');
    answer(503, { type: 'ProviderUnavailable', message: 'maintenance', startDate: 'call 0800-123456789 now', endDate: 'soon' });
    const unreadable = (await failureOf(client.getContact('h-001'))) as ProviderFailure;
    expect(unreadable.message).toBe('Realtime Register is unavailable.');
    expect(unreadable.retryAfterSeconds).toBeNull();
  });

  it('maps 404 on a write to NotFound and 409 to Conflict', async () => {
    answer(404, { type: 'ObjectDoesNotExist', message: 'Contact h-404 does not exist' });
    expect(await failureOf(client.updateContact('h-404', { city: 'Gent' }))).toBeInstanceOf(NotFound);
    answer(409, { type: 'ObjectExists', message: 'Contact exists' });
    const draft = { handle: 'h-001', name: 'A', addressLines: ['x'], postalCode: '1', city: 'c', country: 'NL', email: 'a@b.nl', voice: '+31.1' };
    expect(await failureOf(client.createContact(draft))).toBeInstanceOf(Conflict);
  });

  it('treats a cut-off 200 body as a retryable provider error', async () => {
    next = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"entities":[{"hand' };
    const error = (await failureOf(client.listContacts({ handles: ['h-001'] }))) as ProviderFailure;
    expect({ kind: error.kind, retryable: error.retryable }).toEqual({ kind: 'ERROR', retryable: true });
  });
});

describe('RealtimeRegisterClient and both error vocabularies', () => {
  it.each([
    [400, 'the errors page'],
    [404, 'the API spec'],
  ])('reads ObjectDoesNotExist with HTTP %i (%s) on a contact read as no such contact', async (status) => {
    answer(status, { type: 'ObjectDoesNotExist', message: 'Contact h-x does not exist' });
    await expect(client.getContact('h-xyz')).resolves.toBeNull();
  });

  it.each([
    [400, 'ObjectDoesNotExist', NotFound],
    [404, 'ObjectDoesNotExist', NotFound],
    [400, 'ObjectExists', Conflict],
    [409, 'ObjectExists', Conflict],
  ])('maps HTTP %i %s on a write to the same domain error in either vocabulary', async (status, type, kind) => {
    answer(status, { type, message: 'no' });
    expect(await failureOf(client.updateContact('h-001', { city: 'Gent' }))).toBeInstanceOf(kind);
  });

  it.each([
    [401, 'AuthenticationError'],
    [401, 'AuthenticationFailed'],
    [403, 'AuthorizationError'],
    [403, 'AuthorizationFailed'],
  ])('maps HTTP %i %s to AUTH, whichever list the type name comes from', async (status, type) => {
    answer(status, { type, message: 'no' });
    expect(await failureOf(client.updateContact('h-001', { city: 'Gent' }))).toMatchObject({ kind: 'AUTH', retryable: false });
  });

  it.each([
    [429, 'TooManyRequests'],
    [429, 'RateLimitExceeded'],
  ])('maps HTTP %i %s to a retryable RATE_LIMITED failure', async (status, type) => {
    answer(status, { type, message: 'slow down' });
    expect(await failureOf(client.getContact('h-001'))).toMatchObject({ kind: 'RATE_LIMITED', retryable: true });
  });

  it.each([
    ['an HTML page from a proxy', '<html><body>404 Not Found</body></html>', 'text/html'],
    ['an empty body', '', 'text/plain'],
    ['another type (an unknown endpoint)', JSON.stringify({ type: 'NotFound', message: 'No such endpoint' }), 'application/json'],
  ])('never reads a 404 that does not say ObjectDoesNotExist (%s) as "no such object"', async (_what, body, contentType) => {
    next = { status: 404, headers: { 'content-type': contentType }, body };
    for (const call of [client.getContact('h-001'), client.getProcess('79'), client.getNotification(5), client.listContacts({ handles: ['h-001'] }), client.updateContact('h-001', { city: 'Gent' })]) {
      const error = await failureOf(call);
      expect(error).toBeInstanceOf(ProviderFailure);
      expect(error).toMatchObject({ kind: 'ERROR', httpStatus: 404, retryable: false });
    }
  });

  it('answers null for a notification the provider does not have, in either vocabulary', async () => {
    answer(400, { type: 'ObjectDoesNotExist', message: 'Notification 5 does not exist' });
    await expect(client.getNotification(5)).resolves.toBeNull();
    answer(404, { type: 'ObjectDoesNotExist', message: 'Notification 5 does not exist' });
    await expect(client.getNotification(5)).resolves.toBeNull();
  });

  it('decides by the HTTP status before the type: a 500 calling itself ObjectDoesNotExist is a server error', async () => {
    answer(500, { type: 'ObjectDoesNotExist', message: 'confused' });
    expect(await failureOf(client.getContact('h-001'))).toMatchObject({ kind: 'ERROR', retryable: true, httpStatus: 500 });
  });

  it('turns a ContactUpdateValidationError into one field error per entry of its errors map', async () => {
    answer(400, { type: 'ContactUpdateValidationError', message: 'Contact update validation failed', errors: { voice: 'invalid phone number', 'addressLine[1]': 'too long' } });
    const error = (await failureOf(client.updateContact('h-001', { voice: '31' }))) as InputRejected;
    expect(error).toBeInstanceOf(InputRejected);
    expect(error.fieldErrors).toEqual([
      expect.objectContaining({ path: ['voice'], code: 'INVALID_VALUE', message: 'Realtime Register: invalid phone number' }),
      expect.objectContaining({ path: ['addressLines', '1'], message: 'Realtime Register: too long' }),
    ]);
  });

  it('scrubs the field names of its errors map like its messages and its violations\' fields: an ID number there does not reach the answer', async () => {
    const numbers = ['49912319999', '499 1231 9999'] as const;
    answer(400, { type: 'ContactUpdateValidationError', message: 'x', errors: { [`customField.${numbers[0]}`]: 'bad', [numbers[1]]: 'bad' } });
    const error = (await failureOf(client.updateContact('h-001', { city: 'x' }))) as InputRejected;
    const answered = JSON.stringify({ message: error.message, fieldErrors: error.fieldErrors });
    expect(error.fieldErrors.map((fieldError) => fieldError.path[0])).toEqual(['customField', 'redacted']);
    expect(numbers.filter((number) => answered.includes(number))).toEqual([]);
  });

  it('points an UnrecognizedPropertyException at the field named in its property', async () => {
    answer(400, { type: 'UnrecognizedPropertyException', message: 'Unrecognized field "addressLine"', property: 'addressLine' });
    const error = (await failureOf(client.updateContact('h-001', { addressLines: ['Main Street 1'] }))) as InputRejected;
    expect(error).toBeInstanceOf(InputRejected);
    expect(error.fieldErrors).toEqual([expect.objectContaining({ path: ['addressLines'], message: 'Realtime Register: Unrecognized field "addressLine"' })]);
  });

  it('bounds the field errors it takes from one answer', async () => {
    const errors = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field${i}`, 'bad']));
    answer(400, { type: 'ContactUpdateValidationError', message: 'x', errors });
    const error = (await failureOf(client.updateContact('h-001', { city: 'x' }))) as InputRejected;
    expect(error.fieldErrors).toHaveLength(50);
  });
});

describe('RealtimeRegisterClient and stored values outside the vocabulary', () => {
  const contact = (verifications: object[]) => ({ handle: 'h-001', name: 'A', verifications });
  const good = { verificationDate: '2026-04-16T00:00:00Z', externalId: 'kyc-1', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] };

  it('leaves out an item with an unknown proof or method and an unknown claim, keeping the rest, and counts each', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
    const counted = createMetrics();
    const http = new ProviderHttp({ provider: 'REALTIME_REGISTER', baseUrl: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`, metrics: counted, maxRetries: 0 });
    https.push(http);
    const drifting = new RealtimeRegisterClient(
      { apiKey: 'k', customer: 'acme', baseUrl: 'http://unused', webhookSecret: null, pollIntervalMs: 1000 },
      { http, stores, logger, metrics: counted },
    );
    answer(200, contact([good, { ...good, externalId: 'kyc-2', proof: 'HANDSHAKE' }, { ...good, externalId: 'kyc-3', method: 'TELEPATHY' }, { ...good, externalId: 'kyc-4', claims: ['NAME', 'SHOE_SIZE'] }]));
    const read = await drifting.getContact('h-001');
    expect(read?.verifications.map((item) => [item.externalId, item.claims])).toEqual([
      ['kyc-1', ['NAME', 'ADDRESS']],
      ['kyc-4', ['NAME']],
    ]);
    // Read again: counted again, logged once per value.
    await drifting.getContact('h-001');
    const metric = await counted.registry.getSingleMetricAsString('gateway_rtr_unknown_values_total');
    expect(metric).toContain('field="proof"} 2');
    expect(metric).toContain('field="method"} 2');
    expect(metric).toContain('field="claim"} 2');
    expect(lines.filter((line) => line.includes('HANDSHAKE'))).toHaveLength(1);
  });

  it('logs a drifted value without an ID number in it, whole or in groups (the item is whatever its writer stored)', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
    const http = new ProviderHttp({ provider: 'REALTIME_REGISTER', baseUrl: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`, metrics, maxRetries: 0 });
    https.push(http);
    const drifting = new RealtimeRegisterClient({ apiKey: 'k', customer: 'acme', baseUrl: 'http://unused', webhookSecret: null, pollIntervalMs: 1000 }, { http, stores, logger });
    const numbers = ['49912319999', '499 1231 9999', '499-123-199-99'];
    answer(200, contact([{ ...good, verificationDate: numbers[0] }, { ...good, proof: `ID ${numbers[1]}` }, { ...good, claims: [`ID_${numbers[2]}`] }]));
    expect((await drifting.getContact('h-001'))?.verifications).toEqual([]);
    const log = lines.join('');
    expect(log).toContain('"value":"ID [redacted]"');
    expect(numbers.filter((number) => log.includes(number))).toEqual([]);
  });

  it('never fails a list read over one drifted item', async () => {
    answer(200, { entities: [contact([{ ...good, proof: 'HANDSHAKE' }]), { handle: 'h-002', verifications: [good] }], pagination: { limit: 2, offset: 0 } });
    const page = await client.listContacts({ handles: ['h-001', 'h-002'] });
    expect(page.contacts.map((found) => [found.handle, found.verifications.length])).toEqual([
      ['h-001', 0],
      ['h-002', 1],
    ]);
  });
});

describe('RealtimeRegisterClient and answers the document allows but our simulator never sends', () => {
  it('reads a contact whose text fields come as other JSON types and whose address is one string, instead of failing', async () => {
    answer(200, { handle: 'h-001', name: 42, organization: null, addressLine: 'Main Street 1', postalCode: 3511, city: { nl: 'Utrecht' }, country: 'NL', customer: ['x'], extra: { a: 1 } });
    await expect(client.getContact('h-001')).resolves.toMatchObject({ handle: 'h-001', customer: 'acme', name: '42', organization: null, addressLines: ['Main Street 1'], postalCode: '3511', city: null, country: 'NL' });
    answer(200, { handle: 'h-001', addressLine: [null, 'Main Street 1', '', 7, { x: 1 }] });
    await expect(client.getContact('h-001')).resolves.toMatchObject({ addressLines: ['Main Street 1', '7'] });
  });

  it.each([
    ['a null entity', [null, { handle: 'h-001' }]],
    ['a string entity', ['h-001']],
    ['an entity without a handle', [{ name: 'Ann' }]],
  ])('reports a list whose entities are not contacts (%s) as an unreadable answer, never as contacts missing', async (_what, entities) => {
    answer(200, { entities, pagination: { limit: 2, offset: 0 } });
    expect(await failureOf(client.listContacts({ handles: ['h-001', 'h-002'] }))).toMatchObject({ kind: 'ERROR', retryable: true, message: expect.stringContaining('unreadable') });
    next = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(entities[0] ?? null) };
    expect(await failureOf(client.getContact('h-001'))).toMatchObject({ kind: 'ERROR', retryable: true });
  });

  it('reads a poll answer without a readable count by its notification, and calls anything but an object unreadable', async () => {
    answer(200, { notification: { id: 12, message: 'x' } });
    await expect(client.pollNotification()).resolves.toEqual({ count: null, notification: { id: 12, message: 'x' } });
    answer(200, { count: '0' });
    await expect(client.pollNotification()).resolves.toEqual({ count: 0, notification: null });
    next = { status: 200, headers: { 'content-type': 'application/json' }, body: 'null' };
    expect(await failureOf(client.pollNotification())).toMatchObject({ kind: 'ERROR', retryable: true, message: expect.stringContaining('unreadable') });
  });

  it('reads pagination numbers written as strings, and a pagination without limit or total', async () => {
    answer(200, { entities: [{ handle: 'h-001' }], pagination: { limit: '1', offset: '0', total: '5' } });
    await expect(client.listContacts({ handles: ['h-001', 'h-002'] })).resolves.toMatchObject({ limit: 1, offset: 0, total: 5 });
    answer(200, { entities: [], pagination: {} });
    await expect(client.listContacts({ handles: ['h-001'], offset: 3 })).resolves.toEqual({ contacts: [], limit: 0, offset: 3, total: null });
  });
});

describe('RealtimeRegisterClient processes and validation', () => {
  it('reads a process and what its status means', async () => {
    answer(200, { id: 77, status: 'RUNNING', type: 'contact', createdDate: '2026-01-01T00:00:00Z' });
    await expect(client.getProcess('77')).resolves.toEqual({ id: '77', status: 'RUNNING', outcome: 'PENDING', reason: null });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/v2/processes/77', authorization: 'ApiKey test-key' });
    answer(200, { id: 77, status: 'FAILED', statusDetail: 'registry said no', error: { message: 'The registry refused the data' } });
    await expect(client.getProcess('77')).resolves.toMatchObject({ outcome: 'FAILED', reason: 'The registry refused the data' });
  });

  it('answers null for a process the provider does not know, in either vocabulary', async () => {
    answer(404, { type: 'ObjectDoesNotExist', message: 'no' });
    await expect(client.getProcess('78')).resolves.toBeNull();
    answer(400, { type: 'ObjectDoesNotExist', message: 'no' });
    await expect(client.getProcess('78')).resolves.toBeNull();
  });

  it('asks about a process whose id is not a number (the document gives the id no form) as one path segment', async () => {
    answer(200, { id: 'a1b2-c3d4', status: 'COMPLETED' });
    await expect(client.getProcess('a1b2-c3d4')).resolves.toMatchObject({ id: 'a1b2-c3d4', outcome: 'COMPLETED' });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/v2/processes/a1b2-c3d4' });
  });

  it('refuses a process id that could leave its path segment without calling the provider', async () => {
    for (const id of ['../contacts', '..', '.', 'a/b', 'a?b', 'a%2Fb', '', 'x'.repeat(65)]) {
      expect(await failureOf(client.getProcess(id)), id).toBeInstanceOf(InputRejected);
    }
    expect(seen).toHaveLength(0);
  });

  it('asks for the holder\'s validation with the categories in the body', async () => {
    answer(200, undefined, { 'x-process-id': '901' });
    await expect(client.validateContact('h-001', { customer: 'reseller-1' })).resolves.toEqual({ async: false, processId: '901' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v2/customers/reseller-1/contacts/h-001/validate' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ categories: [...EMAIL_VALIDATION_CATEGORIES] });
  });
});

describe('RealtimeRegisterClient against the simulator', () => {
  const simulator = new RealtimeRegisterSimulator({ gatewayUrl: () => null, asyncShare: 0, seedDenicRequests: 2, contactCount: 20 });
  let sim: RealtimeRegisterClient;
  beforeAll(async () => {
    await simulator.start();
    const endpoint = simulator.endpoint();
    sim = new RealtimeRegisterClient(
      { ...endpoint, pollIntervalMs: 1000 },
      { http: new ProviderHttp({ provider: 'REALTIME_REGISTER', baseUrl: endpoint.baseUrl, metrics, maxRetries: 0 }), stores, logger: silentLogger() },
    );
  });
  afterAll(() => simulator.stop());

  it('polls the same notification until it is acked, then the next', async () => {
    const first = await sim.pollNotification();
    expect(first.count).toBe(2);
    expect((await sim.pollNotification()).notification?.id).toBe(first.notification?.id);
    await sim.ackNotification(first.notification!.id);
    const second = await sim.pollNotification();
    expect(second.count).toBe(1);
    expect(second.notification?.id).not.toBe(first.notification?.id);
  });

  it('is refused with AUTH when the API key is wrong', async () => {
    const wrong = clientFor(simulator.endpoint().baseUrl, 'not-the-key');
    const error = (await failureOf(wrong.getContact('rtr-0001', { customer: 'sandbox' }))) as ProviderFailure;
    expect(error.kind).toBe('AUTH');
  });
});
