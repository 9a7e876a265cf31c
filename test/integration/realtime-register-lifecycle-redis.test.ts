import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { reminderKey } from '../../src/domain/deadline-reminders.js';
import type { VerificationRequest } from '../../src/domain/verification-request.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createDeadlineWatch } from '../../src/services/deadline-watch.js';
import { createEventService } from '../../src/services/events.js';
import { MemoryLocks } from '../../src/store/locks.js';
import { createStores, type Stores } from '../../src/store/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { eventually } from './events-support.js';

/**
 * The lifecycle across instances on one real redis-server: a follow-up outlives the gateway that started it, and
 * each deadline reminder goes out exactly once however many instances scan.
 */
let redis: RedisServerHandle;
let sandbox: Sandbox;
const running = new Set<TestGateway>();
const DAY = 86_400_000;

const lifecycle: Config['verificationLifecycle'] = {
  processFollowInitialMs: 20,
  processFollowMaxMs: 60,
  processFollowTickMs: 20,
  processFollowSlowAfterMs: DAY,
  processFollowSlowIntervalMs: 900_000,
  reminderThresholdsSeconds: [7 * 86_400, 3 * 86_400, 86_400],
  deadlineScanIntervalMs: 40,
};

beforeAll(async () => {
  redis = await startRedisServer();
  // One set of simulators for every gateway here, so a process started through one is followed by another.
  sandbox = await startSandbox({ gatewayUrl: () => [...running][0]?.url ?? null, realtimeRegister: { asyncShare: 0, seedDenicRequests: 0 } });
});

afterAll(async () => {
  await Promise.allSettled([...running].map((gateway) => gateway.stop()));
  await sandbox?.stop();
  await redis?.stop();
});

async function gatewayOnRedis(): Promise<TestGateway> {
  const gateway = await startTestGateway({ env: { REDIS_URL: redis.url }, overrides: { verificationLifecycle: lifecycle }, gateway: { sandbox: { existing: sandbox } } });
  running.add(gateway);
  await eventually(async () => ((await (await fetch(`${gateway.url}/readyz`)).json()) as { redis?: string }).redis === 'ok');
  return gateway;
}

async function stopGateway(gateway: TestGateway): Promise<void> {
  running.delete(gateway);
  await gateway.stop();
}

const REQUEST = `query Request($filter: VerificationRequestFilter) { verificationRequests(filter: $filter) { edges { node { id status submissions { status processId } } } } }`;
const EVENTS = `query Events($filter: VerificationEventFilter) {
  verificationEvents(filter: $filter, first: 100) { edges { node { type ... on VerificationRequestChangedEvent { previousStatus request { status } } ... on DeadlineApproachingEvent { deadlineKind } } } }
}`;
const SUBMIT = `mutation Submit($input: SubmitContactVerificationInput!) {
  submitContactVerification(input: $input) { __typename ... on SubmitContactVerificationSuccess { processId request { status } } ... on Error { message } }
}`;

/**
 * True when the only errors say the store was slow to answer (Redis commands time out at 500 ms, which a machine
 * shared with other test files can exceed): a read polled until a condition holds then simply asks again.
 */
