import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postVeriffDecision } from '../helpers/veriff-decision.js';
import { PERSON, eventually, evidence, rtrHandle, sleep, startDurableRedis, type DurableRedis, untilRedisIs } from './support.js';

/**
 * Mutations while Redis dies and comes back. Before a write is sent, the gateway checks that its store can take what
 * the write records: Redis down means UnavailableError and nothing sent (counted at the simulators). Redis dying while
 * the provider is already at work means the records wait in the outbox, the answer says `eventPending: true`, and they
 * are stored exactly once later: across a gateway restart too (spool file, replayed by the next gateway on the same
 * directory). Counted per mutation: no success without its event eventually stored.
 */

const SUBMIT = `mutation Submit($input: SubmitContactVerificationInput!) {
  submitContactVerification(input: $input) {
    __typename
    ... on SubmitContactVerificationSuccess { eventPending }
    ... on UnavailableError { message retryAfterSeconds }
  }
}`;

const VALIDATE = `mutation Validate($input: ValidateRegistryInput!) {
  validateRegistry(input: $input) {
    __typename
    ... on ValidateRegistrySuccess { eventPending registryCheck { sessionId status } }
    ... on UnavailableError { message }
  }
}`;

const CREATE = `mutation Create($input: CreateContactInput!) { createContact(input: $input) { __typename } }`;
const RESEND = `mutation Resend($input: ResendEmailVerificationInput!) { resendEmailVerification(input: $input) { __typename } }`;

const SUBMITTED_EVENTS = `{ verificationEvents(first: 1000, filter: { types: [VERIFICATION_SUBMITTED] }) {
  edges { node { ... on VerificationSubmittedEvent { contactHandle } } }
} }`;


let redis: DurableRedis;
let spool: string;
const gateways: TestGateway[] = [];

async function gatewayOnSpool(): Promise<TestGateway> {
  const gateway = await startTestGateway({
    env: { REDIS_URL: redis.url, OUTBOX_SPOOL_DIR: spool, OUTBOX_RETRY_INTERVAL_MS: '100' },
    // Veriff's own decision stays away: the test delivers it by hand to whichever gateway is running.
    gateway: { sandbox: { veriffDecisionDelayMs: 600_000 } },
  });
  gateways.push(gateway);
  await untilRedisIs(gateway, 'ok').catch(async (error: Error) => {
    throw new Error(`${error.message}: ${await (await fetch(`${gateway.url}/readyz`)).text()}\n${gateway.logs().slice(-3000)}`);
  });
  return gateway;
}

async function storedSubmissions(gateway: TestGateway): Promise<Map<string, number>> {
  const reply = await gateway.graphql(SUBMITTED_EVENTS);
  expect(reply.errors).toBeUndefined();
  const counts = new Map<string, number>();
  for (const { node } of reply.data.verificationEvents.edges as { node: { contactHandle: string } }[]) counts.set(node.contactHandle, (counts.get(node.contactHandle) ?? 0) + 1);
  return counts;
}

/** Every write the simulators received (reads, e.g. the email-status watcher's, are not counted). */
function writesAt(gateway: TestGateway): Record<string, number> {
  const sandbox = gateway.sandbox!;
  return {
    realtimeRegister: sandbox.realtimeRegister.server.count('/v2/customers/sandbox/contacts', 'POST'),
    openprovider: sandbox.openprovider.server.count('/v1beta/customers/verifications/emails/restart', 'POST'),
    domainNameApi: sandbox.domainNameApi.server.requests.filter((request) => request.body.includes('ResendContactVerificationNotice')).length,
    veriff: sandbox.veriff.server.count('', 'POST'),
  };
}

beforeAll(async () => {
  redis = await startDurableRedis();
  spool = await mkdtemp(join(tmpdir(), 'vgw-outbox-spool-'));
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop().catch(() => undefined);
  await redis?.stop();
  await rm(spool, { recursive: true, force: true });
});

describe('mutations with Redis down', () => {
  it('answer UnavailableError and send nothing upstream', async () => {
    const gateway = await gatewayOnSpool();
    await redis.kill();
    await untilRedisIs(gateway, 'down');
    const before = writesAt(gateway);

    const answers = [
      (await gateway.graphql(SUBMIT, { input: evidence(rtrHandle(401)) })).data?.submitContactVerification,
      (await gateway.graphql(VALIDATE, { input: PERSON })).data?.validateRegistry,
      (
        await gateway.graphql(CREATE, {
          input: { handle: 'outbox-new-1', name: 'Ann Lee', addressLines: ['Main 1'], postalCode: '1000', city: 'Berlin', country: 'DE', email: 'ann@example.com', voice: '+49.301234567' },
        })
      ).data?.createContact,
      (await gateway.graphql(RESEND, { input: { provider: 'OPENPROVIDER', email: 'shared.registrant@example.com' } })).data?.resendEmailVerification,
      (await gateway.graphql(RESEND, { input: { provider: 'DOMAIN_NAME_API', email: 'shared.registrant@example.com' } })).data?.resendEmailVerification,
    ];
    expect(answers.map((answer) => answer?.__typename)).toEqual(Array.from({ length: 5 }, () => 'UnavailableError'));
    expect(writesAt(gateway)).toEqual(before);

    await redis.restart();
    await gateway.stop();
    gateways.splice(gateways.indexOf(gateway), 1);
  });
});

