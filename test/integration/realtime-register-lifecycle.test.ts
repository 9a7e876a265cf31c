import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually } from './events-support.js';

/**
 * A DENIC request followed to its end through the real simulator over HTTP (contract revision 2): evidence answered
 * 202 makes the request PROCESSING, the gateway follows the provider's process and the request ends SUBMITTED or
 * REJECTED, every change announced, every sending kept with the key's name. Intervals are shortened via config.
 */
let gateway: TestGateway;
let simulator: RealtimeRegisterSimulator;
const DAY = 86_400_000;
const KEY = 'dash-key-12345';
const READ_ONLY_KEY = 'contacts-only-key-1';

beforeAll(async () => {
  gateway = await startTestGateway({
    env: { GATEWAY_API_KEYS: `dashboard=${KEY}:*;reader=${READ_ONLY_KEY}:contacts:read` },
    overrides: {
      verificationLifecycle: {
        processFollowInitialMs: 20,
        processFollowMaxMs: 80,
        processFollowTickMs: 20,
        processFollowSlowAfterMs: DAY,
        processFollowSlowIntervalMs: 900_000,
        reminderThresholdsSeconds: [7 * 86_400, 3 * 86_400, 86_400],
        deadlineScanIntervalMs: 60_000,
      },
    },
    gateway: { sandbox: { realtimeRegister: { asyncShare: 0, seedDenicRequests: 0 } } },
  });
  simulator = gateway.sandbox!.realtimeRegister;
});

afterAll(async () => {
  await gateway?.stop();
});

const gql = (query: string, variables?: Record<string, unknown>, key = KEY) => gateway.graphql(query, variables, { authorization: `Bearer ${key}` });

const REQUEST = `query Request($filter: VerificationRequestFilter) {
  verificationRequests(filter: $filter) { edges { node { id contactHandle status submissions { submittedAt processId status failureReason submittedBy verifications { externalId } } } } }
}`;
const EVENTS = `query Events($filter: VerificationEventFilter) {
  verificationEvents(filter: $filter, first: 100) { edges { node {
    type
    ... on VerificationRequestChangedEvent { previousStatus request { status } }
    ... on DeadlineApproachingEvent { deadlineKind remainingSeconds }
  } } }
}`;
const SUBMIT = `mutation Submit($input: SubmitContactVerificationInput!) {
  submitContactVerification(input: $input) {
    __typename
    ... on SubmitContactVerificationSuccess { async processId request { status submissions { status processId submittedBy } } }
    ... on InputError { fieldErrors { path code } }
  }
}`;
const RESEND = `mutation Resend($input: ResendEmailVerificationInput!) {
  resendEmailVerification(input: $input) {
    __typename
    ... on ResendEmailVerificationSuccess { emailVerification { email } }
    ... on InputError { fieldErrors { path code } }
    ... on NotFoundError { provider }
  }
}`;

const evidence = (externalId: string) => [{ verifiedAt: '2026-11-20T00:00:00Z', externalId, method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] }];
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** Injects a DENIC request for `handle` at the simulator and waits until the webhook push stored it. */
async function denicRequestFor(handle: string, options: { deDelegationDays?: number; process?: 'contact' | 'domain' } = {}): Promise<string> {
  const days = options.deDelegationDays ?? 10;
  simulator.injectDenicRequest({ handle, claims: ['NAME', 'ADDRESS'], deDelegationDomain: `${handle}.de`, deDelegationDate: inDays(days), deletionDomain: `${handle}.de`, deletionDate: inDays(days + 30), process: options.process });
  return eventually(async () => requestOf(handle).then((request) => request?.id));
}

async function requestOf(handle: string): Promise<any> {
  const reply = await gql(REQUEST, { filter: { contactHandle: handle } });
  expect(reply.errors).toBeUndefined();
  return reply.data.verificationRequests.edges[0]?.node ?? null;
}

async function eventsOf(handle: string): Promise<any[]> {
  const reply = await gql(EVENTS, { filter: { contactHandle: handle } });
  expect(reply.errors).toBeUndefined();
  return reply.data.verificationEvents.edges.map((edge: { node: unknown }) => edge.node);
}

