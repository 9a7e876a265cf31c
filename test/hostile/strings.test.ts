import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { denicNotification, freshNotificationId, postRtrWebhook } from '../integration/events-support.js';
import { afterStartupSweep, AttackLog, bearer, codesOf, globalId, postGraphQL } from './support.js';

/**
 * Handles that are path segments in disguise (`.`, `..`) and strings carrying control characters, sent through every
 * input that reaches a provider. Each is refused as bad input, and the simulators see none of them: the count of
 * caller-driven upstream requests does not move.
 */
const KEY = 'strings-key-0000001';
const log = new AttackLog();
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000', VERIFF_REGISTRY_MODE: 'sync' } });
  await afterStartupSweep(gw);
});

afterAll(async () => {
  await gw.stop();
});

/** Requests a caller can cause at any simulator (the notification poller and the Openprovider login are background). */
function callerRequests(): number {
  const sandbox = gw.sandbox!;
  return [sandbox.realtimeRegister, sandbox.openprovider, sandbox.domainNameApi, sandbox.veriff]
    .flatMap((simulator) => simulator.server.requests)
    .filter((request) => !request.path.includes('/notifications') && !request.path.endsWith('/auth/login')).length;
}

const ask = (label: string, query: string, variables?: Record<string, unknown>) => postGraphQL(gw, log, label, { query, variables }, bearer(KEY));

/** A top-level BAD_USER_INPUT, or an InputError returned by the mutation. */
function refusedAsInput(reply: { json: any }): boolean {
  const codes = codesOf(reply as never);
  if (codes.length) return codes.every((code) => code === 'BAD_USER_INPUT');
  const result = reply.json.data && Object.values(reply.json.data)[0];
  return (result as { __typename?: string } | undefined)?.__typename === 'InputError';
}

const DOT_HANDLES = ['.', '..', '...', '....'];
const PROVIDERS = ['REALTIME_REGISTER', 'OPENPROVIDER', 'DOMAIN_NAME_API'];

describe('dot-only handles', () => {
  it.each(PROVIDERS)('are refused for %s contacts, one by one and in lists, with no upstream request', async (provider) => {
    const before = callerRequests();
    for (const handle of DOT_HANDLES) {
      const one = await ask(`contact ${provider} ${handle}`, 'query C($p: Provider!, $h: String!) { contact(provider: $p, handle: $h) { handle } }', { p: provider, h: handle });
      expect(refusedAsInput(one), `${provider} ${handle}`).toBe(true);
    }
    const many = await ask(`contacts ${provider} dots`, 'query C($p: Provider!, $h: [String!]!) { contacts(provider: $p, handles: $h) { handle } }', { p: provider, h: DOT_HANDLES });
    // Each rejected handle is null in its own slot, with BAD_USER_INPUT at its index; nothing of it is returned.
    expect(many.json.data.contacts).toEqual(DOT_HANDLES.map(() => null));
    expect(many.json.errors.map((error: { path: unknown[] }) => error.path)).toEqual(DOT_HANDLES.map((_handle, index) => ['contacts', index]));
    expect(refusedAsInput(many)).toBe(true);
    expect(callerRequests()).toBe(before);
  });

  it('are refused as a Realtime Register customer, an email filter handle and a resend handle', async () => {
    const before = callerRequests();
    const replies = [
      await ask('rtr customer ..', '{ contact(provider: REALTIME_REGISTER, handle: "rtr-0001", customer: "...") { handle } }'),
      await ask('email filter handle ..', '{ emailVerifications(filter: { handle: ".." }) { totalCount } }'),
      await ask('resend openprovider ..', 'mutation { resendEmailVerification(input: { provider: OPENPROVIDER, handle: ".." }) { __typename } }'),
      await ask('resend domain name api .', 'mutation { resendEmailVerification(input: { provider: DOMAIN_NAME_API, handle: "." }) { __typename } }'),
      await ask('submit rtr ...', `mutation { submitContactVerification(input: { handle: "...", verifications: [
        { verifiedAt: "2025-01-01T00:00:00Z", externalId: "x", method: REACHABILITY, proof: LOG_RECORD, claims: [EMAIL] }] }) { __typename } }`),
    ];
    for (const reply of replies) expect(refusedAsInput(reply), JSON.stringify(reply.json)).toBe(true);
    expect(callerRequests()).toBe(before);
  });

  it('sent by the provider (a DENIC request naming customer "..") are its bad data: PROVIDER_ERROR on the contact, not BAD_USER_INPUT', async () => {
    const notification = { ...denicNotification(freshNotificationId(), 'rtr-0042'), customer: '..' };
    expect((await postRtrWebhook(gw, JSON.stringify(notification))).status).toBe(200);
    const before = callerRequests();
    const reply = await ask('a request whose provider-sent customer is ..', '{ verificationRequests(filter: { contactHandle: "rtr-0042" }) { edges { node { customer contact { handle } } } } }');
    expect(reply.json.data.verificationRequests.edges).toEqual([{ node: { customer: '..', contact: null } }]);
    expect(reply.json.errors.map((error: any) => [error.extensions.code, error.extensions.provider, error.path.join('.')])).toEqual([
      ['PROVIDER_ERROR', 'REALTIME_REGISTER', 'verificationRequests.edges.0.node.contact'],
    ]);
    expect(reply.json.errors[0].message).toMatch(/Realtime Register sent a contact customer the gateway cannot use/);
    expect(callerRequests()).toBe(before);
  });
});

