import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually, subscribeSse } from './events-support.js';

/** The in-memory sandbox: seeded DENIC requests, the never-acking poller, and submitting evidence for a request. */

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

const REQUESTS = `query Requests($filter: VerificationRequestFilter) {
  verificationRequests(filter: $filter) {
    totalCount
    edges { node { id contactHandle claims status deDelegationDomain deDelegationDeadline deletionDeadline } }
  }
}`;

interface RequestNode {
  id: string;
  contactHandle: string;
  claims: string[];
  status: string;
  deDelegationDomain: string | null;
  deDelegationDeadline: string | null;
  deletionDeadline: string | null;
}

async function requests(filter: Record<string, unknown> = {}): Promise<RequestNode[]> {
  const reply = await gateway.graphql(REQUESTS, { filter });
  expect(reply.errors).toBeUndefined();
  return reply.data.verificationRequests.edges.map((edge: { node: RequestNode }) => edge.node);
}

describe('sandbox DENIC requests', () => {
  it('shows the seeded DENIC requests, both notification shapes parsed, soonest deadline first', async () => {
    const seeded = gateway.sandbox!.realtimeRegister.notifications.notifications().filter((item) => item.message.startsWith('[CONTACT VERIFICATION REQUIRED]'));
    expect(seeded.length).toBe(3);
    expect(seeded.some((item) => Object.keys(item.payload).length === 0)).toBe(true); // one is message-only
    const rows = await eventually(async () => {
      const found = await requests({ providers: ['REALTIME_REGISTER'] });
      return found.length >= seeded.length ? found : null;
    });
    expect(rows.map((row) => row.contactHandle).sort()).toEqual(seeded.map((item) => item.processIdentifier).sort());
    for (const row of rows) {
      expect(row.status).toBe('OPEN');
      expect(row.claims.length).toBeGreaterThan(0);
      expect(row.deDelegationDomain).toMatch(/\.de$/);
      expect(row.deDelegationDeadline).not.toBeNull();
      expect(row.deletionDeadline).not.toBeNull();
    }
    const deadlines = rows.map((row) => Date.parse(row.deDelegationDeadline!));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
  });

  it('replays the seeded requests to a subscriber from the start of the log, then a new one arrives live', async () => {
    const subscription = subscribeSse(gateway, { filter: { types: ['VERIFICATION_REQUIRED'] }, after: '0-0' });
    const replayed = [];
    for (let i = 0; i < 3; i++) replayed.push((await subscription.next()).data?.verificationEvents);
    expect(replayed.map((event) => event?.type)).toEqual(['VERIFICATION_REQUIRED', 'VERIFICATION_REQUIRED', 'VERIFICATION_REQUIRED']);

    // As a person would in the sandbox: inject a DENIC request through the simulator's control API.
    const control = await fetch(`${gateway.sandbox!.realtimeRegister.server.url}/__control/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle: 'rtr-0042', claims: ['EMAIL'], deDelegationDomain: 'live.de', deDelegationDate: '2030-01-01T00:00:00Z', shape: 'message' }),
    });
    expect(control.status).toBe(201);
    const live = (await subscription.next()).data?.verificationEvents;
    expect(live?.request).toMatchObject({ contactHandle: 'rtr-0042', claims: ['EMAIL'], deDelegationDomain: 'live.de', deDelegationDeadline: '2030-01-01T00:00:00.000Z' });
    await subscription.close();
  });
});

describe('notification poller with the in-memory event log', () => {
  it('reads the queue but never acknowledges, and says so once at start-up', async () => {
    const simulator = gateway.sandbox!.realtimeRegister;
    await gateway.services.verificationRequests.pollNotifications();
    await gateway.services.verificationRequests.pollNotifications();
    expect(simulator.server.count('/v2/customers/sandbox/notifications/poll', 'GET')).toBeGreaterThanOrEqual(2);
    expect(simulator.server.count('/v2/customers/sandbox/notifications/', 'POST')).toBe(0);
    expect(gateway.logs().match(/never acknowledged/g)?.length).toBe(1);
  });
});

describe('submitting evidence for a request', () => {
  const SUBMIT = `mutation Submit($input: SubmitContactVerificationInput!) {
    submitContactVerification(input: $input) {
      __typename
      ... on SubmitContactVerificationSuccess { request { id status } }
      ... on InputError { message }
    }
  }`;

  it('makes the request SUBMITTED when the evidence covers its claims', async () => {
    const simulator = gateway.sandbox!.realtimeRegister;
    const injected = simulator.injectDenicRequest({ handle: 'rtr-0007', claims: ['NAME', 'ADDRESS'], deDelegationDomain: 'submit.de', deDelegationDate: '2030-06-01T00:00:00Z' });
    const [request] = await eventually(async () => {
      const found = await requests({ contactHandle: 'rtr-0007' });
      return found.find((row) => row.deDelegationDomain === 'submit.de') ? found.filter((row) => row.deDelegationDomain === 'submit.de') : null;
    });
    expect(request!.id).toBeTruthy();
    const reply = await gateway.graphql(SUBMIT, {
      input: {
        handle: 'rtr-0007',
        requestId: request!.id,
        verifications: [{ verifiedAt: '2026-04-16T00:00:00Z', externalId: `kyc-${injected.id}`, method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] }],
      },
    });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.submitContactVerification).toMatchObject({ __typename: 'SubmitContactVerificationSuccess', request: { status: 'SUBMITTED' } });
    expect((await requests({ contactHandle: 'rtr-0007', status: ['SUBMITTED'] })).map((row) => row.deDelegationDomain)).toContain('submit.de');
  });
});