const changes = (events: any[]) => events.filter((event) => event.type === 'VERIFICATION_REQUEST_CHANGED').map((event) => `${event.previousStatus}->${event.request.status}`);
const processChecks = (processId: string) => simulator.server.count(`/v2/processes/${processId}`, 'GET');
// Contact calls only: follow-ups of earlier tests' processes and the notification poll run on their own timers.
const rtrCalls = () => simulator.server.requests.filter((request) => request.path.includes('/contacts')).length;

describe('a request answered 202 and followed to its end', () => {
  it('goes PROCESSING, then SUBMITTED when the process completes, with its events and submission', async () => {
    const handle = 'rtr-0031';
    const requestId = await denicRequestFor(handle);
    simulator.planProcess({ handle, outcome: 'COMPLETED', checks: 2 });
    const submitted = await gql(SUBMIT, { input: { handle, requestId, verifications: evidence('kyc-life-1') } });
    expect(submitted.data.submitContactVerification).toMatchObject({
      __typename: 'SubmitContactVerificationSuccess',
      async: true,
      request: { status: 'PROCESSING', submissions: [{ status: 'PROCESSING', submittedBy: 'dashboard' }] },
    });
    const processId = submitted.data.submitContactVerification.processId as string;

    const done = await eventually(async () => ((await requestOf(handle)).status === 'SUBMITTED' ? requestOf(handle) : null));
    expect(done.submissions).toEqual([
      { submittedAt: expect.any(String), processId, status: 'ACCEPTED', failureReason: null, submittedBy: 'dashboard', verifications: [{ externalId: 'kyc-life-1' }] },
    ]);
    const events = await eventsOf(handle);
    expect(events.map((event) => event.type)).toEqual(['VERIFICATION_REQUIRED', 'VERIFICATION_SUBMITTED', 'VERIFICATION_REQUEST_CHANGED', 'VERIFICATION_REQUEST_CHANGED']);
    expect(changes(events)).toEqual(['OPEN->PROCESSING', 'PROCESSING->SUBMITTED']);
    // Two RUNNING answers, then COMPLETED: three checks, and none after the end.
    expect(processChecks(processId)).toBe(3);
    const contact = await gql(`{ contact(provider: REALTIME_REGISTER, handle: "${handle}") { verifications { externalId } } }`);
    expect(contact.data.contact.verifications).toContainEqual({ externalId: 'kyc-life-1' });
  });

  it('goes PROCESSING, then REJECTED with the provider\'s reason when the process fails', async () => {
    const handle = 'rtr-0032';
    const requestId = await denicRequestFor(handle);
    simulator.planProcess({ handle, outcome: 'FAILED', checks: 1, reason: 'DENIC refused the holder data' });
    const submitted = await gql(SUBMIT, { input: { handle, requestId, verifications: evidence('kyc-life-2') } });
    expect(submitted.data.submitContactVerification.request.status).toBe('PROCESSING');
    const rejected = await eventually(async () => ((await requestOf(handle)).status === 'REJECTED' ? requestOf(handle) : null));
    expect(rejected.submissions).toEqual([expect.objectContaining({ status: 'FAILED', failureReason: 'DENIC refused the holder data', submittedBy: 'dashboard' })]);
    expect(changes(await eventsOf(handle))).toEqual(['OPEN->PROCESSING', 'PROCESSING->REJECTED']);
  });

  it('ends REJECTED with a reason, and stops asking, when the provider forgets the process (404)', async () => {
    const handle = 'rtr-0033';
    const requestId = await denicRequestFor(handle);
    simulator.planProcess({ handle, outcome: 'FORGOTTEN', checks: 0 });
    const submitted = await gql(SUBMIT, { input: { handle, requestId, verifications: evidence('kyc-life-3') } });
    const processId = submitted.data.submitContactVerification.processId as string;
    const rejected = await eventually(async () => ((await requestOf(handle)).status === 'REJECTED' ? requestOf(handle) : null));
    expect(rejected.submissions[0].failureReason).toMatch(new RegExp(`no process ${processId} \\(404\\)`));
    const checks = processChecks(processId);
    await gateway.services.verificationRequests.followProcesses();
    await gateway.services.verificationRequests.followProcesses();
    expect(processChecks(processId)).toBe(checks);
    expect(checks).toBe(1);
  });

  it('goes SUBMITTED at once when the provider answers 200', async () => {
    const handle = 'rtr-0034';
    const requestId = await denicRequestFor(handle);
    const submitted = await gql(SUBMIT, { input: { handle, requestId, verifications: evidence('kyc-life-4') } });
    expect(submitted.data.submitContactVerification).toMatchObject({ async: false, request: { status: 'SUBMITTED', submissions: [{ status: 'ACCEPTED' }] } });
    expect(changes(await eventsOf(handle))).toEqual(['OPEN->SUBMITTED']);
  });
});

