import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerificationRequest } from '../../src/domain/verification-request.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { denicNotification, freshNotificationId, postRtrWebhook } from '../integration/events-support.js';
import { afterStartupSweep, AttackLog, bearer, codesOf, globalId, postGraphQL, wsClient } from './support.js';

/**
 * Keys with one scope each try every other path to data their scope does not cover: node(id:), nodes(ids:), nested
 * event fields, mutation results, subscriptions. Each attack counts as a bypass if guarded data comes back, and the
 * suite ends with 0 bypasses, 0 server errors and no upstream call made on a refused path.
 */
const KEYS = {
  events: 'hostile-events-key-01',
  registryWrite: 'hostile-regwrite-key-02',
  registryRead: 'hostile-regread-key-03',
  contactsWrite: 'hostile-cwrite-key-04',
  emailWrite: 'hostile-ewrite-key-05',
  admin: 'hostile-admin-key-06',
};
const PERSON_NAME = 'JANE'; // the Veriff simulator echoes the first name in capitals
/** Every stored event, with the guarded data nested in two kinds of them. */
const NESTED_EVENTS_SUBSCRIPTION =
  'subscription { verificationEvents(after: "0-0") { id type ... on RegistryCheckDecidedEvent { registryCheck { person { firstName } } } ... on VerificationSubmittedEvent { verifications { externalId } } } }';

let gw: TestGateway;
const log = new AttackLog();
let registryCheckId: string;
let verificationRequest: VerificationRequest;

/** Every upstream read a caller could drive: contacts at all three providers, email rows, registry checks. */
function upstreamReads(): number {
  const sandbox = gw.sandbox!;
  const openproviderCustomers = sandbox.openprovider.server.requests.filter((request) => /^\/v1beta\/customers\/(?!verifications)[^/]+$/.test(request.path)).length;
  return (
    sandbox.realtimeRegister.server.count('/v2/customers/sandbox/contacts', 'GET') +
    openproviderCustomers +
    sandbox.openprovider.server.count('/v1beta/customers/verifications', 'GET') +
    sandbox.domainNameApi.server.count() +
    sandbox.veriff.server.count()
  );
}

const ask = (label: string, key: string, query: string, variables?: Record<string, unknown>) => postGraphQL(gw, log, label, { query, variables }, bearer(key));

beforeAll(async () => {
  gw = await startTestGateway({
    env: {
      GATEWAY_API_KEYS: [
        `${KEYS.events}:events:read`,
        `${KEYS.registryWrite}:registry:write`,
        `${KEYS.registryRead}:registry:read`,
        `${KEYS.contactsWrite}:contacts:write`,
        `${KEYS.emailWrite}:email:write`,
        `${KEYS.admin}:*`,
      ].join(';'),
      VERIFF_REGISTRY_MODE: 'sync',
      EMAIL_WATCH_INTERVAL_MS: '3600000',
      RATE_LIMIT_PER_MINUTE: '60000',
      RATE_LIMIT_BURST: '5000',
      UPSTREAM_CALLS_PER_MINUTE: '100000',
    },
  });
  await afterStartupSweep(gw);
  // A decided registry check with a person, a submission with evidence, a DENIC request: one event of each kind.
  const validated = await ask('setup validate', KEYS.admin, `mutation { validateRegistry(input: { idNumber: "38001085710", fullName: "Jane Doe", dateOfBirth: "1980-01-08" }) {
    ... on ValidateRegistrySuccess { registryCheck { id person { firstName } } } } }`);
  expect(validated.json.data.validateRegistry.registryCheck.person.firstName).toBe(PERSON_NAME);
  registryCheckId = validated.json.data.validateRegistry.registryCheck.id;
  const submitted = await ask('setup submit', KEYS.admin, `mutation { submitContactVerification(input: { handle: "rtr-0001", verifications: [
    { verifiedAt: "2025-01-01T00:00:00Z", externalId: "hostile-evidence", method: REACHABILITY, proof: LOG_RECORD, claims: [EMAIL] }] }) { __typename } }`);
  expect(submitted.json.data.submitContactVerification.__typename).toBe('SubmitContactVerificationSuccess');
  expect((await postRtrWebhook(gw, JSON.stringify(denicNotification(freshNotificationId(), 'rtr-0002')))).status).toBeLessThan(300);
  const required = await gw.services.verificationRequests.list({ contactHandle: 'rtr-0002' }, { first: 1 });
  verificationRequest = required.items[0]!.node;
  await gw.services.events.record({ type: 'VERIFICATION_REQUEST_CHANGED', provider: 'REALTIME_REGISTER', occurredAt: new Date().toISOString(), contactHandle: 'rtr-0002', request: verificationRequest, previousStatus: 'PROCESSING' });
  await gw.services.events.record({
    type: 'DEADLINE_APPROACHING',
    provider: 'REALTIME_REGISTER',
    occurredAt: new Date().toISOString(),
    contactHandle: 'rtr-0002',
    request: verificationRequest,
    deadlineKind: 'DE_DELEGATION',
    deadline: new Date(Date.now() + 86_400_000).toISOString(),
    remainingSeconds: 86_400,
  });
  const rows = await gw.services.emailVerifications.list({ handle: 'OP000001-NL' }, { first: 1 }, { requestId: 'setup', logger: silentLogger() });
  await gw.services.events.record({ type: 'EMAIL_VERIFICATION_CHANGED', provider: 'OPENPROVIDER', occurredAt: new Date().toISOString(), contactHandle: 'OP000001-NL', emailVerification: rows.items[0]!.node, previousStatus: null });
});

