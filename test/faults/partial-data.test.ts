import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/domain/providers.js';
import type { FaultSpec } from '../../src/sandbox/faults.js';
import type { SimulatorServer } from '../../src/sandbox/simulator-server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { PERSON, malformedReason } from './support.js';

/**
 * One provider failing never takes the others down: a query spanning every provider returns the healthy providers'
 * data plus an error naming the failing one (extensions.provider), and with a provider that accepts and never
 * answers, the response still arrives, carrying PROVIDER_UNAVAILABLE, once the upstream deadline is spent.
 */

let gateway: TestGateway;
let checkId: string;
let fresh = 100;

/** Handles no earlier query asked for, so every read reaches the provider instead of the cache. */
function freshHandles(): { rtr: string; op: string; dna: string } {
  fresh += 1;
  return { rtr: `rtr-${String(fresh).padStart(4, '0')}`, op: `OP${String(fresh).padStart(6, '0')}-NL`, dna: `DNA-${1000 + (fresh % 200) + 1}` };
}

const SPANNING = `query Spanning($rtr: String!, $op: String!, $dna: String!, $check: ID!) {
  providers { provider mode circuit lastError }
  rtr: contact(provider: REALTIME_REGISTER, handle: $rtr) { handle }
  op: contact(provider: OPENPROVIDER, handle: $op) { handle }
  dna: contact(provider: DOMAIN_NAME_API, handle: $dna) { handle }
  registryCheck(id: $check) { id status }
}`;

const WITH_EMAIL = `query WithEmail($rtr: String!, $email: String!) {
  rtr: contact(provider: REALTIME_REGISTER, handle: $rtr) { handle }
  emailVerifications(filter: { email: $email }) { edges { node { provider email status } } }
}`;

const VALIDATE = `mutation Validate($input: ValidateRegistryInput!) {
  validateRegistry(input: $input) {
    __typename
    ... on ValidateRegistrySuccess { registryCheck { id status } }
    ... on ProviderError { provider retryable httpStatus }
  }
}`;
const VALIDATE_WAIT = VALIDATE.replace('retryable httpStatus', 'retryable httpStatus code retryAfterSeconds');

const SHARED_EMAIL = 'shared.registrant@example.com';

function simulator(provider: Provider): SimulatorServer {
  const sandbox = gateway.sandbox!;
  return {
    REALTIME_REGISTER: sandbox.realtimeRegister.server,
    OPENPROVIDER: sandbox.openprovider.server,
    DOMAIN_NAME_API: sandbox.domainNameApi.server,
    VERIFF: sandbox.veriff.server,
  }[provider];
}

function errorsByField(reply: { errors?: { path?: (string | number)[]; extensions?: Record<string, any> }[] }): Record<string, Record<string, any>> {
  return Object.fromEntries((reply.errors ?? []).map((error) => [String(error.path?.[0]), error.extensions ?? {}]));
}

beforeAll(async () => {
  // A short deadline, and a breaker that stays closed: these tests are about one call at a time.
  gateway = await startTestGateway({ gateway: { upstreamDeadlineMs: 1500, breaker: { failureThreshold: 1_000 } } });
  const made = await gateway.graphql(VALIDATE, { input: PERSON });
  checkId = made.data.validateRegistry.registryCheck.id;
});

afterAll(async () => {
  await gateway?.stop();
});

beforeEach(() => {
  for (const provider of ['REALTIME_REGISTER', 'OPENPROVIDER', 'DOMAIN_NAME_API', 'VERIFF'] as const) simulator(provider).setFaults({});
});

const CONTACT_FIELD: Partial<Record<Provider, 'rtr' | 'op' | 'dna'>> = { REALTIME_REGISTER: 'rtr', OPENPROVIDER: 'op', DOMAIN_NAME_API: 'dna' };

const FAULTS: [string, FaultSpec, string][] = [
  ['accepts and never answers', { timeoutRate: 1 }, 'PROVIDER_UNAVAILABLE'],
  ['answers 503', { errorRate: 1, status: 503 }, 'PROVIDER_UNAVAILABLE'],
  ['resets connections', { resetRate: 1 }, 'PROVIDER_UNAVAILABLE'],
  ['is in its own outage', { outage: true }, 'PROVIDER_UNAVAILABLE'],
];