describe('the right contact', () => {
  it('takes the contact of a domain process from the payload, never the domain in processIdentifier', async () => {
    await denicRequestFor('rtr-0035', { process: 'domain' });
    const [stored] = (await gateway.services.verificationRequests.list({ contactHandle: 'rtr-0035' }, {})).items;
    expect(stored?.node.contactHandle).toBe('rtr-0035');
    expect((await gateway.services.verificationRequests.list({ contactHandle: 'rtr-0035.de' }, {})).totalCount).toBe(0);
  });
});

describe('a hostile DENIC message', () => {
  it('is stored from an 80 KB signed delivery (once 22 s of regex work) with only the first part of its text read', async () => {
    const { signRealtimeRegisterBody } = await import('../../src/providers/realtime-register/webhook.js');
    const { STORED_MESSAGE_LIMIT } = await import('../../src/providers/realtime-register/denic.js');
    const message = `[CONTACT VERIFICATION REQUIRED] de-delegated ${'a.'.repeat(40_000)}`;
    const body = JSON.stringify({ id: 88_000_001, fireDate: new Date().toISOString(), message, eventType: 'CONTACT_VERIFICATION_REQUIRED', payload: { handle: 'rtr-0042' }, isAsync: false });
    const answer = await fetch(`${gateway.url}/webhooks/realtime-register`, { method: 'POST', headers: { signature: signRealtimeRegisterBody(simulator.endpoint().webhookSecret, body) }, body });
    expect(answer.status).toBe(200);
    const [stored] = (await gateway.services.verificationRequests.list({ contactHandle: 'rtr-0042' }, {})).items;
    expect(stored?.node).toMatchObject({ deDelegationDomain: null, deDelegationDeadline: null });
    expect(stored?.node.message).toHaveLength(STORED_MESSAGE_LIMIT);
  });
});

describe('bad handles never reach Realtime Register', () => {
  it.each(['ab', 'a/b/../c', 'x'.repeat(41), 'h w'])('refuses %j for evidence and for a resend before any call', async (handle) => {
    const before = rtrCalls();
    const submitted = await gql(SUBMIT, { input: { handle, verifications: evidence('kyc-bad') } });
    expect(submitted.data.submitContactVerification).toMatchObject({ __typename: 'InputError', fieldErrors: [expect.objectContaining({ path: ['handle'], code: 'INVALID_FORMAT' })] });
    const resent = await gql(RESEND, { input: { provider: 'REALTIME_REGISTER', handle } });
    expect(resent.data.resendEmailVerification).toMatchObject({ __typename: 'InputError', fieldErrors: [expect.objectContaining({ path: ['handle'] })] });
    expect(rtrCalls()).toBe(before);
  });
});

describe('resendEmailVerification at Realtime Register', () => {
  it('asks the provider to validate the contact (its reminder email) for the given customer', async () => {
    const before = simulator.validations.length;
    const resent = await gql(RESEND, { input: { provider: 'REALTIME_REGISTER', handle: 'rtr-0036', customer: 'sandbox' } });
    expect(resent.data.resendEmailVerification).toEqual({ __typename: 'ResendEmailVerificationSuccess', emailVerification: null });
    expect(simulator.validations.slice(before)).toEqual([expect.objectContaining({ customer: 'sandbox', handle: 'rtr-0036', categories: ['General'] })]);
  });

  it('answers NotFoundError for a contact the provider does not have', async () => {
    const resent = await gql(RESEND, { input: { provider: 'REALTIME_REGISTER', handle: 'rtr-9876' } });
    expect(resent.data.resendEmailVerification).toEqual({ __typename: 'NotFoundError', provider: 'REALTIME_REGISTER' });
  });
});