const storeWasSlow = (errors: { extensions?: { code?: string } }[] | undefined) => !!errors?.length && errors.every((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE');

async function requestOf(gateway: TestGateway, handle: string): Promise<{ id: string; status: string } | null> {
  const reply = await gateway.graphql(REQUEST, { filter: { contactHandle: handle } });
  if (storeWasSlow(reply.errors)) return null;
  expect(reply.errors).toBeUndefined();
  return reply.data.verificationRequests.edges[0]?.node ?? null;
}

async function eventsOf(gateway: TestGateway, handle: string): Promise<any[]> {
  const reply = await gateway.graphql(EVENTS, { filter: { contactHandle: handle } });
  expect(reply.errors).toBeUndefined();
  return reply.data.verificationEvents.edges.map((edge: { node: unknown }) => edge.node);
}

function inject(handle: string, deDelegationDays: number): void {
  const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();
  sandbox.realtimeRegister.injectDenicRequest({ handle, claims: ['NAME', 'ADDRESS'], deDelegationDomain: `${handle}.de`, deDelegationDate: at(deDelegationDays), deletionDomain: `${handle}.de`, deletionDate: at(deDelegationDays + 30) });
}

describe('a follow-up outlives its gateway', () => {
  it('is finished by another gateway on the same Redis after the first one stopped mid-follow-up', async () => {
    const handle = 'rtr-0051';
    const first = await gatewayOnRedis();
    inject(handle, 10);
    const requestId = (await eventually(() => requestOf(first, handle)))!.id;
    // Held open: the process answers RUNNING until the plan changes.
    sandbox.realtimeRegister.planProcess({ handle, outcome: 'COMPLETED', checks: 10_000 });
    const submitted = await first.graphql(SUBMIT, { input: { handle, requestId, verifications: [{ verifiedAt: '2026-11-20T00:00:00Z', externalId: 'kyc-restart', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] }] } });
    // Whole, so a refusal (a store or provider too slow on a loaded machine) says which it was.
    expect(submitted.data.submitContactVerification).toMatchObject({ __typename: 'SubmitContactVerificationSuccess', request: { status: 'PROCESSING' } });
    const processId = submitted.data.submitContactVerification.processId as string;
    const checks = () => sandbox.realtimeRegister.server.count(`/v2/processes/${processId}`, 'GET');
    await eventually(async () => checks() >= 2);

    await stopGateway(first);
    const checksByFirst = checks();
    sandbox.realtimeRegister.planProcess({ handle, outcome: 'COMPLETED', checks: 0 });
    const second = await gatewayOnRedis();
    expect((await requestOf(second, handle))?.status).toBe('PROCESSING');

    await eventually(async () => (await requestOf(second, handle))?.status === 'SUBMITTED');
    expect(checks()).toBeGreaterThan(checksByFirst);
    const changes = (await eventsOf(second, handle)).filter((event) => event.type === 'VERIFICATION_REQUEST_CHANGED');
    expect(changes.map((event) => `${event.previousStatus}->${event.request.status}`)).toEqual(['OPEN->PROCESSING', 'PROCESSING->SUBMITTED']);
    await stopGateway(second);
  });
});

describe('deadline reminders with two instances', () => {
  it('emits each reminder once while two gateways scan, and still once after the scanning one stops', async () => {
    const handle = 'rtr-0052';
    const a = await gatewayOnRedis();
    const b = await gatewayOnRedis();
    inject(handle, 2);
    await eventually(() => requestOf(a, handle));
    const reminders = async () => (await eventsOf(b, handle)).filter((event) => event.type === 'DEADLINE_APPROACHING');
    await eventually(async () => (await reminders()).length > 0);
    // Both keep scanning (one holds the lease); then the holder goes and the other takes over and scans everything.
    for (let i = 0; i < 5; i++) await Promise.all([a.services.verificationRequests.scanDeadlines(), b.services.verificationRequests.scanDeadlines()]);
    await stopGateway(a);
    for (let i = 0; i < 5; i++) await b.services.verificationRequests.scanDeadlines();
    await eventually(async () => (await b.services.verificationRequests.scanDeadlines()) === 0 && (await b.services.verificationRequests.scanDeadlines()) === 0);
    expect(await reminders()).toEqual([{ type: 'DEADLINE_APPROACHING', deadlineKind: 'DE_DELEGATION' }]);
    await stopGateway(b);
  });

  it('emits each reminder once even when two scans run at the same moment without a lease (the claim is in Redis)', async () => {
    const metrics = createMetrics();
    const logger = silentLogger();
    const stores: Stores[] = [createStores({ redisUrls: [redis.url], metrics, logger }), createStores({ redisUrls: [redis.url], metrics: createMetrics(), logger })];
    try {
      await Promise.all(stores.map((store) => store.redis!.ready(5_000)));
      const request: VerificationRequest = {
        id: 'rtr:sandbox:race-1',
        provider: 'REALTIME_REGISTER',
        customer: 'sandbox',
        contactHandle: 'h-race',
        claims: ['NAME'],
        status: 'OPEN',
        message: 'verify',
        receivedAt: new Date().toISOString(),
        deDelegationDomain: 'race.de',
        deDelegationDeadline: new Date(Date.now() + 12 * 3_600_000).toISOString(),
        deletionDomain: null,
        deletionDeadline: null,
        notificationId: 'race-1',
      };
      await stores[0]!.verificationRequests.put(request);
      const watches = stores.map((store, index) => {
        const events = createEventService({ stores: store, metrics: index === 0 ? metrics : createMetrics(), logger });
        return createDeadlineWatch({
          lifecycle: { requests: store.verificationRequests, followUps: store.processFollowUps, events, logger, followInitialMs: 1_000 },
          claims: store.claims,
          // Separate in-process locks: both hold "the" lease, as two instances would while a lease changes hands.
          locks: new MemoryLocks(),
          intervalMs: 60_000,
          thresholdsSeconds: lifecycle.reminderThresholdsSeconds,
          logger,
        });
      });
      // start() runs a first scan at once on each; two more rounds each follow right behind.
      watches.forEach((watch) => watch.start());
      await Promise.all(watches.flatMap((watch) => [watch.scanNow(), watch.scanNow()]));
      await Promise.all(watches.map((watch) => watch.stop()));
      const stored = await stores[1]!.eventLog.read({ limit: 100, filter: { contactHandle: 'h-race', types: ['DEADLINE_APPROACHING'] } });
      expect(stored).toHaveLength(1);
      // The claim is in Redis: a third party asking for the same reminder is refused.
      const key = reminderKey(request.id, 'DE_DELEGATION', request.deDelegationDeadline!, 86_400);
      expect(await stores[1]!.claims.claim(key, 60_000)).toBe(false);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