describe.each(['REALTIME_REGISTER', 'OPENPROVIDER', 'DOMAIN_NAME_API'] as const)('a query spanning every provider while %s', (failing) => {
  it.each(FAULTS)('%s: returns the other providers\' data and an error naming it', async (_what, faults, code) => {
    simulator(failing).setFaults(faults);
    const reply = await gateway.graphql(SPANNING, { ...freshHandles(), check: checkId });
    expect(malformedReason(reply.status, JSON.stringify(reply))).toBeNull();

    const field = CONTACT_FIELD[failing]!;
    expect(reply.data[field]).toBeNull();
    expect(errorsByField(reply)).toEqual({ [field]: expect.objectContaining({ code, provider: failing, retryable: true }) });
    for (const healthy of (['rtr', 'op', 'dna'] as const).filter((name) => name !== field)) {
      expect(reply.data[healthy]).toEqual({ handle: expect.any(String) });
    }
    expect(reply.data.registryCheck).toEqual({ id: checkId, status: expect.any(String) });
    expect(reply.data.providers).toHaveLength(4);
    // `providers` resolved while the call was still in flight; asked again, it names the failure.
    const status = await gateway.graphql('{ providers { provider lastError } }');
    expect(status.data.providers.find((entry: { provider: string }) => entry.provider === failing).lastError).toEqual(expect.any(String));
  });
});

describe('emailVerifications across providers', () => {
  it('keeps its Openprovider and Domain Name API rows while Realtime Register is failing', async () => {
    simulator('REALTIME_REGISTER').setFaults({ timeoutRate: 1 });
    const reply = await gateway.graphql(WITH_EMAIL, { rtr: freshHandles().rtr, email: SHARED_EMAIL });
    expect(errorsByField(reply)).toEqual({ rtr: expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE', provider: 'REALTIME_REGISTER' }) });
    const providers = new Set(reply.data.emailVerifications.edges.map((edge: { node: { provider: string } }) => edge.node.provider));
    expect(providers).toEqual(new Set(['OPENPROVIDER', 'DOMAIN_NAME_API']));
  });

  it.each(['OPENPROVIDER', 'DOMAIN_NAME_API'] as const)('keeps the other provider\'s rows and names %s when it fails', async (failing) => {
    // An address only the healthy provider knows, asked for the first time (so nothing is cached yet).
    const email =
      failing === 'OPENPROVIDER'
        ? gateway.sandbox!.domainNameApi.contacts.at(-1 - fresh % 50)!.email
        : gateway.sandbox!.openprovider.rows.at(-1 - fresh % 50)!.email;
    simulator(failing).setFaults({ errorRate: 1, status: 502 });
    const reply = await gateway.graphql(WITH_EMAIL, { rtr: freshHandles().rtr, email });
    expect(malformedReason(reply.status, JSON.stringify(reply))).toBeNull();
    expect(errorsByField(reply).emailVerifications).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: failing, retryable: true });
    const rows = reply.data.emailVerifications.edges.map((edge: { node: { provider: string; email: string } }) => edge.node);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row: { provider: string; email: string }) => row.provider !== failing && row.email === email)).toBe(true);
    expect(reply.data.rtr).toEqual({ handle: expect.any(String) });
  });
});

describe('the upstream deadline', () => {
  it('answers with PROVIDER_UNAVAILABLE for every provider that never answers, instead of hanging', async () => {
    for (const provider of ['REALTIME_REGISTER', 'OPENPROVIDER', 'DOMAIN_NAME_API'] as const) simulator(provider).setFaults({ timeoutRate: 1 });
    const reply = await gateway.graphql(SPANNING, { ...freshHandles(), check: checkId });
    const errors = errorsByField(reply);
    expect(errors.rtr).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'REALTIME_REGISTER' });
    expect(errors.op).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'OPENPROVIDER' });
    expect(errors.dna).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'DOMAIN_NAME_API' });
    expect(reply.data.registryCheck.id).toBe(checkId);
  });

  it('ends a registry check that Veriff never answers with an outcome-unknown ProviderError, sent once', async () => {
    simulator('VERIFF').setFaults({ timeoutRate: 1 });
    const before = gateway.sandbox!.veriff.count('/v1/validate-registry', 'POST');
    const reply = await gateway.graphql(VALIDATE_WAIT, { input: PERSON });
    // Veriff may have opened the session: not "retryable", which would invite a second one.
    expect(reply.data.validateRegistry).toEqual({
      __typename: 'ProviderError',
      provider: 'VERIFF',
      retryable: false,
      httpStatus: null,
      code: 'OUTCOME_UNKNOWN',
      retryAfterSeconds: null,
    });
    expect(gateway.sandbox!.veriff.count('/v1/validate-registry', 'POST')).toBe(before + 1);
    // The other providers do not notice.
    const other = await gateway.graphql(SPANNING, { ...freshHandles(), check: checkId });
    expect(other.errors).toBeUndefined();
  });

  it('passes on how long Veriff says its outage lasts', async () => {
    simulator('VERIFF').setFaults({ outage: true });
    const reply = await gateway.graphql(VALIDATE_WAIT, { input: PERSON });
    expect(reply.data.validateRegistry).toEqual({
      __typename: 'ProviderError',
      provider: 'VERIFF',
      retryable: true,
      httpStatus: 503,
      code: '1503',
      retryAfterSeconds: 60,
    });
  });
});
