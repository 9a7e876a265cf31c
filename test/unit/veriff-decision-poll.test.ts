import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config, VeriffConfig } from '../../src/config.js';
import type { VerificationEventPayload } from '../../src/domain/events.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { ProviderClients } from '../../src/providers/clients.js';
import { ProviderHttp } from '../../src/providers/http.js';
import { VeriffClient } from '../../src/providers/veriff/client.js';
import type { EventService } from '../../src/services/events.js';
import { createOutboxService } from '../../src/services/outbox.js';
import { registerStoreEffects } from '../../src/services/outbox-effects.js';
import { createRegistryCheckService } from '../../src/services/registry-checks.js';
import { createRegistryDecisionPoll } from '../../src/services/registry-decision-poll.js';
import { VeriffSimulator, type VeriffSimulatorOptions } from '../../src/sandbox/veriff.js';
import { createStores, type Stores } from '../../src/store/index.js';
import { MemoryLocks } from '../../src/store/locks.js';

const AFTER_MS = 10 * 60_000;
/** Past the first poll of every check submitted so far (checks carry their real submission time). */
const FIRST_POLL = AFTER_MS + 5_000;
const person = { idNumber: '39912310120', firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * A Veriff simulator in webhook mode, the real client over HTTP, the registry-check service over memory stores, and a
 * clock the test moves. Polls built with `poll()` share stores and locks, like instances on one Redis.
 */
async function setup(simOptions: Partial<VeriffSimulatorOptions> = {}) {
  const sim = new VeriffSimulator({ gatewayUrl: () => null, decisionDelayMs: 0, dropWebhooks: true, webhookRetryDelaysMs: [], ...simOptions });
  await sim.start();
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    }),
  });
  const stores: Stores = createStores({ redisUrls: [], metrics: createMetrics(), logger });
  const { baseUrl, syncBaseUrl, apiKey, sharedSecret } = sim.endpoint();
  const config: VeriffConfig = { apiKey, sharedSecret, previousSharedSecret: null, baseUrl, syncBaseUrl, registryMode: 'webhook' };
  const http = new ProviderHttp({ provider: 'VERIFF', baseUrl, metrics: createMetrics(), deadlineMs: 3_000 });
  cleanups.push(async () => {
    await http.close();
    await stores.close();
    await sim.stop();
  });
  const veriff = new VeriffClient(config, { http, stores, logger });
  const recorded: { payload: VerificationEventPayload; source: string | undefined }[] = [];
  const events = {
    record: async (payload: VerificationEventPayload, options?: { source?: string }) => {
      recorded.push({ payload, source: options?.source });
      return { event: { ...payload, id: '1-0' }, duplicate: false };
    },
  } as unknown as EventService;
  const metrics = createMetrics();
  // The check is stored through the real outbox (memory queues), as the gateway does.
  const outbox = createOutboxService({ shared: stores.outbox, local: stores.localOutbox, locks: stores.locks, logger, metrics });
  const registryChecks = createRegistryCheckService({
    config: { veriffDecisionPollAfterMs: AFTER_MS } as Config,
    stores,
    clients: { veriff } as unknown as ProviderClients,
    metrics,
    logger,
    events,
    outbox,
  });
  registerStoreEffects(outbox, { events, verificationRequests: { recordSubmission: async () => null }, registryChecks: stores.registryChecks });
  let now = Date.now();
  const locks = new MemoryLocks();
  const poll = (maxAttempts = 4) => {
    // Rounds run when the test says (runNow); the interval's own timer is too slow to fire during a test.
    const created = createRegistryDecisionPoll({ registryChecks, store: stores.registryChecks, veriff, locks, logger, afterMs: AFTER_MS, maxAttempts, intervalMs: 3_600_000, now: () => now });
    created.start();
    cleanups.unshift(() => created.stop());
    return created;
  };
  const scope = { requestId: 'req-1', logger };
  return {
    sim,
    stores,
    registryChecks,
    recorded,
    poll,
    lines,
    submit: async () => (await registryChecks.validate(person, scope as never)).registryCheck,
    advance: (ms: number) => {
      now += ms;
    },
    decisionPolls: () => sim.server.requests.filter((request) => request.path.endsWith('/decision')),
  };
}

