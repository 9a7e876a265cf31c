import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '../integration/events-support.js';
import { decisionEnvelope, VeriffDocFake } from './veriff-doc-fake.js';

/**
 * The gateway against a Veriff written straight from ../shared/providers/veriff.md (revision 2), not from our
 * simulator: decision webhooks and the event webhooks Veriff also sends, answers signed or not as the document says,
 * the decision endpoint for lost webhooks, and the sync host.
 */

const CALLER_KEY = 'veriff-doc-fake-caller';
const ID_NUMBER = '38001085718';
const VALIDATE = `mutation V($input: ValidateRegistryInput!) { validateRegistry(input: $input) {
  __typename
  ... on ValidateRegistrySuccess { registryCheck { sessionId status } }
  ... on InputError { fieldErrors { path code } }
  ... on ProviderError { code httpStatus retryable retryAfterSeconds message } } }`;
const CHECK = `query Q($id: ID!) { registryCheck(id: $id) { status code reasonCode person { firstName } } }`;
const person = { idNumber: ID_NUMBER, firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' };

async function startGateway(fake: VeriffDocFake, urls: { baseUrl: string; syncBaseUrl: string }, mode: 'webhook' | 'sync'): Promise<TestGateway> {
  return startTestGateway({
    env: {
      GATEWAY_API_KEYS: `ops=${CALLER_KEY}:*`,
      VERIFF_API_KEY: fake.apiKey,
      VERIFF_SHARED_SECRET: fake.secret,
      VERIFF_BASE_URL: urls.baseUrl,
      VERIFF_SYNC_BASE_URL: urls.syncBaseUrl,
      VERIFF_REGISTRY_MODE: mode,
      VERIFF_DECISION_POLL_AFTER_MS: '100',
      // The tests read a check's status many times while they wait.
      RATE_LIMIT_PER_MINUTE: '0',
    },
  });
}

const gql = (gateway: TestGateway, query: string, variables?: Record<string, unknown>) => gateway.graphql(query, variables, { authorization: `Bearer ${CALLER_KEY}` });

async function statusAfterPolls(gateway: TestGateway, id: string, until: (status: string) => boolean): Promise<string> {
  let status = 'PENDING';
  for (let i = 0; i < 200 && !until(status); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    status = (await gql(gateway, CHECK, { id })).data.registryCheck.status;
  }
  return status;
}

describe('Veriff (webhook mode) as its public document describes it', () => {
  const fake = new VeriffDocFake();
  let gateway: TestGateway;
  let webhookUrl: string;

  beforeAll(async () => {
    const urls = await fake.start();
    gateway = await startGateway(fake, urls, 'webhook');
    webhookUrl = `${gateway.url}/webhooks/veriff`;
  });

  afterAll(async () => {
    await gateway?.stop();
    await fake.stop();
  });

  beforeEach(() => {
    fake.calls.length = 0;
    fake.decisionAnswerSignature = 'none';
  });

  async function pending(): Promise<string> {
    const reply = await gql(gateway, VALIDATE, { input: person });
    expect(reply.data.validateRegistry).toMatchObject({ __typename: 'ValidateRegistrySuccess', registryCheck: { status: 'PENDING' } });
    return reply.data.validateRegistry.registryCheck.sessionId;
  }

  it('sends validate-registry with the documented headers, signed over the exact bytes sent', async () => {
    await pending();
    const [call] = fake.calls;
    expect(call).toMatchObject({ host: 'station', method: 'POST', path: '/v1/validate-registry' });
    expect(call!.headers['x-auth-client']).toBe(fake.apiKey);
    expect(call!.headers['x-api-key']).toBe(fake.apiKey);
    expect(call!.headers['content-type']).toMatch(/^application\/json/);
    expect(call!.headers['x-hmac-signature']).toBe(fake.sign(call!.body));
    const body = JSON.parse(call!.body);
    expect(body.verification.person).toEqual({ idNumber: ID_NUMBER, firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' });
  });

  it('takes a signed decision webhook (upper- or lower-case hex, unknown extra fields), once per verification id and status', async () => {
    const id = await pending();
    const envelope = decisionEnvelope(id, 'declined', 9102, { riskLabels: [], somethingNew: { a: 1 } });
    const body = JSON.stringify(envelope);
    expect(await fake.deliver(webhookUrl, envelope, { signature: fake.sign(body).toUpperCase() })).toBe(200);
    expect(await fake.deliver(webhookUrl, envelope)).toBe(200);
    expect((await gql(gateway, CHECK, { id })).data.registryCheck).toMatchObject({ status: 'DECLINED', code: 9102, reasonCode: 122 });
    const events = await gql(gateway, `{ verificationEvents(first: 100, filter: { types: [REGISTRY_CHECK_DECIDED] }) { edges { node { ... on RegistryCheckDecidedEvent { registryCheck { sessionId } } } } } }`);
    expect(events.data.verificationEvents.edges.filter((edge: any) => edge.node.registryCheck.sessionId === id)).toHaveLength(1);
  });

  it('refuses a webhook signed with another secret, or over other bytes, and stores nothing', async () => {
    const id = await pending();
    const envelope = decisionEnvelope(id, 'approved', 9001);
    expect(await fake.deliver(webhookUrl, envelope, { signature: fake.sign(JSON.stringify(envelope), 'guess') })).toBe(401);
    expect(await fake.deliver(webhookUrl, envelope, { signature: fake.sign(JSON.stringify({ ...envelope, status: 'x' })) })).toBe(401);
    expect((await gql(gateway, CHECK, { id })).data.registryCheck.status).toBe('PENDING');
  });

  it('refuses a signed webhook whose x-auth-client names another integration', async () => {
    const id = await pending();
    const body = JSON.stringify(decisionEnvelope(id, 'approved', 9001));
    const post = (client: string) =>
      fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-client': client, 'x-hmac-signature': fake.sign(body) }, body }).then((response) => response.status);
    expect(await post('another-integration-key')).toBe(401);
    expect((await gql(gateway, CHECK, { id })).data.registryCheck.status).toBe('PENDING');
    expect(await post(fake.apiKey)).toBe(200);
    expect((await gql(gateway, CHECK, { id })).data.registryCheck.status).toBe('APPROVED');
  });

  it('answers 200 to a signed event webhook (started / submitted), which Veriff would otherwise retry for a week', async () => {
    const id = await pending();
    const event = { id, attemptId: '0c4d1b6e-0000-4000-8000-000000000001', feature: 'selfid', code: 7002, action: 'submitted', vendorData: null, endUserId: null };
    expect(await fake.deliver(webhookUrl, event)).toBe(200);
    expect((await gql(gateway, CHECK, { id })).data.registryCheck.status).toBe('PENDING');
  });

  it('answers 200 to a signed decision whose status and code it does not know, keeping the check PENDING', async () => {
    const id = await pending();
    expect(await fake.deliver(webhookUrl, decisionEnvelope(id, 'pending_review', 9999))).toBe(200);
    expect((await gql(gateway, CHECK, { id })).data.registryCheck.status).toBe('PENDING');
  });

  it('resolves a check whose webhook was lost by polling GET /v1/sessions/{id}/decision, signed over the session id, whose answer the document does not say is signed', async () => {
    const id = await pending();
    fake.decisions.set(id, decisionEnvelope(id, 'approved', 9001));
    expect(await statusAfterPolls(gateway, id, (status) => status !== 'PENDING')).toBe('APPROVED');
    const poll = fake.calls.find((call) => call.method === 'GET' && call.path === `/v1/sessions/${id}/decision`)!;
    expect(poll.host).toBe('station');
    expect(poll.headers['x-hmac-signature']).toBe(fake.sign(id));
    expect(poll.headers['x-auth-client']).toBe(fake.apiKey);
    // The document's header list (x-auth-client, x-api-key, x-hmac-signature) is for every call: x-api-key goes too.
    expect(poll.headers['x-api-key']).toBe(fake.apiKey);
  });

  it('takes a decision whose describing members come with other types than the example (a numeric reason and vendorData, a person that is not an object), by webhook and by poll', async () => {
    const hooked = await pending();
    const odd = (id: string) => decisionEnvelope(id, 'declined', 9102, { reason: 122, vendorData: 4711, person: [], decisionTime: 1772359202 });
    expect(await fake.deliver(webhookUrl, odd(hooked))).toBe(200);
    expect((await gql(gateway, CHECK, { id: hooked })).data.registryCheck).toMatchObject({ status: 'DECLINED', code: 9102, reasonCode: 122, person: null });
    const polled = await pending();
    fake.decisions.set(polled, odd(polled));
    expect(await statusAfterPolls(gateway, polled, (status) => status !== 'PENDING')).toBe('DECLINED');
  });

  it('keeps polling past `verification: null` and trusts no decision answer that is signed with another secret', async () => {
    const id = await pending();
    const polls = () => fake.calls.filter((call) => call.method === 'GET').length;
    await eventually(async () => polls() >= 1);
    fake.decisionAnswerSignature = 'wrong';
    fake.decisions.set(id, decisionEnvelope(id, 'approved', 9001));
    const before = polls();
    await eventually(async () => polls() > before);
    expect((await gql(gateway, CHECK, { id })).data.registryCheck.status).toBe('PENDING');
    fake.decisionAnswerSignature = 'valid';
    expect(await statusAfterPolls(gateway, id, (status) => status !== 'PENDING')).toBe('APPROVED');
  });

  it('maps 1102 to a field error and 18xx to a credentials error that is not retried', async () => {
    fake.nextFailure = { status: 400, body: { status: 'failed', code: '1102', message: "Request is missing required field 'dateOfBirth' or 'address'" } };
    const missing = await gql(gateway, VALIDATE, { input: person });
    expect(missing.data.validateRegistry).toMatchObject({ __typename: 'InputError', fieldErrors: [{ path: ['dateOfBirth'] }] });
    fake.nextFailure = { status: 401, body: { status: 'failed', code: '1804', message: 'Integration is not active.' } };
    const inactive = await gql(gateway, VALIDATE, { input: person });
    expect(inactive.data.validateRegistry).toMatchObject({ __typename: 'ProviderError', code: '1804', retryable: false });
    fake.nextFailure = { status: 429, body: { status: 'failed', code: '1429', message: 'Too many requests' }, headers: { 'retry-after': '30' } };
    const limited = await gql(gateway, VALIDATE, { input: person });
    expect(limited.data.validateRegistry).toMatchObject({ __typename: 'ProviderError', retryable: true, retryAfterSeconds: 30 });
    expect(fake.calls.filter((call) => call.method === 'POST')).toHaveLength(3);
    expect(gateway.logs()).not.toContain(ID_NUMBER);
  });
});

describe('Veriff (sync mode) as its public document describes it', () => {
  const fake = new VeriffDocFake();
  let gateway: TestGateway;

  beforeAll(async () => {
    const urls = await fake.start();
    gateway = await startGateway(fake, urls, 'sync');
  });

  afterAll(async () => {
    await gateway?.stop();
    await fake.stop();
  });

  beforeEach(() => {
    fake.calls.length = 0;
    fake.syncDecision = { status: 'approved', code: 9001 };
    fake.syncSignature = 'valid';
  });

  it('takes a signed sync answer at once, from the sync host, without keeping the ID number', async () => {
    const reply = await gql(gateway, VALIDATE, { input: person });
    expect(reply.data.validateRegistry.registryCheck.status).toBe('APPROVED');
    expect(fake.calls.map((call) => `${call.host} ${call.method} ${call.path}`)).toEqual(['sync POST /v1/validate-registry']);
    expect(JSON.stringify((await gql(gateway, CHECK, { id: reply.data.validateRegistry.registryCheck.sessionId })).data)).not.toContain(ID_NUMBER);
  });

  it.each(['wrong', 'none'] as const)('refuses a sync decision whose signature is %s', async (signature) => {
    fake.syncSignature = signature;
    const reply = await gql(gateway, VALIDATE, { input: person });
    expect(reply.data.validateRegistry).toMatchObject({ __typename: 'ProviderError', code: 'SIGNATURE', retryable: false });
  });

  it('polls the station host (where the decision endpoint lives) when the sync answer has no decision yet', async () => {
    fake.syncDecision = null;
    const reply = await gql(gateway, VALIDATE, { input: person });
    const { sessionId: id, status } = reply.data.validateRegistry.registryCheck;
    expect(status).toBe('PENDING');
    fake.decisions.set(id, decisionEnvelope(id, 'declined', 9102));
    expect(await statusAfterPolls(gateway, id, (value) => value !== 'PENDING')).toBe('DECLINED');
    expect(fake.calls.filter((call) => call.method === 'GET').every((call) => call.host === 'station')).toBe(true);
  });
});
