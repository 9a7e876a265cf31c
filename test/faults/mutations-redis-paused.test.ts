import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postVeriffDecision } from '../helpers/veriff-decision.js';
import { PERSON, eventually, evidence, rtrHandle, sleep, startDurableRedis, type DurableRedis, untilRedisIs } from './support.js';

/**
 * Mutations while Redis is paused (SIGSTOP) rather than killed: the connection stays up but nothing answers, and
 * every command sent meanwhile runs when it is woken (SIGCONT), timed-out ones included. Counted: refused means
 * nothing reached a provider; accepted while it froze means `eventPending` and, once woken, each event stored exactly
 * once (the timed-out write and the outbox's retry of it must not both land).
 */

const SUBMIT = `mutation($input: SubmitContactVerificationInput!) {
  submitContactVerification(input: $input) { __typename ... on SubmitContactVerificationSuccess { eventPending } }
}`;
const VALIDATE = `mutation($input: ValidateRegistryInput!) {
  validateRegistry(input: $input) { __typename ... on ValidateRegistrySuccess { eventPending registryCheck { sessionId } } }
}`;
const RESEND = `mutation($input: ResendEmailVerificationInput!) { resendEmailVerification(input: $input) { __typename } }`;
const CREATE = `mutation($input: CreateContactInput!) { createContact(input: $input) { __typename } }`;
const SUBMITTED = `{ verificationEvents(first: 1000, filter: { types: [VERIFICATION_SUBMITTED] }) { edges { node { ... on VerificationSubmittedEvent { contactHandle } } } } }`;
const DECIDED = `{ verificationEvents(first: 1000, filter: { types: [REGISTRY_CHECK_DECIDED] }) { edges { node { ... on RegistryCheckDecidedEvent { registryCheck { sessionId } } } } } }`;

let redis: DurableRedis;
let gateway: TestGateway;

function writes(): number {
  const sandbox = gateway.sandbox!;
  return (
    sandbox.realtimeRegister.server.requests.filter((request) => request.method === 'POST').length +
    sandbox.openprovider.server.count('/v1beta/customers/verifications/emails/restart', 'POST') +
    sandbox.domainNameApi.server.requests.filter((request) => request.body.includes('ResendContactVerificationNotice')).length +
    sandbox.veriff.server.count('', 'POST')
  );
}

beforeAll(async () => {
  redis = await startDurableRedis();
  gateway = await startTestGateway({
    env: { REDIS_URL: redis.url, OUTBOX_RETRY_INTERVAL_MS: '100' },
    gateway: { sandbox: { veriffDecisionDelayMs: 600_000 } },
  });
  await untilRedisIs(gateway, 'ok');
});

afterAll(async () => {
  redis?.resume();
  await gateway?.stop();
  await redis?.stop();
});

describe('mutations while Redis is paused', () => {
  it('refuse with UnavailableError and send nothing upstream', async () => {
    redis.pause();
    try {
      const before = writes();
      const answers = [
        (await gateway.graphql(SUBMIT, { input: evidence(rtrHandle(301)) })).data?.submitContactVerification?.__typename,
        (await gateway.graphql(VALIDATE, { input: PERSON })).data?.validateRegistry?.__typename,
        (await gateway.graphql(RESEND, { input: { provider: 'OPENPROVIDER', email: 'shared.registrant@example.com' } })).data?.resendEmailVerification?.__typename,
        (
          await gateway.graphql(CREATE, {
            input: { handle: 'paused-new-1', name: 'Ann Lee', addressLines: ['Main 1'], postalCode: '1000', city: 'Berlin', country: 'DE', email: 'ann@example.com', voice: '+49.301234567' },
          })
        ).data?.createContact?.__typename,
      ];
      expect(answers).toEqual(['UnavailableError', 'UnavailableError', 'UnavailableError', 'UnavailableError']);
      expect(writes()).toBe(before);
    } finally {
      redis.resume();
    }
  });

  it('accepted while it froze: eventPending, then each event stored exactly once after it wakes', async () => {
    gateway.sandbox!.realtimeRegister.server.setFaults({ latencyMs: 400 });
    gateway.sandbox!.veriff.server.setFaults({ latencyMs: 400 });
    const handles = [rtrHandle(311), rtrHandle(312), rtrHandle(313)];
    const submits = handles.map((handle) => gateway.graphql(SUBMIT, { input: evidence(handle) }));
    const validate = gateway.graphql(VALIDATE, { input: PERSON });
    await eventually(() => handles.every((handle) => gateway.sandbox!.realtimeRegister.server.count(`/v2/customers/sandbox/contacts/${handle}/update`, 'POST') === 1), 5_000, 'at the provider');
    redis.pause();
    const answers = (await Promise.all(submits)).map((reply) => reply.data?.submitContactVerification);
    const check = (await validate).data?.validateRegistry;
    await sleep(1_000);
    redis.resume();
    gateway.sandbox!.realtimeRegister.server.setFaults({});
    gateway.sandbox!.veriff.server.setFaults({});

    expect(answers).toEqual(handles.map(() => ({ __typename: 'SubmitContactVerificationSuccess', eventPending: true })));
    expect(check).toMatchObject({ __typename: 'ValidateRegistrySuccess', eventPending: true });
    await eventually(async () => (await gateway.services.outbox.pending()).local === 0 && (await gateway.services.outbox.pending()).shared === 0, 10_000, 'outbox drained');
    // Drain twice more: what was already stored stays stored once.
    await gateway.services.outbox.drainNow();
    const reply = await gateway.graphql(SUBMITTED);
    const counts = new Map<string, number>();
    for (const { node } of reply.data.verificationEvents.edges as { node: { contactHandle: string } }[]) counts.set(node.contactHandle, (counts.get(node.contactHandle) ?? 0) + 1);
    expect(handles.map((handle) => counts.get(handle))).toEqual([1, 1, 1]);

    // The check is known, so Veriff's decision is taken, once.
    expect(await postVeriffDecision(gateway.url, check.registryCheck.sessionId)).toBe(200);
    expect(await postVeriffDecision(gateway.url, check.registryCheck.sessionId)).toBe(200);
    const decided = await gateway.graphql(DECIDED);
    expect(decided.data.verificationEvents.edges.filter((edge: { node: { registryCheck: { sessionId: string } } }) => edge.node.registryCheck.sessionId === check.registryCheck.sessionId)).toHaveLength(1);
  });
});
