import { describe, expect, it } from 'vitest';
import { loadConfig, type Config, type RealtimeRegisterConfig } from '../../src/config.js';
import { InputRejected } from '../../src/domain/errors.js';
import type { VerificationRequest } from '../../src/domain/verification-request.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics, type GatewayMetrics } from '../../src/observability/metrics.js';
import type { ProviderClients } from '../../src/providers/clients.js';
import { WEBHOOK_SIGNATURE_READINGS } from '../../src/providers/realtime-register/assumptions.js';
import { signRealtimeRegisterBody } from '../../src/providers/realtime-register/webhook.js';
import { createEventService } from '../../src/services/events.js';
import { createVerificationRequestService, type SubmissionRecord, type VerificationRequestService } from '../../src/services/verification-requests.js';
import { createStores, EventLogUnavailable, StoreUnavailable, type Stores } from '../../src/store/index.js';

const SECRET = 'unit-test-secret';

function setup(rtr: Partial<RealtimeRegisterConfig> = {}): { stores: Stores; service: VerificationRequestService; metrics: GatewayMetrics } {
  const metrics = createMetrics();
  const logger = silentLogger();
  const stores = createStores({ redisUrls: [], metrics, logger });
  const base = loadConfig({});
  const config: Config = {
    ...base,
    providers: {
      ...base.providers,
      realtimeRegister: { apiKey: 'k', customer: 'acme', baseUrl: 'http://127.0.0.1:9', webhookSecret: SECRET, pollIntervalMs: 60_000, ...rtr },
    },
  };
  const clients = { realtimeRegister: null, openprovider: null, domainNameApi: null, veriff: null } as unknown as ProviderClients;
  const events = createEventService({ stores, metrics, logger });
  return { stores, metrics, service: createVerificationRequestService({ config, stores, clients, metrics, logger, events }) };
}

function request(id: string, overrides: Partial<VerificationRequest> = {}): VerificationRequest {
  return {
    id,
    provider: 'REALTIME_REGISTER',
    customer: 'acme',
    contactHandle: 'h-1',
    claims: ['NAME'],
    status: 'OPEN',
    message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME]',
    receivedAt: '2026-01-01T00:00:00.000Z',
    deDelegationDomain: null,
    deDelegationDeadline: null,
    deletionDomain: null,
    deletionDeadline: null,
    notificationId: id,
    submittedAt: null,
    ...overrides,
  };
}

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const ids = (page: { items: { node: VerificationRequest }[] }) => page.items.map((item) => item.node.id);

async function seed(stores: Stores): Promise<void> {
  await stores.verificationRequests.put(request('no-deadline-old', { receivedAt: '2026-01-01T00:00:00.000Z' }));
  await stores.verificationRequests.put(request('no-deadline-new', { receivedAt: '2026-02-01T00:00:00.000Z' }));
  await stores.verificationRequests.put(request('deletion-in-5', { deletionDeadline: future(5), contactHandle: 'h-2' }));
  await stores.verificationRequests.put(request('dedelegation-in-3', { deDelegationDeadline: future(3), deletionDeadline: future(30) }));
  await stores.verificationRequests.put(request('overdue', { deDelegationDeadline: future(-1) }));
  await stores.verificationRequests.put(request('submitted', { deDelegationDeadline: future(-2), status: 'SUBMITTED', submittedAt: future(-3) }));
  await stores.verificationRequests.put(request('b-tie', { deDelegationDeadline: '2030-01-01T00:00:00.000Z' }));
  await stores.verificationRequests.put(request('a-tie', { deDelegationDeadline: '2030-01-01T00:00:00.000Z' }));
}

