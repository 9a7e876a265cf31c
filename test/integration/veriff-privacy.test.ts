import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/observability/logger.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { veriffDecisionBody } from '../helpers/veriff-decision.js';
import { dumpRedis } from '../helpers/redis-dump.js';

/**
 * The national ID number must appear nowhere but in the request to Veriff: not in logs, stores, events, metrics,
 * error messages or GraphQL responses (except its last four characters). Each scenario runs a sync-mode and a
 * webhook-mode gateway end to end, triggers provider and input errors, then searches everything it can reach.
 */

/** Distinctive numbers; the last digit picks the sandbox decision (9, 8: approved; 5: review; 7: errors). */
const ID_SYNC = '39912310129';
const ID_WEBHOOK = '39912310128';
const ID_REVIEW = '39912310125';
const ID_ERRORS = '39912310127';
const ALL_IDS = [ID_SYNC, ID_WEBHOOK, ID_REVIEW, ID_ERRORS];
/** Everything but the last four characters, shared by all of them: not even this prefix may leak. */
const PREFIX = '3991231';

/** Every field of RegistryCheck. */
const CHECK = `id sessionId provider status code reason reasonCode idNumberLast4 endUserId vendorData submittedAt decidedAt failedValidation
  person { firstName lastName dateOfBirth yearOfBirth placeOfBirth addresses }`;

const VALIDATE = `mutation V($input: ValidateRegistryInput!) {
  validateRegistry(input: $input) {
    __typename
    ... on ValidateRegistrySuccess { registryCheck { ${CHECK} } }
    ... on InputError { message fieldErrors { path message code } }
    ... on ProviderError { message code httpStatus retryable }
  }
}`;
const GET = `query G($id: ID!) { registryCheck(id: $id) { ${CHECK} } }`;
const EVENTS = `{ verificationEvents(first: 200) { edges { node { __typename id type
  ... on RegistryCheckDecidedEvent { registryCheck { ${CHECK} } } } } } }`;

/** Everything observable in one scenario. */
interface Observed {
  logs: string[];
  responses: string[];
  sessionIds: string[];
}

function capturingLogger(lines: string[]) {
  return createLogger({
    level: 'trace',
    destination: new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    }),
  });
}

async function graphql(gw: Gateway, observed: Observed, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  observed.responses.push(text);
  return JSON.parse(text) as { data?: any; errors?: any[] };
}

const person = (idNumber: string) => ({
  idNumber,
  firstName: 'Ann',
  lastName: 'Lee',
  dateOfBirth: '1980-01-08',
  address: { street: 'Tartu mnt', houseNumber: '1', postcode: '10115', city: 'Tallinn' },
});

async function waitForDecision(gw: Gateway, observed: Observed, sessionId: string, notStatus = 'PENDING') {
  for (let i = 0; i < 100; i++) {
    const reply = await graphql(gw, observed, GET, { id: sessionId });
    if (reply.data?.registryCheck?.status !== notStatus) return reply.data?.registryCheck;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`registry check ${sessionId} stayed ${notStatus}`);
}

/** Redis connects in the background after start(): wait until /readyz says the stores answer. */
async function untilReady(gw: Gateway): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const response = await fetch(`${gw.url}/readyz`);
    // Only availability: the test Redis keeps nothing on disk, which /readyz reports as degraded too.
    const redis = response.status === 200 ? ((await response.json()) as { redis: string }).redis : null;
    if (redis === 'ok' || redis === 'disabled') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the gateway did not become ready');
}

