import { createHash, createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { dumpRedis } from '../helpers/redis-dump.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { SANDBOX_VERIFF_SECRET, veriffDecisionBody } from '../helpers/veriff-decision.js';
import { contactNotification, denicNotification, freshNotificationId, postRtrWebhook } from '../integration/events-support.js';
import { AttackLog, bearer, idNumberPlanter, postGraphQL } from './support.js';

/**
 * ID numbers that come in from outside a GraphQL request: in signed provider deliveries (a Realtime Register body the
 * gateway quarantines, a notification's message, a Veriff decision's reason) and in a token's subject. None may be
 * stored, logged, published or shown; the people and data around them are shown only to keys with the scopes that
 * guard them.
 */
const FULL_KEY = 'deliveries-key-000001';
const EVENTS_ONLY_KEY = 'deliveries-events-0001';
const CONTACTS_ONLY_KEY = 'deliveries-contacts-001';
const JWT_SECRET = 'a-jwt-secret-of-at-least-thirty-two-characters';
const { planted, next: idNumber } = idNumberPlanter('3', '7');

let redis: RedisServerHandle;
let gw: TestGateway;
const log = new AttackLog();

beforeAll(async () => {
  redis = await startRedisServer();
  gw = await startTestGateway({
    env: {
      GATEWAY_API_KEYS: `${FULL_KEY}:*;${EVENTS_ONLY_KEY}:events:read;${CONTACTS_ONLY_KEY}:contacts:read`,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      REDIS_URL: redis.url,
      EMAIL_WATCH_INTERVAL_MS: '3600000',
      // The decision this file signs itself is the check's only one: the simulator's would come an hour later.
      VERIFF_REGISTRY_MODE: 'webhook',
      SANDBOX_DECISION_DELAY_MS: '3600000',
    },
  });
});

afterAll(async () => {
  await gw?.stop();
  await redis?.stop();
});

/** GETs a path with a key; the reply is recorded for the final searches. */
async function getAs(path: string, key: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gw.url}${path}`, { headers: bearer(key) });
  const text = await response.text();
  log.record(`GET ${path} as ${key}`, response.status, text);
  return { status: response.status, text };
}

describe('GET /operator/quarantine', () => {
  it('shows raw Realtime Register bodies only to a key with events:read and contacts:read, naming the scope missing', async () => {
    const body = JSON.stringify({ test: 'ping', contact: { name: 'Quinn Quarantine', email: 'quinn@example.com', voice: '+49.301234' } });
    expect((await postRtrWebhook(gw, body)).status).toBe(202);
    const eventsOnly = await getAs('/operator/quarantine', EVENTS_ONLY_KEY);
    expect(eventsOnly.status).toBe(403);
    expect(JSON.parse(eventsOnly.text).error).toMatch(/lacks contacts:read/);
    expect(eventsOnly.text).not.toContain('Quinn');
    const contactsOnly = await getAs('/operator/quarantine', CONTACTS_ONLY_KEY);
    expect(contactsOnly.status).toBe(403);
    expect(JSON.parse(contactsOnly.text).error).toMatch(/lacks events:read/);
    const full = await getAs('/operator/quarantine', FULL_KEY);
    expect(full.status).toBe(200);
    expect(full.text).toContain('Quinn Quarantine');
  });

  it('keeps no ID number of a quarantined body: masked before it is stored, so neither Redis nor the listing holds it', async () => {
    const number = idNumber();
    const body = JSON.stringify({ test: 'ping', contact: { name: 'Ida Number', remark: `national id ${number}` }, phone: `+372.${idNumber()}` });
    const answer = await postRtrWebhook(gw, body);
    expect(answer.status).toBe(202);
    const listed = await getAs('/operator/quarantine?limit=10', FULL_KEY);
    const entry = (JSON.parse(listed.text) as { entries: { id: string; body: string; digest: string }[] }).entries.find((candidate) => candidate.id === answer.body.id);
    expect(entry?.body).toContain('national id [redacted]');
    expect(entry?.body).toContain('Ida Number');
    // Beside the masked body, a plain hash of the bytes received would let anyone try every number in the masked
    // places until it matched: the digest shown (and logged, and in the id) is keyed by a secret the reader lacks.
    const plain = [createHash('sha256').update(body).digest('hex'), createHash('sha256').update(body).digest('base64url')];
    const shown = `${entry?.id} ${entry?.digest} ${gw.logs()}`;
    expect(entry?.digest).toMatch(/^[\w-]{43}$/);
    expect(plain.filter((hash) => shown.includes(hash))).toEqual([]);
  });
});

/** A GraphQL query as the full key; the reply is recorded for the final searches. */
async function query(label: string, text: string, variables?: Record<string, unknown>): Promise<any> {
  const reply = await postGraphQL(gw, log, label, { query: text, variables }, bearer(FULL_KEY));
  expect(reply.json?.errors, label).toBeUndefined();
  return reply.json.data;
}

const EVENTS = `{ verificationEvents(first: 200) { edges { node { __typename
  ... on ProviderNotificationEvent { notificationId message }
  ... on VerificationRequiredEvent { request { contactHandle message } }
  ... on RegistryCheckDecidedEvent { registryCheck { sessionId reason failedValidation } } } } } }`;

describe('ID numbers in the free text of signed webhooks', () => {
  it('are masked in a Realtime Register notification\'s message, kept and published; the handle it names is not', async () => {
    const number = idNumber();
    const body = contactNotification('rtr-0007', `Contact rtr-0007 updated: holder national id ${number} confirmed`);
    const id = JSON.parse(body).id as number;
    expect((await postRtrWebhook(gw, body)).status).toBe(200);
    const events = (await query('events after a notification', EVENTS)).verificationEvents.edges.map((edge: any) => edge.node);
    expect(events.find((event: any) => event.notificationId === String(id))?.message).toBe('Contact rtr-0007 updated: holder national id [redacted] confirmed');
  });

  it('are masked when written in groups, as people write them, and the dates beside them are kept', async () => {
    const number = idNumber();
    const grouped = [`${number.slice(0, 3)}-${number.slice(3, 5)}-${number.slice(5)}`, `${number.slice(0, 2)} ${number.slice(2, 5)} ${number.slice(5, 8)} ${number.slice(8)}`];
    const body = contactNotification('rtr-0010', `Holder ids ${grouped[0]} and ${grouped[1]} checked on 2026-11-20`);
    const id = JSON.parse(body).id as number;
    expect((await postRtrWebhook(gw, body)).status).toBe(200);
    const events = (await query('events after a notification with grouped numbers', EVENTS)).verificationEvents.edges.map((edge: any) => edge.node);
    expect(events.find((event: any) => event.notificationId === String(id))?.message).toBe('Holder ids [redacted] and [redacted] checked on 2026-11-20');
    const stored = await dumpRedis(redis.url);
    expect(grouped.filter((text) => stored.includes(text) || gw.logs().includes(text))).toEqual([]);
  });

  it('are masked in a DENIC request\'s message; the request is made from it as before', async () => {
    const number = idNumber();
    const notification = denicNotification(freshNotificationId(), 'rtr-0008', {});
    notification.message = `[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]. Holder id ${number}.`;
    expect((await postRtrWebhook(gw, JSON.stringify(notification))).status).toBe(200);
    const events = (await query('events after a DENIC notification', EVENTS)).verificationEvents.edges.map((edge: any) => edge.node);
    const required = events.find((event: any) => event.request?.contactHandle === 'rtr-0008');
    expect(required?.request.message).toBe('[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]. Holder id [redacted].');
  });

  it('are masked in a Veriff decision\'s reason and failedValidation, in the check and in its event', async () => {
    const started = await query(
      'validateRegistry (webhook mode)',
      `mutation V($i: ValidateRegistryInput!) { validateRegistry(input: $i) { ... on ValidateRegistrySuccess { registryCheck { id sessionId status } } } }`,
      { i: { idNumber: idNumber(), fullName: 'Ann Lee', dateOfBirth: '1980-01-08' } },
    );
    const { id: checkId, sessionId } = started.validateRegistry.registryCheck;
    const decision = JSON.parse(veriffDecisionBody(sessionId, { status: 'declined', code: 9102 }));
    const quoted = idNumber();
    decision.verification.reason = `No person with ID ${quoted} in the registry`;
    decision.verification.additionalVerifiedData = { failedValidation: [`idNumber ${quoted}`] };
    const body = JSON.stringify(decision);
    const answer = await fetch(`${gw.url}/webhooks/veriff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-client': 'sandbox-veriff-api-key', 'x-hmac-signature': createHmac('sha256', SANDBOX_VERIFF_SECRET).update(body).digest('hex') },
      body,
    });
    log.record('veriff decision webhook', answer.status, await answer.text());
    expect(answer.status).toBe(200);
    const check = (await query('registryCheck after the decision', 'query C($id: ID!) { registryCheck(id: $id) { status reason failedValidation } }', { id: checkId })).registryCheck;
    expect(check).toEqual({ status: 'DECLINED', reason: 'No person with ID [redacted] in the registry', failedValidation: 'idNumber [redacted]' });
    const events = (await query('events after the decision', EVENTS)).verificationEvents.edges.map((edge: any) => edge.node);
    expect(events.find((event: any) => event.registryCheck?.sessionId === sessionId)?.registryCheck.reason).toBe('No person with ID [redacted] in the registry');
  });
});