describe('verification request list', () => {
  it('orders by earliest deadline, deadlines before none, then receivedAt, then id', async () => {
    const { stores, service } = setup();
    await seed(stores);
    const page = await service.list(null, {});
    expect(ids(page)).toEqual(['submitted', 'overdue', 'dedelegation-in-3', 'deletion-in-5', 'a-tie', 'b-tie', 'no-deadline-old', 'no-deadline-new']);
    expect(page.totalCount).toBe(8);
  });

  it('filters by derived status: OPEN past its deadline is OVERDUE, SUBMITTED stays SUBMITTED', async () => {
    const { stores, service } = setup();
    await seed(stores);
    expect(ids(await service.list({ status: ['OVERDUE'] }, {}))).toEqual(['overdue']);
    expect(ids(await service.list({ status: ['SUBMITTED'] }, {}))).toEqual(['submitted']);
    expect((await service.list({ status: ['OPEN'] }, {})).totalCount).toBe(6);
  });

  it('filters by contact handle, provider and deadlineBefore', async () => {
    const { stores, service } = setup();
    await seed(stores);
    expect(ids(await service.list({ contactHandle: 'h-2' }, {}))).toEqual(['deletion-in-5']);
    expect((await service.list({ providers: ['OPENPROVIDER'] }, {})).totalCount).toBe(0);
    expect(ids(await service.list({ deadlineBefore: future(4) }, {}))).toEqual(['submitted', 'overdue', 'dedelegation-in-3']);
  });

  it('rejects a deadlineBefore that is not an ISO date-time', async () => {
    const { service } = setup();
    for (const bad of ['tomorrow', '2026-05-01', '2026-02-30T00:00:00Z']) {
      const error = await service.list({ deadlineBefore: bad }, {}).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(InputRejected);
      expect((error as InputRejected).fieldErrors[0]?.path).toEqual(['filter', 'deadlineBefore']);
    }
  });

  it('walks every request exactly once with cursors', async () => {
    const { stores, service } = setup();
    await seed(stores);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await service.list(null, { first: 3, after });
      seen.push(...ids(page));
      expect(page.totalCount).toBe(8);
      if (!page.hasNextPage) break;
      after = page.items.at(-1)!.cursor;
    }
    expect(seen).toEqual(ids(await service.list(null, {})));
  });

  it('keeps its place when a request is added between pages', async () => {
    const { stores, service } = setup();
    await seed(stores);
    const first = await service.list(null, { first: 2 });
    await stores.verificationRequests.put(request('urgent-new', { deDelegationDeadline: future(-10) }));
    const second = await service.list(null, { first: 2, after: first.items[1]!.cursor });
    expect(ids(second)).toEqual(['dedelegation-in-3', 'deletion-in-5']);
  });

  it('rejects forged cursors and page sizes outside 1..1000', async () => {
    const { service } = setup();
    const forged = [
      'not a cursor',
      Buffer.from('vr1:{"x":1}').toString('base64url'),
      Buffer.from('vr1:[null,"not a date","id"]').toString('base64url'),
      Buffer.from('xx:[null,"2026-01-01T00:00:00Z","id"]').toString('base64url'),
    ];
    for (const after of forged) await expect(service.list(null, { after })).rejects.toBeInstanceOf(InputRejected);
    await expect(service.list(null, { first: -1 })).rejects.toBeInstanceOf(InputRejected);
    expect((await service.list(null, { first: 0 })).items).toEqual([]);
    await expect(service.list(null, { first: 1001 })).rejects.toBeInstanceOf(InputRejected);
    expect((await service.list(null, { first: 1000 })).items).toEqual([]);
  });
});