/** A sync-mode and a webhook-mode gateway (sharing REDIS_URL when given), exercised end to end. */
async function runScenario(env: Record<string, string>): Promise<Observed & { gateways: Gateway[] }> {
  const observed: Observed = { logs: [], responses: [], sessionIds: [] };
  const sync = createGateway({ ...loadConfig({ ...env, VERIFF_REGISTRY_MODE: 'sync' }), port: 0 }, { logger: capturingLogger(observed.logs) });
  const webhook = createGateway({ ...loadConfig({ ...env, VERIFF_REGISTRY_MODE: 'webhook' }), port: 0 }, {
    logger: capturingLogger(observed.logs),
    sandbox: { veriffDecisionDelayMs: 50 },
  });
  await sync.start();
  await webhook.start();
  await Promise.all([untilReady(sync), untilReady(webhook)]);

  // Sync: the decision (with the echoed ID number) comes in Veriff's answer.
  const decided = await graphql(sync, observed, VALIDATE, { input: person(ID_SYNC) });
  const syncCheck = decided.data?.validateRegistry.registryCheck;
  expect(syncCheck).toMatchObject({ status: 'APPROVED', idNumberLast4: '0129' });
  observed.sessionIds.push(syncCheck.sessionId);

  // Webhook: PENDING, then the simulator's signed decision.
  const pending = await graphql(webhook, observed, VALIDATE, { input: person(ID_WEBHOOK) });
  const webhookCheck = pending.data?.validateRegistry.registryCheck;
  expect(webhookCheck).toMatchObject({ status: 'PENDING', idNumberLast4: '0128' });
  observed.sessionIds.push(webhookCheck.sessionId);
  expect(await waitForDecision(webhook, observed, webhookCheck.sessionId)).toMatchObject({ status: 'APPROVED' });

  // A decision webhook that echoes the full ID number, as real Veriff decisions do.
  const review = await graphql(webhook, observed, VALIDATE, { input: person(ID_REVIEW) });
  const reviewCheck = review.data?.validateRegistry.registryCheck;
  observed.sessionIds.push(reviewCheck.sessionId);
  await waitForDecision(webhook, observed, reviewCheck.sessionId);
  // A decision that echoes the full ID number, as the real sync answer does: the gateway must drop it.
  const echo = veriffDecisionBody(reviewCheck.sessionId, {
    person: { idNumber: ID_REVIEW, dateOfBirth: '1980-01-08', yearOfBirth: '1980', placeOfBirth: 'TARTU' },
  });
  const signature = createHmac('sha256', webhook.sandbox!.veriff.endpoint().sharedSecret).update(echo).digest('hex');
  const answer = await fetch(`${webhook.url}/webhooks/veriff`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hmac-signature': signature }, body: echo });
  expect(answer.status).toBe(200);
  expect(await waitForDecision(webhook, observed, reviewCheck.sessionId, 'REVIEW')).toMatchObject({ status: 'APPROVED' });

  // Errors: rejected input, an outage, an unreadable answer that echoes the number, a wrong shared secret.
  const rejected = await graphql(sync, observed, VALIDATE, { input: { ...person(ID_ERRORS), endUserId: ID_ERRORS, vendorData: 'x'.repeat(1001) } });
  expect(rejected.data?.validateRegistry.__typename).toBe('InputError');
  const simulator = sync.sandbox!.veriff;
  simulator.server.setFaults({ errorRate: 1, status: 503 });
  expect((await graphql(sync, observed, VALIDATE, { input: person(ID_ERRORS) })).data?.validateRegistry.__typename).toBe('ProviderError');
  simulator.server.setFaults({ malformedRate: 1, malformed: 'truncated' });
  expect((await graphql(sync, observed, VALIDATE, { input: person(ID_ERRORS) })).data?.validateRegistry.__typename).toBe('ProviderError');
  simulator.server.setFaults({});
  const { baseUrl, apiKey } = simulator.endpoint();
  const wrongSecret = createGateway(
    { ...loadConfig({ ...env, VERIFF_API_KEY: apiKey, VERIFF_SHARED_SECRET: 'not-the-secret', VERIFF_BASE_URL: baseUrl, GATEWAY_API_KEYS: 'privacy-test-key:*' }), port: 0 },
    { logger: capturingLogger(observed.logs) },
  );
  await wrongSecret.start();
  await untilReady(wrongSecret);
  const refused = await fetch(`${wrongSecret.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer privacy-test-key' },
    body: JSON.stringify({ query: VALIDATE, variables: { input: person(ID_ERRORS) } }),
  });
  const refusedText = await refused.text();
  observed.responses.push(refusedText);
  expect(JSON.parse(refusedText).data.validateRegistry).toMatchObject({ __typename: 'ProviderError', code: '1818', retryable: false });

  // What the gateways will show of the stored checks and events.
  for (const sessionId of observed.sessionIds) await graphql(webhook, observed, GET, { id: sessionId });
  for (const gw of [sync, webhook]) {
    const events = await graphql(gw, observed, EVENTS);
    expect(events.errors).toBeUndefined();
    expect(events.data.verificationEvents.edges.some((edge: any) => edge.node.__typename === 'RegistryCheckDecidedEvent')).toBe(true);
  }
  for (const gw of [sync, webhook, wrongSecret]) observed.responses.push(await (await fetch(`${gw.url}/metrics`)).text());
  return { ...observed, gateways: [sync, webhook, wrongSecret] };
}

function expectNoIdNumber(text: string): void {
  for (const id of ALL_IDS) expect(text).not.toContain(id);
  expect(text).not.toContain(PREFIX);
}

describe('ID number privacy, memory stores', () => {
  let result: Awaited<ReturnType<typeof runScenario>>;
  beforeAll(async () => {
    result = await runScenario({});
  });
  afterAll(async () => {
    for (const gw of result?.gateways ?? []) await gw.stop();
  });

  it('logs every step at trace level without the ID number', () => {
    const logs = result.logs.join('');
    expect(logs).toContain(result.sessionIds[0]);
    expectNoIdNumber(logs);
  });

  it('returns only the last four characters in GraphQL responses, errors and metrics', () => {
    const responses = result.responses.join('\n');
    expect(responses).toContain('"idNumberLast4":"0129"');
    expect(responses).toContain('"idNumberLast4":"0128"');
    expectNoIdNumber(responses);
  });

  it('stores the checks without the ID number', async () => {
    const [sync, webhook] = result.gateways;
    const stored = await Promise.all(result.sessionIds.map((id) => (id === result.sessionIds[0] ? sync! : webhook!).services.registryChecks.get(id)));
    expect(stored.every((check) => check !== null && check.status !== 'PENDING')).toBe(true);
    expectNoIdNumber(JSON.stringify(stored));
  });

  it('records decided events without the ID number', async () => {
    const [sync, webhook] = result.gateways;
    const events = [
      ...(await sync!.services.events.list(null, { first: 200 })).items,
      ...(await webhook!.services.events.list(null, { first: 200 })).items,
    ];
    expect(events.filter((edge) => edge.node.type === 'REGISTRY_CHECK_DECIDED').length).toBeGreaterThanOrEqual(4);
    expectNoIdNumber(JSON.stringify(events));
  });

  it('keeps the ID number out of the simulator request log too', () => {
    const simulator = result.gateways[0]!.sandbox!.veriff;
    expectNoIdNumber(JSON.stringify([...simulator.server.requests, ...simulator.syncServer.requests]));
  });
});

describe('ID number privacy, Redis stores', () => {
  let redis: RedisServerHandle;
  let result: Awaited<ReturnType<typeof runScenario>>;
  beforeAll(async () => {
    redis = await startRedisServer();
    result = await runScenario({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    for (const gw of result?.gateways ?? []) await gw.stop();
    await redis?.stop();
  });

  it('writes every key and value without the ID number', async () => {
    const text = await dumpRedis(redis.url);
    for (const sessionId of result.sessionIds) expect(text).toContain(sessionId);
    expect(text).toContain('0129');
    expectNoIdNumber(text);
  });

  it('logs and answers without the ID number', () => {
    expectNoIdNumber(result.logs.join(''));
    expectNoIdNumber(result.responses.join('\n'));
  });
});