afterAll(async () => {
  await gw.stop();
});

describe('node(id:) and nodes(ids:) apply the read scope of each id, before loading anything', () => {
  it('answers a registry:write key asking nodes(ids:) for a registry check with FORBIDDEN in its slot and no person', async () => {
    for (const key of [KEYS.registryWrite, KEYS.events, KEYS.contactsWrite]) {
      const reply = await ask(`nodes registry check as ${key}`, key, 'query N($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on RegistryCheck { status person { firstName dateOfBirth } } } }', { ids: [registryCheckId] });
      if (reply.text.includes(PERSON_NAME) || reply.json.data?.nodes?.[0] !== null) log.bypass(`nodes RegistryCheck as ${key}`);
      expect(reply.json.data.nodes).toEqual([null]);
      expect(codesOf(reply)).toEqual(['FORBIDDEN']);
      expect(reply.json.errors[0].message).toContain('registry:read');
    }
  });

  it('answers node(id:) the same way for every type the key may not read', async () => {
    const ids = [
      ['RegistryCheck', registryCheckId, KEYS.registryWrite],
      ['Contact', globalId('Contact', 'OPENPROVIDER::OP000001-NL'), KEYS.events],
      ['Contact', globalId('Contact', 'REALTIME_REGISTER:sandbox:rtr-0001'), KEYS.contactsWrite],
      ['VerificationRequest', globalId('VerificationRequest', verificationRequest.id), KEYS.contactsWrite],
      ['EmailVerification', globalId('EmailVerification', 'OPENPROVIDER:someone@example.com:example.com'), KEYS.emailWrite],
    ] as const;
    const before = upstreamReads();
    for (const [type, id, key] of ids) {
      const reply = await ask(`node ${type} as ${key}`, key, 'query N($id: ID!) { node(id: $id) { __typename id } }', { id });
      if (reply.json.data?.node !== null) log.bypass(`node ${type} as ${key}`);
      expect(codesOf(reply)).toEqual(['FORBIDDEN']);
    }
    expect(upstreamReads()).toBe(before);
  });

  it('lets an events:read key neither probe which contact handles exist nor cause a single provider call through nodes(ids:)', async () => {
    const existing = [globalId('Contact', 'OPENPROVIDER::OP000001-NL'), globalId('Contact', 'DOMAIN_NAME_API::DNA-0001'), globalId('Contact', 'REALTIME_REGISTER:sandbox:rtr-0003')];
    const missing = [globalId('Contact', 'OPENPROVIDER::OP999999-NL'), globalId('Contact', 'DOMAIN_NAME_API::NOPE-404'), globalId('Contact', 'REALTIME_REGISTER:sandbox:nobody-here')];
    const manyOpenprovider = Array.from({ length: 90 }, (_, i) => globalId('Contact', `OPENPROVIDER::OP${String(i + 100).padStart(6, '0')}-NL`));
    const before = upstreamReads();
    const probe = async (ids: string[]) => ask('nodes probe as events', KEYS.events, 'query N($ids: [ID!]!) { nodes(ids: $ids) { __typename } }', { ids });
    const seen = await probe(existing);
    const unseen = await probe(missing);
    const flood = await probe(manyOpenprovider);
    // Existing and missing handles answer alike: no __typename, one FORBIDDEN per slot.
    expect(seen.json.data.nodes).toEqual([null, null, null]);
    expect(unseen.json.data.nodes).toEqual([null, null, null]);
    expect(seen.json.errors.map((error: any) => error.message)).toEqual(unseen.json.errors.map((error: any) => error.message));
    expect(new Set(codesOf(flood))).toEqual(new Set(['FORBIDDEN']));
    if (seen.text.includes('"Contact"') || flood.text.includes('"Contact"')) log.bypass('nodes __typename probe as events');
    expect(upstreamReads()).toBe(before);
  });

  it('answers the same id asked by two nodes(ids:) fields of one request alike, for every node type', async () => {
    // Both fields resolve at once; the second found the first one's load still pending in Pothos' request cache and
    // handed graphql-js an object not yet marked with its type ("Abstract type Node must resolve to an Object type").
    const ids = [registryCheckId, globalId('VerificationRequest', verificationRequest.id), globalId('Contact', 'REALTIME_REGISTER:sandbox:rtr-0001')];
    for (const id of ids) {
      const reply = await ask('nodes twice in one request', KEYS.admin, 'query N($ids: [ID!]!, $id: ID!) { a: nodes(ids: $ids) { __typename id } b: nodes(ids: $ids) { __typename id } c: node(id: $id) { id } }', { ids: [id], id });
      expect(reply.json.errors, reply.text).toBeUndefined();
      expect(reply.json.data.b).toEqual(reply.json.data.a);
      expect(reply.json.data.a[0].id).toBe(id);
      expect(reply.json.data.c.id).toBe(id);
    }
  });

  it('checks forged contact ids with the handle rules before any call, like the contact arguments', async () => {
    const before = upstreamReads();
    const forged = ['OPENPROVIDER::..', 'OPENPROVIDER::.', 'DOMAIN_NAME_API::...', 'REALTIME_REGISTER:sandbox:...', 'REALTIME_REGISTER:..:rtr-0001', 'OPENPROVIDER::a/b'];
    const reply = await ask('nodes forged handles as admin', KEYS.admin, 'query N($ids: [ID!]!) { nodes(ids: $ids) { __typename } }', { ids: forged.map((id) => globalId('Contact', id)) });
    expect(reply.json.data.nodes).toEqual(forged.map(() => null));
    expect(new Set(codesOf(reply))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(upstreamReads()).toBe(before);
    const email = await ask('node forged email id as admin', KEYS.admin, 'query N($id: ID!) { node(id: $id) { __typename } }', { id: globalId('EmailVerification', 'OPENPROVIDER:a\u0000b@example.com:example.com') });
    expect(codesOf(email)).toEqual(['BAD_USER_INPUT']);
    expect(upstreamReads()).toBe(before);
  });
});

describe('events carry nested data only with its own read scope', () => {
  // [what, selection, the field that must never carry data for this key]
  const nested: [string, string, string][] = [
    ['VerificationSubmittedEvent.verifications', '... on VerificationSubmittedEvent { verifications { method externalId } }', 'verifications'],
    ['VerificationSubmittedEvent.contact', '... on VerificationSubmittedEvent { contact { __typename name } }', 'contact'],
    ['VerificationRequiredEvent.request', '... on VerificationRequiredEvent { request { message claims } }', 'request'],
    ['VerificationRequestChangedEvent.request', '... on VerificationRequestChangedEvent { request { message } }', 'request'],
    ['DeadlineApproachingEvent.request', '... on DeadlineApproachingEvent { request { message } }', 'request'],
    ['RegistryCheckDecidedEvent.registryCheck.person', '... on RegistryCheckDecidedEvent { registryCheck { person { firstName } } }', 'registryCheck'],
    ['EmailVerificationChangedEvent.emailVerification', '... on EmailVerificationChangedEvent { emailVerification { email contact { name } } }', 'emailVerification'],
  ];
  const carried = (reply: { json: any }, field: string) =>
    (reply.json.data?.verificationEvents?.edges ?? []).filter((edge: any) => edge.node[field] !== null && edge.node[field] !== undefined).length;

  it.each(nested)('refuses %s to an events:read key, with no provider call', async (label, selection, field) => {
    const before = upstreamReads();
    const reply = await ask(`events ${label}`, KEYS.events, `{ verificationEvents(first: 100) { edges { node { id type ${selection} } } } }`);
    expect(codesOf(reply).length).toBeGreaterThan(0);
    expect(new Set(codesOf(reply))).toEqual(new Set(['FORBIDDEN']));
    if (carried(reply, field) > 0) log.bypass(`events ${label}`);
    expect(carried(reply, field)).toBe(0);
    expect(upstreamReads()).toBe(before);
  });

  it.each(nested)('gives %s to a key holding the read scopes', async (label, selection, field) => {
    const reply = await ask(`events ${label} as admin`, KEYS.admin, `{ verificationEvents(first: 100) { edges { node { id type ${selection} } } } }`);
    expect(reply.json.errors).toBeUndefined();
    expect(carried(reply, field)).toBeGreaterThan(0);
  });

  it('still gives an events:read key every event with its own fields', async () => {
    const reply = await ask('events own fields', KEYS.events, '{ verificationEvents(first: 100) { edges { node { id type provider occurredAt ... on DeadlineApproachingEvent { deadlineKind remainingSeconds } } } } }');
    expect(reply.json.errors).toBeUndefined();
    const types = new Set(reply.json.data.verificationEvents.edges.map((edge: any) => edge.node.type));
    for (const type of ['VERIFICATION_SUBMITTED', 'VERIFICATION_REQUIRED', 'REGISTRY_CHECK_DECIDED', 'VERIFICATION_REQUEST_CHANGED', 'DEADLINE_APPROACHING', 'EMAIL_VERIFICATION_CHANGED']) {
      expect(types).toContain(type);
    }
  });

  it('refuses the same nested data over a WebSocket subscription replaying the log', async () => {
    const client = wsClient(gw, KEYS.events);
    try {
      const { results } = await new Promise<{ results: any[] }>((resolve) => {
        const results: any[] = [];
        const stop = client.subscribe(
          { query: NESTED_EVENTS_SUBSCRIPTION },
          {
            next: (result) => {
              results.push(result);
              if (results.length >= 6) {
                stop();
                resolve({ results });
              }
            },
            error: () => resolve({ results }),
            complete: () => resolve({ results }),
          },
        );
      });
      log.record('ws subscription nested as events', 200, JSON.stringify(results));
      expect(results.length).toBeGreaterThan(0);
      const text = JSON.stringify(results);
      if (text.includes(PERSON_NAME) || text.includes('hostile-evidence')) log.bypass('ws subscription nested as events');
      expect(text).toContain('FORBIDDEN');
    } finally {
      await client.dispose();
    }
  });
  it('refuses it on every event of an SSE subscription, not only the first (scope decisions are not kept between events)', async () => {
    // A second decided check, so that the same nested type comes twice in the replay.
    await ask('setup second validate', KEYS.admin, `mutation { validateRegistry(input: { idNumber: "38001085730", fullName: "Jane Doe", dateOfBirth: "1980-01-08" }) { __typename } }`);
    const stored = (await gw.services.events.list(null, { first: 1000 })).items.length;
    const abort = new AbortController();
    const response = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(KEYS.events) },
      body: JSON.stringify({ query: NESTED_EVENTS_SUBSCRIPTION }),
      signal: abort.signal,
    });
    const results: any[] = [];
    let text = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        const blocks = text.split('\n\n');
        text = blocks.pop()!;
        // Each event's block may start with its `id:` (for an EventSource to resume with).
        for (const block of blocks.map((raw) => raw.replace(/^id: .*\n/, ''))) if (block.startsWith('event: next\ndata: ')) results.push(JSON.parse(block.slice('event: next\ndata: '.length)));
        if (results.length >= stored) break; // the whole replay
      }
    } finally {
      abort.abort();
    }
    log.record('sse subscription nested as events', response.status, JSON.stringify(results));
    expect(results).toHaveLength(stored);
    const serialized = JSON.stringify(results);
    if (serialized.includes(PERSON_NAME) || serialized.includes('hostile-evidence')) log.bypass('sse subscription nested as events');
    // Each guarded event is refused on its own (a refused non-null field nulls the event): both decided checks.
    const refused = results.flatMap((result) => result.errors ?? []).map((error: any) => `${error.extensions?.code} ${error.path.join('.')}`);
    expect(refused.sort()).toEqual(['FORBIDDEN verificationEvents.registryCheck', 'FORBIDDEN verificationEvents.registryCheck', 'FORBIDDEN verificationEvents.verifications']);
  });

  it('does not tell an events:read key which submissions answered a verification request (null was told from refused)', async () => {
    // The setup's submission for rtr-0001 named no request; this one names the DENIC request of rtr-0002.
    const submitted = await ask('submit for a request as admin', KEYS.admin, `mutation S($r: ID!) { submitContactVerification(input: { handle: "rtr-0002", requestId: $r, verifications: [
      { verifiedAt: "2025-01-01T00:00:00Z", externalId: "hostile-name", method: ELECTRONIC_DOCUMENT, proof: ID_CARD, claims: [NAME] },
      { verifiedAt: "2025-01-01T00:00:00Z", externalId: "hostile-address", method: PHYSICAL_DOCUMENT, proof: UTILITY_ACCOUNT, claims: [ADDRESS] }] }) { __typename } }`, { r: globalId('VerificationRequest', verificationRequest.id) });
    expect(submitted.json.data.submitContactVerification.__typename).toBe('SubmitContactVerificationSuccess');
    const reply = await ask('submissions\' requests as events:read', KEYS.events, '{ verificationEvents(filter: { types: [VERIFICATION_SUBMITTED] }, first: 100) { edges { node { ... on VerificationSubmittedEvent { contactHandle request { __typename } } } } } }');
    const edges: { node: { contactHandle: string } }[] = reply.json.data.verificationEvents.edges;
    expect(edges.map((edge) => edge.node.contactHandle).sort()).toEqual(['rtr-0001', 'rtr-0002']);
    // Each submission's request is refused alike, whether it has one or not: no slot is a silent null.
    const refused = new Set(reply.json.errors.map((error: any) => error.path[2]));
    if (edges.some((_edge, index) => !refused.has(index))) log.bypass('which submissions answered a request, as events:read');
    expect(edges.map((_edge, index) => refused.has(index))).toEqual([true, true]);
  });
});