describe('webhook pushes in every signature reading', () => {
  it.each(['base64-hex', 'hex', 'base64-digest'] as const)('stores a request pushed with a %s signature', async (reading) => {
    simulator.signatureReading = reading;
    try {
      const handle = { 'base64-hex': 'rtr-0037', hex: 'rtr-0038', 'base64-digest': 'rtr-0039' }[reading];
      await denicRequestFor(handle);
      expect(simulator.deliveries.filter((delivery) => delivery.status === 401)).toEqual([]);
    } finally {
      simulator.signatureReading = 'base64-digest';
    }
  });
});

describe('both error vocabularies end to end', () => {
  it('reads a contact the provider does not have as null, with no error, in the errors page\'s vocabulary (400)', async () => {
    simulator.errorVocabulary = 'errors-page';
    try {
      const reply = await gql(`{ contact(provider: REALTIME_REGISTER, handle: "rtr-8765") { handle } }`);
      expect(reply).toMatchObject({ data: { contact: null } });
      expect(reply.errors).toBeUndefined();
    } finally {
      simulator.errorVocabulary = 'api-spec';
    }
  });
});

describe('deadlines', () => {
  it('makes a request whose deadline passed OVERDUE and announces it once, however often the scan runs', async () => {
    const handle = 'rtr-0040';
    await denicRequestFor(handle, { deDelegationDays: -1 });
    await gateway.services.verificationRequests.scanDeadlines();
    await gateway.services.verificationRequests.scanDeadlines();
    expect((await requestOf(handle)).status).toBe('OVERDUE');
    expect(changes(await eventsOf(handle))).toEqual(['OPEN->OVERDUE']);
  });

  it('reminds of an approaching deadline once, at the tightest threshold crossed', async () => {
    const handle = 'rtr-0041';
    await denicRequestFor(handle, { deDelegationDays: 2 });
    await gateway.services.verificationRequests.scanDeadlines();
    await gateway.services.verificationRequests.scanDeadlines();
    const reminders = (await eventsOf(handle)).filter((event) => event.type === 'DEADLINE_APPROACHING');
    expect(reminders).toEqual([{ type: 'DEADLINE_APPROACHING', deadlineKind: 'DE_DELEGATION', remainingSeconds: expect.any(Number) }]);
    expect(reminders[0].remainingSeconds).toBeLessThanOrEqual(2 * 86_400);
  });
});

describe('the operator quarantine', () => {
  const signedPost = async (body: string) => {
    const { webhookSecret } = simulator.endpoint();
    const { signRealtimeRegisterBody } = await import('../../src/providers/realtime-register/webhook.js');
    return fetch(`${gateway.url}/webhooks/realtime-register`, { method: 'POST', headers: { signature: signRealtimeRegisterBody(webhookSecret, body) }, body });
  };

  it('lists what was quarantined to a key with events:read, and to no one else', async () => {
    expect((await signedPost('{"test": "ping"}')).status).toBe(202);
    const listed = await fetch(`${gateway.url}/operator/quarantine?limit=5`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { entries: { body: string; reason: string }[] }).entries[0]).toMatchObject({ body: '{"test": "ping"}', reason: 'UNKNOWN_SHAPE' });
    expect((await fetch(`${gateway.url}/operator/quarantine`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/operator/quarantine`, { headers: { authorization: `Bearer ${READ_ONLY_KEY}` } })).status).toBe(403);
    expect((await fetch(`${gateway.url}/operator/quarantine?limit=0`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(400);
  });

  it('counts quarantined deliveries on /metrics', async () => {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_rtr_quarantined_total\{source="rtr-webhook",reason="UNKNOWN_SHAPE"\} [1-9]/);
  });
});