describe('verification requests of one contact', () => {
  it('returns the contact’s requests in list order, with a status filter', async () => {
    const { stores, service } = setup();
    await seed(stores);
    await stores.verificationRequests.put(request('other-customer', { customer: 'someone-else' }));
    const all = await service.forContact('h-1', 'acme', null);
    expect(all.map((item) => item.id)).toEqual(['submitted', 'overdue', 'dedelegation-in-3', 'a-tie', 'b-tie', 'no-deadline-old', 'no-deadline-new']);
    expect((await service.forContact('h-1', 'acme', ['OVERDUE'])).map((item) => item.id)).toEqual(['overdue']);
    expect((await service.forContact('h-1', null, null)).length).toBe(8);
  });

  it('answers every contact from one snapshot, read once and only when first asked', async () => {
    const { stores, service } = setup();
    await seed(stores);
    await stores.verificationRequests.put(request('other-customer', { customer: 'someone-else' }));
    let reads = 0;
    const list = stores.verificationRequests.list.bind(stores.verificationRequests);
    stores.verificationRequests.list = () => (reads++, list());
    const snapshot = service.snapshot();
    expect(reads).toBe(0);
    const [acme, any] = await Promise.all([service.forContact('h-1', 'acme', null, snapshot), service.forContact('h-1', null, null, snapshot)]);
    expect([acme.length, any.length, reads]).toEqual([7, 8, 1]);
  });
});

describe('recordSubmission', () => {
  const idCard = { verifiedAt: '2026-04-16T00:00:00.000Z', externalId: 'kyc-1', method: 'ELECTRONIC_DOCUMENT' as const, proof: 'ID_CARD' as const, claims: ['NAME' as const] };
  const accepted = (requestId: string | null, submittedAt: string, extra: Partial<SubmissionRecord> = {}): SubmissionRecord => ({
    customer: 'acme',
    handle: 'h-1',
    verifications: [idCard],
    requestId,
    async: false,
    processId: '500001',
    submittedAt,
    submittedBy: 'dashboard',
    ...extra,
  });

  it('makes an overdue request SUBMITTED with an ACCEPTED submission, and announces both the sending and the change', async () => {
    const { stores, service } = setup();
    await seed(stores);
    const now = new Date().toISOString();
    const submitted = await service.recordSubmission(accepted('overdue', now));
    expect(submitted).toMatchObject({ status: 'SUBMITTED', submittedAt: now });
    expect(submitted?.submissions).toEqual([
      { submittedAt: now, verifications: [idCard], processId: '500001', status: 'ACCEPTED', failureReason: null, submittedBy: 'dashboard' },
    ]);
    expect(await service.get('overdue')).toEqual(submitted);
    const events = await stores.eventLog.read({ limit: 10 });
    expect(events.map((event) => event.type)).toEqual(['VERIFICATION_SUBMITTED', 'VERIFICATION_REQUEST_CHANGED']);
    expect(events[1]).toMatchObject({ previousStatus: 'OVERDUE', request: { id: 'overdue', status: 'SUBMITTED' } });
  });

  it('records one sending once, however often it is retried', async () => {
    const { stores, service } = setup();
    await seed(stores);
    const record = accepted('no-deadline-old', '2026-05-01T10:00:00.000Z');
    const first = await service.recordSubmission(record);
    expect(await service.recordSubmission(record)).toEqual(first);
    expect(first?.submissions).toHaveLength(1);
    expect(await stores.eventLog.read({ limit: 10 })).toHaveLength(2);
  });

  it('keeps every sending in order, the later one too', async () => {
    const { stores, service } = setup();
    await seed(stores);
    await service.recordSubmission(accepted('no-deadline-old', '2026-05-01T10:00:00.000Z'));
    const second = await service.recordSubmission(accepted('no-deadline-old', '2026-05-02T10:00:00.000Z', { processId: '500002', submittedBy: null }));
    expect(second?.submissions?.map((submission) => [submission.submittedAt, submission.submittedBy])).toEqual([
      ['2026-05-01T10:00:00.000Z', 'dashboard'],
      ['2026-05-02T10:00:00.000Z', null],
    ]);
    const changes = (await stores.eventLog.read({ limit: 10 })).filter((event) => event.type === 'VERIFICATION_REQUEST_CHANGED');
    expect(changes).toHaveLength(1);
  });

  it('makes a request PROCESSING on a 202 and keeps a follow-up of its process in the store', async () => {
    const { stores, service } = setup();
    await seed(stores);
    const processing = await service.recordSubmission(accepted('no-deadline-new', '2026-05-01T10:00:00.000Z', { async: true, processId: '777' }));
    expect(processing).toMatchObject({ status: 'PROCESSING', submittedAt: null, submissions: [expect.objectContaining({ status: 'PROCESSING', processId: '777' })] });
    expect(await stores.processFollowUps.get('777')).toMatchObject({ requestId: 'no-deadline-new', customer: 'acme', checks: 0 });
  });

  it('still announces evidence sent without a request, and stores no request', async () => {
    const { stores, service } = setup();
    expect(await service.recordSubmission(accepted(null, '2026-05-01T10:00:00.000Z'))).toBeNull();
    expect((await stores.eventLog.read({ limit: 10 })).map((event) => event.type)).toEqual(['VERIFICATION_SUBMITTED']);
  });
});