describe('polling Veriff for decisions whose webhook was lost', () => {
  it('leaves a fresh check alone, then resolves it after VERIFF_DECISION_POLL_AFTER_MS with a GET signed over the session id', async () => {
    const { sim, stores, recorded, poll, submit, advance, decisionPolls } = await setup();
    const check = await submit();
    expect(check.status).toBe('PENDING');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sim.deliveries).toEqual([expect.objectContaining({ sessionId: check.id, status: null, error: 'dropped' })]);

    const loop = poll();
    expect(await loop.runNow()).toBe(0);
    expect(decisionPolls()).toHaveLength(0);

    advance(FIRST_POLL);
    expect(await loop.runNow()).toBe(1);
    const [request] = decisionPolls();
    expect(request).toMatchObject({ method: 'GET', path: `/v1/sessions/${check.id}/decision` });
    expect(request!.headers['x-hmac-signature']).toBe(createHmac('sha256', sim.endpoint().sharedSecret).update(check.id).digest('hex'));
    expect(await stores.registryChecks.get(check.id)).toMatchObject({ status: 'APPROVED', idNumberLast4: '0120' });
    expect(recorded).toEqual([expect.objectContaining({ source: 'veriff-poll', payload: expect.objectContaining({ type: 'REGISTRY_CHECK_DECIDED' }) })]);

    advance(AFTER_MS * 10);
    expect(await loop.runNow()).toBe(0);
    expect(decisionPolls()).toHaveLength(1);
  });

  it('backs off while Veriff has no decision and stops after the last attempt, leaving the check PENDING with a reason', async () => {
    const { stores, poll, submit, advance, decisionPolls, lines } = await setup({ decisionDelayMs: 24 * 3_600_000 });
    const check = await submit();
    const loop = poll(3);
    advance(FIRST_POLL);
    await loop.runNow();
    expect(decisionPolls()).toHaveLength(1);
    advance(AFTER_MS); // the second poll waits twice as long
    await loop.runNow();
    expect(decisionPolls()).toHaveLength(1);
    advance(AFTER_MS);
    await loop.runNow();
    expect(decisionPolls()).toHaveLength(2);
    advance(4 * AFTER_MS);
    await loop.runNow();
    expect(decisionPolls()).toHaveLength(3);
    advance(100 * AFTER_MS);
    await loop.runNow();
    expect(decisionPolls()).toHaveLength(3);
    expect((await stores.registryChecks.get(check.id))?.status).toBe('PENDING');
    expect(lines.join('')).toMatch(/left PENDING: no decision after 3 polls \(Veriff has no decision yet\)/);
  });

  it('trusts no decision from a poll answer with a wrong signature: the check stays PENDING and is polled again', async () => {
    const { sim, stores, recorded, poll, submit, advance, decisionPolls } = await setup({ answerSignature: 'wrong' });
    const check = await submit();
    const loop = poll();
    advance(FIRST_POLL);
    await loop.runNow();
    expect(decisionPolls()).toHaveLength(1);
    expect((await stores.registryChecks.get(check.id))?.status).toBe('PENDING');
    expect(recorded).toHaveLength(0);

    sim.setBehaviour({ answerSignature: 'valid' });
    advance(2 * AFTER_MS);
    await loop.runNow();
    expect((await stores.registryChecks.get(check.id))?.status).toBe('APPROVED');
  });

  it('polls each due check once when two instances run their loops at the same time', async () => {
    const { poll, submit, advance, decisionPolls } = await setup();
    await submit();
    await submit();
    const a = poll();
    const b = poll();
    advance(FIRST_POLL);
    await Promise.all([a.runNow(), b.runNow()]);
    expect(decisionPolls()).toHaveLength(2);
  });

  it('stops polling a check once its webhook arrives late', async () => {
    const { sim, stores, poll, submit, advance, decisionPolls, registryChecks } = await setup({ dropWebhooks: false, decisionDelayMs: 24 * 3_600_000 });
    const check = await submit();
    const decided = await registryChecks.applyDecision(check.id, { status: 'DECLINED', code: 9102, reason: null, reasonCode: 123, person: null, decidedAt: new Date().toISOString(), failedValidation: null, vendorData: null, endUserId: null }, 'veriff-webhook');
    expect(decided.kind).toBe('stored');
    advance(FIRST_POLL);
    await poll().runNow();
    expect(decisionPolls()).toHaveLength(0);
    expect((await stores.registryChecks.get(check.id))?.status).toBe('DECLINED');
    expect(sim.deliveries).toHaveLength(0);
  });
});