describe('an ID number as a token\'s subject', () => {
  it('is masked in the caller\'s name, which a submission keeps and returns as submittedBy', async () => {
    const subject = idNumber();
    const jwt = await new SignJWT({ sub: subject, scope: 'contacts:read contacts:write events:read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const notification = denicNotification(freshNotificationId(), 'rtr-0009');
    expect((await postRtrWebhook(gw, JSON.stringify(notification))).status).toBe(200);
    const requests = await query('the DENIC request', '{ verificationRequests(filter: { contactHandle: "rtr-0009" }) { edges { node { id } } } }');
    const requestId = requests.verificationRequests.edges[0].node.id;
    const evidence = [{ verifiedAt: '2026-11-20T00:00:00Z', externalId: 'kyc-jwt-1', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] }];
    const submitted = await postGraphQL(
      gw,
      log,
      'submit with an ID number as the subject',
      {
        query: `mutation S($i: SubmitContactVerificationInput!) { submitContactVerification(input: $i) { __typename
          ... on SubmitContactVerificationSuccess { request { submissions { submittedBy } } } } }`,
        variables: { i: { handle: 'rtr-0009', requestId, verifications: evidence } },
      },
      bearer(jwt),
    );
    expect(submitted.json.data.submitContactVerification).toMatchObject({ __typename: 'SubmitContactVerificationSuccess', request: { submissions: [{ submittedBy: '[redacted]' }] } });
    const stored = await query('the request after the submission', '{ verificationRequests(filter: { contactHandle: "rtr-0009" }) { edges { node { submissions { submittedBy } } } } }');
    expect(stored.verificationRequests.edges[0].node.submissions).toEqual([{ submittedBy: '[redacted]' }]);
  });
});

describe('after every delivery', () => {
  it('no response holds an ID number, and none was a server error', () => {
    expect(planted.size).toBeGreaterThan(0);
    expect([...planted].flatMap((number) => log.containing(number).map((label) => `${number} in ${label}`))).toEqual([]);
    expect(log.serverErrors()).toEqual([]);
  });

  it('no log line holds an ID number', () => {
    expect([...planted].filter((number) => gw.logs().includes(number))).toEqual([]);
  });

  it('no Redis key or value holds an ID number', async () => {
    const text = await dumpRedis(redis.url);
    expect(text).toContain('Ida Number');
    expect([...planted].filter((number) => text.includes(number))).toEqual([]);
  });

  it('no Redis key holds a digest of an ID number that whoever reads Redis could confirm by guessing', async () => {
    const client = new Redis(redis.url);
    const keys = await client.keys('ratelimit:caller:*').finally(() => client.disconnect());
    // The token's subject was counted: its budget is in Redis, under a key only the gateway can compute.
    expect(keys.length).toBeGreaterThan(0);
    const guessable = [...planted].map((number) => createHash('sha256').update(`caller:jwt:${number}`).digest('base64url').slice(0, 22));
    expect(keys.filter((key) => guessable.some((digest) => key.includes(digest)))).toEqual([]);
  });
});