describe('a write scope never reads what a read scope guards', () => {
  it('shows a registry:write key the check its own validateRegistry started, but not the person or any other check', async () => {
    const own = await ask('validate as registry:write', KEYS.registryWrite, `mutation { validateRegistry(input: { idNumber: "38001085720", fullName: "Jane Doe", dateOfBirth: "1980-01-08" }) {
      ... on ValidateRegistrySuccess { registryCheck { id status idNumberLast4 person { firstName } } } } }`);
    expect(own.json.data.validateRegistry.registryCheck).toMatchObject({ status: 'APPROVED', idNumberLast4: '5720', person: null });
    expect(codesOf(own)).toEqual(['FORBIDDEN']);
    if (own.text.includes(PERSON_NAME)) log.bypass('validateRegistry person as registry:write');
    // Reading it again (or the admin's check) is a read: registry:read.
    for (const id of [own.json.data.validateRegistry.registryCheck.id, registryCheckId]) {
      const again = await ask('registryCheck as registry:write', KEYS.registryWrite, 'query R($id: ID!) { registryCheck(id: $id) { status } }', { id });
      expect(again.json.data.registryCheck).toBeNull();
      expect(codesOf(again)).toEqual(['FORBIDDEN']);
    }
    const reader = await ask('registryCheck as registry:read', KEYS.registryRead, 'query R($id: ID!) { registryCheck(id: $id) { person { firstName } } }', { id: registryCheckId });
    expect(reader.json.data.registryCheck.person.firstName).toBe(PERSON_NAME);
  });

  it('shows a contacts:write key the contact it created, but reads no contact afresh for it', async () => {
    const created = await ask('createContact as contacts:write', KEYS.contactsWrite, `mutation { createContact(input: { handle: "hostile-new-1", name: "Nina Novak",
      addressLines: ["Kade 1"], postalCode: "1011 AB", city: "Amsterdam", country: "NL", email: "nina@example.com", voice: "+31.201234567" }) {
      __typename ... on CreateContactSuccess { contact { handle name verificationRequests { id } } } } }`);
    expect(created.json.data.createContact.contact).toMatchObject({ handle: 'hostile-new-1', name: 'Nina Novak', verificationRequests: null });
    expect(codesOf(created)).toEqual(['FORBIDDEN']);
    const reads = () => gw.sandbox!.realtimeRegister.server.count('/v2/customers/sandbox/contacts', 'GET');
    const before = reads();
    const submitted = await ask('submit as contacts:write', KEYS.contactsWrite, `mutation { submitContactVerification(input: { handle: "rtr-0004", verifications: [
      { verifiedAt: "2025-01-01T00:00:00Z", externalId: "w", method: REACHABILITY, proof: LOG_RECORD, claims: [EMAIL] }] }) {
      __typename ... on SubmitContactVerificationSuccess { async contact { name email } } } }`);
    expect(submitted.json.data.submitContactVerification).toMatchObject({ __typename: 'SubmitContactVerificationSuccess', contact: null });
    expect(codesOf(submitted)).toEqual(['FORBIDDEN']);
    expect(reads()).toBe(before);
  });

  it('tells a contacts:write key naming another contact\'s request that it does not match, not whose it is', async () => {
    const reply = await ask('submit for another contact\'s request as contacts:write', KEYS.contactsWrite, `mutation S($r: ID!) { submitContactVerification(input: { handle: "rtr-0005", requestId: $r, verifications: [
      { verifiedAt: "2025-01-01T00:00:00Z", externalId: "w", method: REACHABILITY, proof: LOG_RECORD, claims: [EMAIL] }] }) {
      __typename ... on InputError { fieldErrors { path code message } } } }`, { r: globalId('VerificationRequest', verificationRequest.id) });
    expect(reply.json.data.submitContactVerification.fieldErrors).toMatchObject([{ path: ['requestId'], code: 'CONFLICT' }]);
    // Request ids are sequential: naming the handle would let a writer list every request's contact.
    if (reply.text.includes(verificationRequest.contactHandle)) log.bypass('a request\'s contact handle as contacts:write');
  });

  it('shows an email:write key that the resend succeeded, not the row (which names the address behind a handle)', async () => {
    const reply = await ask('resend as email:write', KEYS.emailWrite, `mutation { resendEmailVerification(input: { provider: OPENPROVIDER, handle: "OP000002-NL" }) {
      __typename ... on ResendEmailVerificationSuccess { emailVerification { email } } } }`);
    expect(reply.json.data.resendEmailVerification).toEqual({ __typename: 'ResendEmailVerificationSuccess', emailVerification: null });
    expect(codesOf(reply)).toEqual(['FORBIDDEN']);
    if (reply.text.includes('@')) log.bypass('resend row as email:write');
  });
});

describe('after every attack', () => {
  it('counted 0 bypasses and 0 server errors', () => {
    expect(log.replies.length).toBeGreaterThan(20);
    expect(log.bypasses).toEqual([]);
    expect(log.serverErrors()).toEqual([]);
  });
});
