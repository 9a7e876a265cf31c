import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { VeriffSimulator } from '../../src/sandbox/veriff.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { veriffDecisionBody } from '../helpers/veriff-decision.js';

const CHECK_FIELDS = `id sessionId provider status code reason reasonCode idNumberLast4 endUserId vendorData submittedAt decidedAt failedValidation
  person { firstName lastName dateOfBirth yearOfBirth placeOfBirth addresses }`;

const VALIDATE = `mutation Validate($input: ValidateRegistryInput!) {
  validateRegistry(input: $input) {
    __typename
    ... on ValidateRegistrySuccess { registryCheck { ${CHECK_FIELDS} } }
    ... on InputError { message fieldErrors { path code message } }
    ... on ProviderError { message provider code httpStatus retryable }
  }
}`;

const GET = `query Get($id: ID!) { registryCheck(id: $id) { ${CHECK_FIELDS} } }`;

const person = { idNumber: '39912310120', firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' };

function veriff(gw: TestGateway): VeriffSimulator {
  return gw.sandbox!.veriff;
}

async function validate(gw: TestGateway, input: Record<string, unknown>, headers?: Record<string, string>) {
  const reply = await gw.graphql(VALIDATE, { input }, headers);
  expect(reply.errors).toBeUndefined();
  return reply.data.validateRegistry;
}

async function getCheck(gw: TestGateway, id: string) {
  const reply = await gw.graphql(GET, { id });
  expect(reply.errors).toBeUndefined();
  return reply.data.registryCheck;
}

/** Polls registryCheck until it leaves PENDING (bounded: about 5 s). */
async function decided(gw: TestGateway, id: string) {
  for (let i = 0; i < 100; i++) {
    const check = await getCheck(gw, id);
    if (check?.status !== 'PENDING') return check;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`registry check ${id} stayed PENDING`);
}

/** A webhook POST as Veriff sends it, signed with `secret` unless a signature is given. */
async function postWebhook(gw: TestGateway, body: string, options: { secret?: string; signature?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-auth-client': 'sandbox-veriff-api-key' };
  const signature = options.signature === undefined ? createHmac('sha256', options.secret ?? 'sandbox-veriff-shared-secret').update(body).digest('hex') : options.signature;
  if (signature !== null) headers['x-hmac-signature'] = signature;
  const response = await fetch(`${gw.url}/webhooks/veriff`, { method: 'POST', headers, body });
  return response.status;
}

function decisionWebhook(sessionId: string, status: string, code: number): string {
  return veriffDecisionBody(sessionId, { status, code, person: { firstName: 'EVE', lastName: 'MALLORY' } });
}

/** How many REGISTRY_CHECK_DECIDED events the log holds for a session. */
async function decidedEvents(gw: TestGateway, sessionId: string): Promise<number> {
  const reply = await gw.graphql(`{ verificationEvents(first: 100, filter: { types: [REGISTRY_CHECK_DECIDED] }) {
    edges { node { ... on RegistryCheckDecidedEvent { registryCheck { sessionId status } } } } } }`);
  expect(reply.errors).toBeUndefined();
  return reply.data.verificationEvents.edges.filter((edge: any) => edge.node.registryCheck.sessionId === sessionId).length;
}

describe('validateRegistry in webhook mode', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ gateway: { sandbox: { veriffDecisionDelayMs: 100 } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('returns PENDING, then shows the decision the simulator delivered by webhook', async () => {
    const result = await validate(gw, { ...person, endUserId: '3f0b8c4e-5d7a-4c1b-9e2f-8a6d5c4b3a21', vendorData: 'order-7' });
    expect(result.__typename).toBe('ValidateRegistrySuccess');
    const pending = result.registryCheck;
    expect(pending).toMatchObject({ provider: 'VERIFF', status: 'PENDING', idNumberLast4: '0120', person: null, decidedAt: null, vendorData: 'order-7' });
    const check = await decided(gw, pending.sessionId);
    expect(check).toMatchObject({
      status: 'APPROVED',
      code: 9001,
      idNumberLast4: '0120',
      endUserId: '3f0b8c4e-5d7a-4c1b-9e2f-8a6d5c4b3a21',
      person: { firstName: 'ANN', lastName: 'LEE', dateOfBirth: '1980-01-08', yearOfBirth: '1980' },
      submittedAt: pending.submittedAt,
    });
    expect(check.decidedAt).not.toBeNull();
    expect(veriff(gw).deliveries.filter((d) => d.sessionId === pending.sessionId).map((d) => d.status)).toEqual([200]);
  });

  it('finds a check by its global id as well as by its session id', async () => {
    const { registryCheck } = await validate(gw, person);
    expect(registryCheck.id).not.toBe(registryCheck.sessionId);
    expect((await getCheck(gw, registryCheck.id)).sessionId).toBe(registryCheck.sessionId);
    await decided(gw, registryCheck.sessionId);
  });

  it('answers a repeated decision webhook with 200 and keeps one decision', async () => {
    const { registryCheck } = await validate(gw, { ...person, idNumber: '39912310121' });
    const first = await decided(gw, registryCheck.sessionId);
    expect(first).toMatchObject({ status: 'DECLINED', code: 9102, reasonCode: 123 });
    expect(await veriff(gw).redeliver(registryCheck.sessionId)).toBe(200);
    expect(await getCheck(gw, registryCheck.sessionId)).toEqual(first);
    expect(await decidedEvents(gw, registryCheck.sessionId)).toBe(1);
  });

  const badInputs: [string, Record<string, unknown>, string[]][] = [
    ['an empty idNumber', { ...person, idNumber: '' }, ['idNumber']],
    ['no name', { idNumber: person.idNumber, dateOfBirth: '1980-01-08' }, ['fullName']],
    ['a first name without a last name', { ...person, lastName: null }, ['lastName']],
    ['neither a date of birth nor an address', { ...person, dateOfBirth: null }, ['dateOfBirth']],
    ['a partial address', { ...person, address: { street: 'Tartu mnt', houseNumber: '1' } }, ['address', 'postcode']],
    ['vendorData over 1000 characters', { ...person, vendorData: 'x'.repeat(1001) }, ['vendorData']],
    ['an endUserId that is not a UUID', { ...person, endUserId: 'user-7' }, ['endUserId']],
    ['a malformed date of birth', { ...person, dateOfBirth: '1980-13-01' }, ['dateOfBirth']],
    ['a date of birth in the future', { ...person, dateOfBirth: '2999-01-01' }, ['dateOfBirth']],
  ];
  for (const [what, input, path] of badInputs) {
    it(`returns InputError for ${what} and sends nothing to Veriff`, async () => {
      const before = veriff(gw).count('/v1/validate-registry');
      const result = await validate(gw, input);
      expect(result.__typename).toBe('InputError');
      expect(result.fieldErrors.map((problem: { path: string[] }) => problem.path)).toContainEqual(path);
      expect(JSON.stringify(result)).not.toContain(person.idNumber);
      expect(veriff(gw).count('/v1/validate-registry')).toBe(before);
    });
  }
});

describe('validateRegistry in sync mode', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { VERIFF_REGISTRY_MODE: 'sync' } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('returns the decision at once from the sync endpoint', async () => {
    const result = await validate(gw, { ...person, idNumber: '39912310121' });
    expect(result.registryCheck).toMatchObject({ status: 'DECLINED', code: 9102, reasonCode: 123, idNumberLast4: '0121' });
    expect(result.registryCheck.decidedAt).not.toBeNull();
    expect(veriff(gw).syncServer.count('/v1/validate-registry')).toBe(1);
    expect(veriff(gw).server.count('/v1/validate-registry')).toBe(0);
    expect(await getCheck(gw, result.registryCheck.sessionId)).toEqual(result.registryCheck);
  });

  it('maps every outcome digit to its status', async () => {
    const expected = { 2: 'RESUBMISSION_REQUESTED', 3: 'EXPIRED', 4: 'ABANDONED', 5: 'REVIEW', 9: 'APPROVED' } as const;
    for (const [digit, status] of Object.entries(expected)) {
      const result = await validate(gw, { ...person, idNumber: `3991231012${digit}` });
      expect(result.registryCheck.status).toBe(status);
    }
  });

  describe('decision webhooks that must not be taken', () => {
    let check: any;
    beforeAll(async () => {
      check = (await validate(gw, person)).registryCheck;
    });

    it('answers 401 to a missing or wrong signature and changes nothing', async () => {
      const body = decisionWebhook(check.sessionId, 'declined', 9102);
      expect(await postWebhook(gw, body, { signature: null })).toBe(401);
      expect(await postWebhook(gw, body, { secret: 'not-the-secret' })).toBe(401);
      expect(await postWebhook(gw, body, { signature: 'f'.repeat(64) })).toBe(401);
      expect(await getCheck(gw, check.sessionId)).toEqual(check);
    });

    it('acknowledges (200) and ignores a signed body that is not JSON or not a decision, which Veriff would retry for a week', async () => {
      expect(await postWebhook(gw, '{"status": "success", "verification": ')).toBe(200);
      expect(await postWebhook(gw, JSON.stringify({ status: 'success', verification: { id: check.sessionId, status: 'started' } }))).toBe(200);
      expect(await getCheck(gw, check.sessionId)).toEqual(check);
    });

    it('acknowledges (200) a decision for an unknown session, keeps it in the quarantine without the person, and stores no check', async () => {
      const unknown = '0b7e7f8a-1111-4222-8333-944445555666';
      const body = veriffDecisionBody(unknown, { person: { firstName: 'EVE', lastName: 'MALLORY', idNumber: '39912310129' } });
      expect(await postWebhook(gw, body)).toBe(200);
      expect(await getCheck(gw, unknown)).toBeNull();
      expect(await decidedEvents(gw, unknown)).toBe(0);
      const listed = (await (await fetch(`${gw.url}/operator/quarantine?limit=10`)).json()) as { entries: Record<string, unknown>[] };
      const kept = listed.entries.filter((entry) => entry.notificationId === unknown);
      expect(kept).toEqual([expect.objectContaining({ provider: 'VERIFF', source: 'veriff-webhook', reason: 'UNKNOWN_SESSION' })]);
      expect(JSON.stringify(kept)).not.toMatch(/39912310129|MALLORY/);
      expect(await (await fetch(`${gw.url}/metrics`)).text()).toContain('gateway_veriff_quarantined_total{reason="UNKNOWN_SESSION"} 1');
    });

    it('accepts the same webhook signed in upper-case hex', async () => {
      const body = decisionWebhook(check.sessionId, 'review', 9121);
      const signature = createHmac('sha256', 'sandbox-veriff-shared-secret').update(body).digest('hex').toUpperCase();
      expect(await postWebhook(gw, body, { signature })).toBe(200);
      expect(await getCheck(gw, check.sessionId)).toMatchObject({ status: 'REVIEW', code: 9121, idNumberLast4: '0120' });
    });
  });
});

describe('validateRegistry against Veriff with the wrong shared secret', () => {
  let sandbox: TestGateway;
  let live: TestGateway;
  const key = 'integration-test-key';
  beforeAll(async () => {
    sandbox = await startTestGateway();
    const { baseUrl, apiKey } = veriff(sandbox).endpoint();
    live = await startTestGateway({
      env: { VERIFF_API_KEY: apiKey, VERIFF_SHARED_SECRET: 'not-the-shared-secret', VERIFF_BASE_URL: baseUrl, GATEWAY_API_KEYS: `${key}:*` },
    });
  });
  afterAll(async () => {
    await live?.stop();
    await sandbox?.stop();
  });

  it('returns a ProviderError with code 1818 that is not retryable', async () => {
    const result = await validate(live, person, { authorization: `Bearer ${key}` });
    expect(result).toMatchObject({ __typename: 'ProviderError', provider: 'VERIFF', code: '1818', httpStatus: 401, retryable: false });
    expect(result.message).not.toContain(person.idNumber);
    expect(live.logs()).not.toContain(person.idNumber);
  });

  it('refuses decision webhooks signed with the secret it does not have', async () => {
    expect(await postWebhook(live, decisionWebhook('0b7e7f8a-1111-4222-8333-944445555666', 'approved', 9001))).toBe(401);
  });
});

it('reads VERIFF_REGISTRY_MODE for the sandbox', () => {
  expect(loadConfig({ VERIFF_REGISTRY_MODE: 'sync' }).sandboxRegistryMode).toBe('sync');
});
