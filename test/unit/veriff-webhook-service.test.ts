import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Config, VeriffConfig } from '../../src/config.js';
import type { VerificationEventPayload } from '../../src/domain/events.js';
import type { RegistryCheck } from '../../src/domain/registry-check.js';
import { Writable } from 'node:stream';
import { createLogger, silentLogger, type Logger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { ProviderClients } from '../../src/providers/clients.js';
import type { ProviderHttp } from '../../src/providers/http.js';
import { VeriffClient } from '../../src/providers/veriff/client.js';
import type { EventService } from '../../src/services/events.js';
import { createOutboxService } from '../../src/services/outbox.js';
import { createRegistryCheckService } from '../../src/services/registry-checks.js';
import { EventLogUnavailable } from '../../src/store/event-log.js';
import { createStores, StoreUnavailable, type Stores } from '../../src/store/index.js';

const SECRET = 'current-secret';
const PREVIOUS = 'previous-secret';
const SESSION = '6f1c1e0e-8a37-4cbe-9a8f-0b8b6a3c2f11';

const veriffConfig: VeriffConfig = {
  apiKey: 'key',
  sharedSecret: SECRET,
  previousSharedSecret: PREVIOUS,
  baseUrl: 'http://127.0.0.1:9',
  syncBaseUrl: 'http://127.0.0.1:9',
  registryMode: 'webhook',
};

const pending: RegistryCheck = {
  id: SESSION,
  provider: 'VERIFF',
  sessionId: SESSION,
  status: 'PENDING',
  code: null,
  reason: null,
  reasonCode: null,
  idNumberLast4: '0129',
  person: null,
  endUserId: null,
  vendorData: 'order-7',
  submittedAt: '2026-03-01T10:00:00.000Z',
  decidedAt: null,
  failedValidation: null,
};

type Recorder = (payload: VerificationEventPayload, options?: { dedupeKey?: string }) => Promise<{ duplicate: boolean }>;

/** The registry-check service over memory stores, with an event service that does what `record` says. */
function setup(record: Recorder, stores: Stores = createStores({ redisUrls: [], metrics: createMetrics(), logger: silentLogger() }), logger: Logger = silentLogger()) {
  const calls: { payload: VerificationEventPayload; dedupeKey: string | undefined }[] = [];
  const events = {
    record: async (payload: VerificationEventPayload, options?: { dedupeKey?: string }) => {
      const result = await record(payload, options);
      calls.push({ payload, dedupeKey: options?.dedupeKey });
      return { event: { ...payload, id: '1-0' }, duplicate: result.duplicate };
    },
  } as unknown as EventService;
  const veriff = new VeriffClient(veriffConfig, { http: {} as ProviderHttp, stores, logger: silentLogger() });
  const metrics = createMetrics();
  const service = createRegistryCheckService({
    config: {} as Config,
    stores,
    clients: { veriff } as unknown as ProviderClients,
    metrics,
    logger,
    events,
    outbox: createOutboxService({ shared: stores.outbox, local: stores.localOutbox, locks: stores.locks, logger: silentLogger(), metrics }),
  });
  return { service, stores, calls, metrics };
}

function decision(status = 'approved', code = 9001): Buffer {
  return Buffer.from(
    JSON.stringify({
      status: 'success',
      verification: {
        id: SESSION,
        code,
        status,
        person: { firstName: 'ANN', lastName: 'LEE', idNumber: '39912310129', dateOfBirth: '1980-01-08', yearOfBirth: '1980', placeOfBirth: null, addresses: [] },
        reason: null,
        reasonCode: null,
        vendorData: null,
        endUserId: null,
        decisionTime: '2026-03-01T10:00:02.120Z',
        acceptanceTime: '2026-03-01T10:00:00Z',
      },
      technicalData: { ip: null },
    }),
  );
}

function signed(body: Buffer, secret = SECRET) {
  return { body, headers: { 'x-hmac-signature': createHmac('sha256', secret).update(body).digest('hex') } };
}

const once: Recorder = async () => ({ duplicate: false });

describe('registry-check webhook', () => {
  it('stores the decision, keeps the last four and the submission fields, and records one event', async () => {
    const { service, stores, calls } = setup(once);
    await stores.registryChecks.put(pending);
    expect(await service.webhook(signed(decision()))).toMatchObject({ status: 200 });
    const stored = await stores.registryChecks.get(SESSION);
    expect(stored).toMatchObject({ status: 'APPROVED', code: 9001, idNumberLast4: '0129', vendorData: 'order-7', submittedAt: pending.submittedAt });
    expect(stored?.decidedAt).toBe('2026-03-01T10:00:02.120Z');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.dedupeKey).toBe(`veriff:${SESSION}:APPROVED`);
    expect(calls[0]?.payload).toMatchObject({ type: 'REGISTRY_CHECK_DECIDED', provider: 'VERIFF', registryCheck: { status: 'APPROVED' } });
    expect(JSON.stringify([stored, calls])).not.toContain('39912310129');
  });

  it('accepts a decision signed with the previous secret during rotation', async () => {
    const { service, stores } = setup(once);
    await stores.registryChecks.put(pending);
    expect((await service.webhook(signed(decision(), PREVIOUS))).status).toBe(200);
  });

  it('answers 401 to an unsigned or wrongly signed decision and stores nothing', async () => {
    const { service, stores, calls } = setup(once);
    await stores.registryChecks.put(pending);
    expect((await service.webhook({ body: decision(), headers: {} })).status).toBe(401);
    expect((await service.webhook(signed(decision(), 'someone-else'))).status).toBe(401);
    expect(await stores.registryChecks.get(SESSION)).toEqual(pending);
    expect(calls).toHaveLength(0);
  });

  it('acknowledges (200) a decision for an unknown session, keeps it once in the quarantine without the person, and records nothing', async () => {
    const { service, stores, calls, metrics } = setup(once);
    for (let i = 0; i < 2; i++) {
      expect(await service.webhook(signed(decision()))).toMatchObject({ status: 200, body: { ok: true, quarantined: true, reason: 'UNKNOWN_SESSION' } });
    }
    expect(await stores.registryChecks.get(SESSION)).toBeNull();
    expect(calls).toHaveLength(0);
    const kept = await stores.quarantine.list(10);
    expect(kept).toEqual([expect.objectContaining({ provider: 'VERIFF', source: 'veriff-webhook', reason: 'UNKNOWN_SESSION', notificationId: SESSION, truncated: true })]);
    expect(JSON.parse(kept[0]!.body)).toEqual({
      verification: { id: SESSION, status: 'APPROVED', code: 9001, reason: null, reasonCode: null, decisionTime: '2026-03-01T10:00:02.120Z' },
    });
    // The body names the person and their national ID number: neither is kept.
    expect(JSON.stringify(kept)).not.toMatch(/39912310129|ANN|LEE|1980/);
    expect(await metrics.registry.getSingleMetricAsString('gateway_veriff_quarantined_total')).toContain('reason="UNKNOWN_SESSION"} 1');
  });

  it('takes the decision when the check is stored while it looks (a restart\'s outbox round storing it), though its own drain finds nothing', async () => {
    const { service, stores } = setup(once);
    const get = stores.registryChecks.get.bind(stores.registryChecks);
    let reads = 0;
    stores.registryChecks.get = async (id) => {
      // The first read misses; the round already running stores the check right after, before this one drains.
      if (reads++ > 0) return get(id);
      await stores.registryChecks.put(pending);
      return null;
    };
    expect(await service.webhook(signed(decision()))).toMatchObject({ status: 200, body: { ok: true } });
    expect((await get(SESSION))?.status).toBe('APPROVED');
    expect(await stores.quarantine.list(10)).toEqual([]);
  });

  it('answers 503 to a decision for an unknown session while the quarantine cannot keep it, so Veriff delivers it again', async () => {
    const { service, stores } = setup(once);
    stores.quarantine.add = async () => {
      throw new StoreUnavailable('down');
    };
    expect((await service.webhook(signed(decision()))).status).toBe(503);
  });

  it('still refuses (401) a wrongly signed decision for an unknown session, and keeps nothing', async () => {
    const { service, stores } = setup(once);
    expect((await service.webhook(signed(decision(), 'someone-else'))).status).toBe(401);
    expect(await stores.quarantine.list(10)).toEqual([]);
  });

  it('stores a repeated decision once and lets the event log drop the second event', async () => {
    const seen = new Set<string>();
    const { service, stores, calls } = setup(async (_payload, options) => {
      const duplicate = seen.has(options!.dedupeKey!);
      seen.add(options!.dedupeKey!);
      return { duplicate };
    });
    await stores.registryChecks.put(pending);
    await service.webhook(signed(decision()));
    const first = await stores.registryChecks.get(SESSION);
    expect(await service.webhook(signed(decision()))).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(await stores.registryChecks.get(SESSION)).toEqual(first);
    expect(calls.map((call) => call.dedupeKey)).toEqual([`veriff:${SESSION}:APPROVED`, `veriff:${SESSION}:APPROVED`]);
  });

  it('takes a later decision with another status (review, then approved)', async () => {
    const { service, stores, calls } = setup(once);
    await stores.registryChecks.put(pending);
    await service.webhook(signed(decision('review', 9121)));
    await service.webhook(signed(decision('approved', 9001)));
    expect((await stores.registryChecks.get(SESSION))?.status).toBe('APPROVED');
    expect(calls.map((call) => call.dedupeKey)).toEqual([`veriff:${SESSION}:REVIEW`, `veriff:${SESSION}:APPROVED`]);
  });

  it('ignores a late redelivery of an older decision', async () => {
    const { service, stores, calls } = setup(once);
    await stores.registryChecks.put(pending);
    await service.webhook(signed(decision('approved', 9001)));
    const older = Buffer.from(decision('review', 9121).toString().replace('2026-03-01T10:00:02.120Z', '2026-03-01T09:00:00.000Z'));
    expect(await service.webhook(signed(older))).toEqual({ status: 200, body: { ok: true, stale: true } });
    expect((await stores.registryChecks.get(SESSION))?.status).toBe('APPROVED');
    expect(calls).toHaveLength(1);
  });

  it('answers 503 while the event log is unavailable, so Veriff delivers again', async () => {
    let available = false;
    const { service, stores, calls } = setup(async () => {
      if (!available) throw new EventLogUnavailable();
      return { duplicate: false };
    });
    await stores.registryChecks.put(pending);
    expect((await service.webhook(signed(decision()))).status).toBe(503);
    available = true;
    expect((await service.webhook(signed(decision()))).status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('answers 503 when the registry-check store is unavailable', async () => {
    const { service, stores } = setup(once);
    stores.registryChecks.get = async () => {
      throw new StoreUnavailable('registry checks are unavailable');
    };
    expect((await service.webhook(signed(decision()))).status).toBe(503);
  });

  it('does not log a session id that could be an ID number while the store is unavailable: the id is only the sender\'s word then', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const { service, stores } = setup(once, undefined, createLogger({ destination }));
    stores.registryChecks.get = async () => {
      throw new StoreUnavailable('registry checks are unavailable');
    };
    for (const number of ['49912319999', '499 1231 9999']) {
      const body = Buffer.from(decision().toString().replace(SESSION, number));
      expect((await service.webhook(signed(body))).status).toBe(503);
    }
    const log = lines.join('');
    expect(log).toContain('Veriff webhook not stored: store unavailable');
    expect(['49912319999', '499 1231 9999'].filter((number) => log.includes(number))).toEqual([]);
  });
});