describe('Realtime Register webhook', () => {
  const body = Buffer.from(
    JSON.stringify({
      id: 99,
      fireDate: '2026-03-01T00:00:00Z',
      message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]',
      eventType: 'CONTACT_VERIFICATION_REQUIRED',
      notificationType: 'ContactVerificationNotification',
      payload: {},
      isAsync: false,
      processType: 'contact',
      processIdentifier: 'h-9',
    }),
  );
  const signed = (bytes: Buffer) => ({ body: bytes, headers: { signature: signRealtimeRegisterBody(SECRET, bytes) } });

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const { stores, service } = setup();
    expect((await service.webhook({ body, headers: {} })).status).toBe(401);
    expect((await service.webhook({ body, headers: { signature: signRealtimeRegisterBody('other', body) } })).status).toBe(401);
    expect((await service.webhook({ body, headers: { signature: 'short' } })).status).toBe(401);
    expect(await stores.verificationRequests.list()).toEqual([]);
    expect(await stores.eventLog.read({ limit: 10 })).toEqual([]);
  });

  it('accepts the signature in every documented reading', async () => {
    const { service } = setup();
    for (const reading of WEBHOOK_SIGNATURE_READINGS) {
      expect((await service.webhook({ body, headers: { signature: signRealtimeRegisterBody(SECRET, body, reading) } })).status).toBe(200);
    }
  });

  it('quarantines signed bodies it cannot use and answers 202, so the provider never retries them', async () => {
    const { stores, service, metrics } = setup();
    const junk = ['{not json', '[]', '{"message":"no id"}', '{"id":"x1"}'];
    for (const text of junk) {
      const answer = await service.webhook(signed(Buffer.from(text)));
      expect(answer).toMatchObject({ status: 202, body: { quarantined: true } });
    }
    const kept = await service.quarantined(10);
    expect(kept.map((entry) => [entry.reason, entry.body])).toEqual([
      ['UNKNOWN_SHAPE', '{"id":"x1"}'],
      ['UNKNOWN_SHAPE', '{"message":"no id"}'],
      ['UNKNOWN_SHAPE', '[]'],
      ['NOT_JSON', '{not json'],
    ]);
    expect(await stores.verificationRequests.list()).toEqual([]);
    expect(await metrics.registry.getSingleMetricAsString('gateway_rtr_quarantined_total')).toContain('source="rtr-webhook",reason="UNKNOWN_SHAPE"} 3');
  });

  it('answers 503 when even the quarantine cannot keep a delivery', async () => {
    const { stores, service } = setup();
    stores.quarantine.add = async () => {
      throw new StoreUnavailable('down');
    };
    expect((await service.webhook(signed(Buffer.from('{not json')))).status).toBe(503);
  });

  it('with a secret and Basic credentials configured, takes either one alone (RTR sends one "instead of" the other) and refuses any wrong one', async () => {
    const { stores, service } = setup({ webhookBasic: { username: 'rtr', password: 'pa:ss' } });
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    const signature = signRealtimeRegisterBody(SECRET, body);
    // Refused: nothing presented, a wrong one alone, or a wrong one beside a right one.
    expect((await service.webhook({ body, headers: {} })).status).toBe(401);
    expect((await service.webhook({ body, headers: { authorization: basic('rtr:wrong') } })).status).toBe(401);
    expect((await service.webhook({ body, headers: { signature: 'AAAA' } })).status).toBe(401);
    expect((await service.webhook({ body, headers: { signature, authorization: basic('rtr:wrong') } })).status).toBe(401);
    expect((await service.webhook({ body, headers: { signature: 'AAAA', authorization: basic('rtr:pa:ss') } })).status).toBe(401);
    expect(await stores.verificationRequests.list()).toEqual([]);
    // Taken: either credential alone, or both.
    expect((await service.webhook({ body, headers: { authorization: basic('rtr:pa:ss') } })).status).toBe(200);
    expect((await service.webhook({ body, headers: { signature } })).status).toBe(200);
    expect((await service.webhook({ body, headers: { signature, authorization: basic('rtr:pa:ss') } })).status).toBe(200);
  });

  it('takes Basic credentials alone when no secret is configured', async () => {
    const { service } = setup({ webhookSecret: null, webhookBasic: { username: 'rtr', password: 'secret-pass' } });
    const authorization = `Basic ${Buffer.from('rtr:secret-pass').toString('base64')}`;
    expect((await service.webhook({ body, headers: {} })).status).toBe(401);
    expect((await service.webhook({ body, headers: { authorization } })).status).toBe(200);
  });

  it('stores one request and one event however often the notification is delivered', async () => {
    const { stores, service } = setup();
    for (let i = 0; i < 3; i++) expect((await service.webhook(signed(body))).status).toBe(200);
    expect(await stores.verificationRequests.list()).toEqual([expect.objectContaining({ id: 'rtr:99', contactHandle: 'h-9', claims: ['NAME', 'ADDRESS'], status: 'OPEN' })]);
    const stored = await stores.eventLog.read({ limit: 10 });
    expect(stored.map((event) => event.type)).toEqual(['VERIFICATION_REQUIRED']);
  });

  it('does not reopen a request that was submitted before a redelivery', async () => {
    const { service } = setup();
    await service.webhook(signed(body));
    await service.recordSubmission({
      customer: 'acme', handle: 'h-9', verifications: [], requestId: 'rtr:99', async: false, processId: null, submittedAt: '2026-05-01T00:00:00.000Z', submittedBy: null,
    });
    await service.webhook(signed(body));
    expect((await service.get('rtr:99'))?.status).toBe('SUBMITTED');
  });

  it('passes other notifications through as PROVIDER_NOTIFICATION events', async () => {
    const { stores, service } = setup();
    const other = Buffer.from(JSON.stringify({ id: 7, message: 'Transfer completed', notificationType: 'DomainTransferNotification', payload: {} }));
    expect((await service.webhook(signed(other))).status).toBe(200);
    expect(await stores.verificationRequests.list()).toEqual([]);
    expect(await stores.eventLog.read({ limit: 10 })).toEqual([
      expect.objectContaining({ type: 'PROVIDER_NOTIFICATION', notificationId: '7', kind: 'DomainTransferNotification', message: 'Transfer completed' }),
    ]);
  });

  it('answers 503 when the event log cannot be written, and 200 once it can', async () => {
    const { stores, service } = setup();
    const append = stores.eventLog.append.bind(stores.eventLog);
    stores.eventLog.append = async () => {
      throw new EventLogUnavailable();
    };
    expect((await service.webhook(signed(body))).status).toBe(503);
    stores.eventLog.append = append;
    expect((await service.webhook(signed(body))).status).toBe(200);
    expect(await stores.eventLog.read({ limit: 10 })).toHaveLength(1);
  });
});