/** A new contact's input: valid but for `patch`. */
const contact = (patch: Record<string, unknown>) => ({
  handle: 'strings-new-1',
  name: 'Nina Novak',
  addressLines: ['Kade 1'],
  postalCode: '1011 AB',
  city: 'Amsterdam',
  country: 'NL',
  email: 'nina@example.com',
  voice: '+31.201234567',
  ...patch,
});

describe('control characters in strings sent upstream', () => {
  const attacks: [string, string, Record<string, unknown>][] = [
    ['NUL in an email filter', 'query E($e: String) { emailVerifications(filter: { email: $e }) { totalCount } }', { e: 'ann\u0000@example.com' }],
    ['a line break in an email filter', 'query E($e: String) { emailVerifications(filter: { email: $e }) { totalCount } }', { e: 'ann@example.com\r\nX-Injected: 1' }],
    ['a right-to-left override in an email filter', 'query E($e: String) { emailVerifications(filter: { email: $e }) { totalCount } }', { e: 'ann\u202e@example.com' }],
    ['a zero-width space in a resend email', 'mutation R($e: String) { resendEmailVerification(input: { provider: OPENPROVIDER, email: $e }) { __typename } }', { e: 'ann@exa\u200bmple.com' }],
    ['NUL in a resend email', 'mutation R($e: String) { resendEmailVerification(input: { provider: DOMAIN_NAME_API, email: $e }) { __typename } }', { e: 'ann@exa\u0000mple.com' }],
    ['ESC in a resend language', 'mutation R($l: String) { resendEmailVerification(input: { provider: OPENPROVIDER, email: "ann@example.com", language: $l }) { __typename } }', { l: 'e\u001bn' }],
    // Fields a provider has no use for were ignored unchecked, so a NUL in them went through to a resend that was sent.
    ['NUL in a Realtime Register resend language', 'mutation R($l: String) { resendEmailVerification(input: { provider: REALTIME_REGISTER, handle: "rtr-0031", language: $l }) { __typename } }', { l: 'e\u0000n' }],
    ['a line break in an Openprovider resend customer', 'mutation R($c: String) { resendEmailVerification(input: { provider: OPENPROVIDER, handle: "OP000003-NL", customer: $c }) { __typename } }', { c: 'acme\r\nX' }],
    ['ESC in a Domain Name API resend customer', 'mutation R($c: String) { resendEmailVerification(input: { provider: DOMAIN_NAME_API, handle: "DNA-1003", customer: $c }) { __typename } }', { c: 'ac\u001bme' }],
    ['NUL in a new contact name', 'mutation C($i: CreateContactInput!) { createContact(input: $i) { __typename } }', { i: contact({ name: 'Nina\u0000Novak' }) }],
    ['a line break in an address line', 'mutation C($i: CreateContactInput!) { createContact(input: $i) { __typename } }', { i: contact({ addressLines: ['Kade 1\nDELETE'] }) }],
    ['a lone surrogate in a city', 'mutation C($i: CreateContactInput!) { createContact(input: $i) { __typename } }', { i: contact({ city: 'Amster\ud800dam' }) }],
    ['DEL in an organization', 'mutation C($i: CreateContactInput!) { createContact(input: $i) { __typename } }', { i: contact({ organization: 'Acme\u007f' }) }],
    [
      'a C1 control in an evidence id',
      'mutation S($v: [ContactVerificationInput!]!) { submitContactVerification(input: { handle: "rtr-0001", verifications: $v }) { __typename } }',
      { v: [{ verifiedAt: '2025-01-01T00:00:00Z', externalId: 'x\u0085y', method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL'] }] },
    ],
    ['NUL in a registry name', 'mutation V($i: ValidateRegistryInput!) { validateRegistry(input: $i) { __typename } }', { i: { idNumber: '38001085710', fullName: 'Ann\u0000Lee', dateOfBirth: '1980-01-08' } }],
    ['a tab in vendor data', 'mutation V($i: ValidateRegistryInput!) { validateRegistry(input: $i) { __typename } }', { i: { idNumber: '38001085710', fullName: 'Ann Lee', dateOfBirth: '1980-01-08', vendorData: 'a\tb' } }],
  ];

  // An email verification's node id is provider:email:domain; its parts were checked once trimmed but sent as given,
  // so a line break or a tab around them reached Openprovider's query string (and each spelling was another call).
  const NODE = 'query N($id: ID!) { node(id: $id) { id } }';
  const emailRowId = (key: string) => ({ id: globalId('EmailVerification', key) });
  attacks.push(
    ['a line break after the address of an email verification id', NODE, emailRowId('OPENPROVIDER:shared.registrant@example.com\n:')],
    ['a carriage return after the domain of an email verification id', NODE, emailRowId('OPENPROVIDER:shared.registrant@example.com:example.com\r\n')],
    ['a tab before the address of an email verification id', NODE, emailRowId('DOMAIN_NAME_API:\tann@example.com:')],
    ['a space before the address of an email verification id', NODE, emailRowId('OPENPROVIDER: shared.registrant@example.com:')],
  );

  it.each(attacks)('refuses %s as bad input, with no upstream request', async (label, query, variables) => {
    const before = callerRequests();
    const reply = await ask(label, query, variables);
    expect(reply.status).toBeLessThan(500);
    expect(refusedAsInput(reply), JSON.stringify(reply.json)).toBe(true);
    expect(callerRequests()).toBe(before);
  });

  // Long text: the body limit (100 KB) was the only bound on what a provider received in a name or an ID number.
  const long = (length: number) => 'a'.repeat(length);
  const overlong: [string, string, Record<string, unknown>][] = [
    ['a 256-character contact name', 'mutation C($i: CreateContactInput!) { createContact(input: $i) { __typename } }', { i: contact({ name: long(256) }) }],
    ['a 50,000-character address line', 'mutation C($i: CreateContactInput!) { createContact(input: $i) { __typename } }', { i: contact({ addressLines: [long(50_000)] }) }],
    ['a 50,000-character ID number', 'mutation V($i: ValidateRegistryInput!) { validateRegistry(input: $i) { __typename } }', { i: { idNumber: `3${'8'.repeat(49_999)}`, fullName: 'Ann Lee', dateOfBirth: '1980-01-08' } }],
    ['a 1,001-character registry name', 'mutation V($i: ValidateRegistryInput!) { validateRegistry(input: $i) { __typename } }', { i: { idNumber: '38001085710', fullName: long(1_001), dateOfBirth: '1980-01-08' } }],
    ['a 1,001-character street', 'mutation V($i: ValidateRegistryInput!) { validateRegistry(input: $i) { __typename } }', { i: { idNumber: '38001085710', fullName: 'Ann Lee', address: { street: long(1_001), houseNumber: '1', postcode: '1011' } } }],
  ];

  it.each(overlong)('refuses %s as bad input (TOO_LONG), with no upstream request', async (label, query, variables) => {
    const before = callerRequests();
    const reply = await ask(label, `${query.replace('{ __typename }', '{ __typename ... on InputError { fieldErrors { code } } }')}`, variables);
    expect(reply.status).toBeLessThan(500);
    expect(Object.values(reply.json.data ?? {})[0], JSON.stringify(reply.json).slice(0, 300)).toMatchObject({ __typename: 'InputError', fieldErrors: [{ code: 'TOO_LONG' }] });
    expect(callerRequests()).toBe(before);
  });

  it('still lets clean text through to the provider', async () => {
    const before = callerRequests();
    const reply = await ask('clean email filter', '{ emailVerifications(filter: { email: "shared.registrant@example.com" }) { totalCount } }');
    expect(reply.json.errors).toBeUndefined();
    expect(callerRequests()).toBeGreaterThan(before);
  });
});

describe('bidi controls and invisible characters in strings sent upstream (Trojan-source style spoofing)', () => {
  const CREATE = 'mutation C($i: CreateContactInput!) { createContact(input: $i) { __typename ... on InputError { fieldErrors { path code message } } ... on CreateContactSuccess { contact { name } } } }';
  const VALIDATE = 'mutation V($i: ValidateRegistryInput!) { validateRegistry(input: $i) { __typename ... on InputError { fieldErrors { path code message } } } }';
  const attacks: [string, string, Record<string, unknown>][] = [
    ['a right-to-left override in a contact name', CREATE, { i: contact({ name: 'Nina \u202eakvoN' }) }],
    ['a left-to-right embedding in an organization', CREATE, { i: contact({ organization: '\u202aAcme' }) }],
    ['a pop directional formatting in an address line', CREATE, { i: contact({ addressLines: ['Kade 1\u202c'] }) }],
    ['a first-strong isolate in a city', CREATE, { i: contact({ city: '\u2068Amsterdam' }) }],
    ['a pop directional isolate in a postal code', CREATE, { i: contact({ postalCode: '1011 AB\u2069' }) }],
    ['a zero-width space in a registry name', VALIDATE, { i: { idNumber: '38001085710', fullName: 'Ann\u200bLee', dateOfBirth: '1980-01-08' } }],
    ['a byte-order mark in a registry street', VALIDATE, { i: { idNumber: '38001085710', fullName: 'Ann Lee', address: { street: '\ufeffMain', houseNumber: '1', postcode: '1011' } } }],
    [
      'a right-to-left isolate in an evidence id',
      'mutation S($v: [ContactVerificationInput!]!) { submitContactVerification(input: { handle: "rtr-0001", verifications: $v }) { __typename ... on InputError { fieldErrors { path code message } } } }',
      { v: [{ verifiedAt: '2025-01-01T00:00:00Z', externalId: 'kyc-\u2067-1', method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL'] }] },
    ],
  ];

  it.each(attacks)('refuses %s with a field error naming the characters, with no upstream request', async (label, query, variables) => {
    const before = callerRequests();
    const reply = await ask(label, query, variables);
    expect(reply.status).toBeLessThan(500);
    const result = Object.values(reply.json.data ?? {})[0] as { __typename: string; fieldErrors?: { code: string; message: string }[] };
    expect(result?.__typename, JSON.stringify(reply.json)).toBe('InputError');
    expect(result.fieldErrors).toEqual([expect.objectContaining({ code: 'INVALID_FORMAT', message: expect.stringMatching(/must not contain bidi controls, zero-width spaces or byte-order marks/) })]);
    expect(callerRequests()).toBe(before);
  });

  it('still sends ZWNJ, ZWJ and the right-to-left mark, which scripts need', async () => {
    const before = callerRequests();
    const name = 'Mi\u200cnoo \u200d\u200fNovak';
    const reply = await ask('ZWNJ, ZWJ and RLM in a contact name', CREATE, { i: contact({ handle: 'strings-zwnj-1', name }) });
    expect(reply.json.data?.createContact, JSON.stringify(reply.json)).toMatchObject({ __typename: 'CreateContactSuccess' });
    expect(callerRequests()).toBeGreaterThan(before);
  });
});

describe('after every attack', () => {
  it('saw 0 server errors, and no simulator request with a dot-only path segment or a control character', () => {
    expect(log.serverErrors()).toEqual([]);
    const sandbox = gw.sandbox!;
    const requests = [sandbox.realtimeRegister, sandbox.openprovider, sandbox.domainNameApi, sandbox.veriff].flatMap((simulator) => simulator.server.requests);
    const paths = requests.map((request) => request.path);
    expect(paths.filter((path) => path.split('/').some((segment) => /^\.+$/.test(decodeURIComponent(segment))) || /[\u0000-\u001f]/.test(decodeURIComponent(path)))).toEqual([]);
    // The query string too (the simulator records it decoded): no value with a control character or surrounding space.
    const values = requests.flatMap((request) => Object.values(request.query));
    expect(values.filter((value) => /[\u0000-\u001f]/.test(value) || value !== value.trim())).toEqual([]);
  });
});