describe('mutations while Redis dies and comes back, across a gateway restart', () => {
  it('store the event of every mutation answered success, exactly once, and send nothing for those refused', async () => {
    let gateway = await gatewayOnSpool();
    let rtr = gateway.sandbox!.realtimeRegister;
    rtr.server.setFaults({ latencyMs: 300 });
    gateway.sandbox!.veriff.server.setFaults({ latencyMs: 300 });
    const updatesOf = (handle: string) => rtr.server.count(`/v2/customers/sandbox/contacts/${handle}/update`, 'POST');

    // 24 submissions 60 ms apart. Redis is killed while the 8th is at the provider and restarted after the 16th, then
    // killed again while the 21st (and a registry check) are at the provider and left down until the gateway stopped:
    // some mutations are refused (store down before sending), some accepted while it dies (their records wait, the
    // last of them in the spool file), the rest go through as usual.
    const handles = Array.from({ length: 24 }, (_, i) => rtrHandle(410 + i));
    const answers: Promise<{ handle: string; typename: string; eventPending?: boolean }>[] = [];
    let check: Promise<{ sessionId: string; eventPending: boolean }> | null = null;
    const atProvider = (handle: string, veriffCalls = 0) =>
      eventually(() => updatesOf(handle) === 1 && gateway.sandbox!.veriff.server.count('', 'POST') >= veriffCalls, 5_000, `${handle} at the provider`);
    for (const [index, handle] of handles.entries()) {
      answers.push(gateway.graphql(SUBMIT, { input: evidence(handle) }).then((reply) => ({ handle, typename: reply.data?.submitContactVerification?.__typename ?? JSON.stringify(reply), eventPending: reply.data?.submitContactVerification?.eventPending })));
      if (index === 20) {
        // The check must be accepted (its record then waits for the second kill): the gateway has to have seen Redis
        // come back first, which under load takes longer than the five submissions since the restart.
        await untilRedisIs(gateway, 'ok');
        check = gateway.graphql(VALIDATE, { input: PERSON }).then((reply) => {
          expect(reply.data?.validateRegistry?.__typename).toBe('ValidateRegistrySuccess');
          return { sessionId: reply.data.validateRegistry.registryCheck.sessionId, eventPending: reply.data.validateRegistry.eventPending };
        });
      }
      if (index === 7) {
        await atProvider(handle);
        await redis.kill();
      }
      if (index === 15) await redis.restart();
      if (index === 20) {
        await atProvider(handle, 1);
        await redis.kill();
      }
      await sleep(60);
    }
    const outcomes = await Promise.all(answers);
    const validated = await check!;

    const succeeded = outcomes.filter((outcome) => outcome.typename === 'SubmitContactVerificationSuccess');
    const refused = outcomes.filter((outcome) => outcome.typename === 'UnavailableError');
    expect(succeeded.length + refused.length).toBe(handles.length);
    expect(refused.length).toBeGreaterThan(0);
    expect(succeeded.filter((outcome) => outcome.eventPending).length).toBeGreaterThan(0);
    expect(validated.eventPending).toBe(true);
    // Refused means nothing was sent.
    expect(refused.map((outcome) => updatesOf(outcome.handle))).toEqual(refused.map(() => 0));

    // The gateway stops while Redis is still down: what it keeps goes to its spool file.
    await gateway.stop();
    gateways.splice(gateways.indexOf(gateway), 1);
    const left = await readdir(spool);
    await redis.restart();

    // The next gateway on the same directory stores them.
    gateway = await gatewayOnSpool();
    rtr = gateway.sandbox!.realtimeRegister;
    const stored = await eventually(async () => {
      const counts = await storedSubmissions(gateway);
      return succeeded.every((outcome) => counts.has(outcome.handle)) ? counts : null;
    }, 20_000, 'every accepted submission stored');
    expect(succeeded.filter((outcome) => stored.get(outcome.handle) !== 1).map((outcome) => outcome.handle)).toEqual([]);
    expect(refused.filter((outcome) => stored.has(outcome.handle)).map((outcome) => outcome.handle)).toEqual([]);
    expect(left.some((name) => name.startsWith('released-'))).toBe(true);

    // Veriff's session is known again, so its decision is taken, not refused for good.
    expect(await postVeriffDecision(gateway.url, validated.sessionId)).toBe(200);
    const decided = await gateway.graphql(`query($id: ID!) { registryCheck(id: $id) { status } }`, { id: validated.sessionId });
    expect(decided.data.registryCheck).toEqual({ status: 'APPROVED' });
    await eventually(async () => (await readdir(spool)).length === 0 || (await gateway.services.outbox.pending()).local === 0, 5_000, 'spool emptied');
  });
});
