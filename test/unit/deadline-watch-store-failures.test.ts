import { describe, expect, it } from 'vitest';
import type { VerificationEventPayload } from '../../src/domain/events.js';
import type { VerificationRequest } from '../../src/domain/verification-request.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createDeadlineWatch } from '../../src/services/deadline-watch.js';
import { createEventService, type EventService } from '../../src/services/events.js';
import { MemoryClaims, type Claims } from '../../src/store/claims.js';
import { EventLogUnavailable } from '../../src/store/event-log.js';
import { createStores, type Stores } from '../../src/store/index.js';
import { MemoryLocks } from '../../src/store/locks.js';

/**
 * The deadline scan when the store fails between its steps, as a Redis that drops its connections does: the claim or
 * the request update went through, the event append did not, and giving the claim back failed too (RedisClaims.release
 * swallows that). Each reminder and each OVERDUE must still be announced once, on a later scan.
 */
const HOUR = 3_600_000;

function openRequest(id: string, deadlineInMs: number): VerificationRequest {
  return {
    id,
    provider: 'REALTIME_REGISTER',
    customer: 'sandbox',
    contactHandle: `h-${id}`,
    claims: ['NAME'],
    status: 'OPEN',
    message: 'verify',
    receivedAt: new Date(Date.now() - HOUR).toISOString(),
    deDelegationDomain: `${id}.de`,
    deDelegationDeadline: new Date(Date.now() + deadlineInMs).toISOString(),
    deletionDomain: null,
    deletionDeadline: null,
    notificationId: id,
  };
}

/** Appends fail while `down` is true, for events of the given type. */
function failingEvents(events: EventService, type: VerificationEventPayload['type']): EventService & { down: boolean } {
  const wrapper = Object.create(events) as EventService & { down: boolean };
  wrapper.down = false;
  wrapper.record = async (payload, options) => {
    if (wrapper.down && payload.type === type) throw new EventLogUnavailable('the event log is unavailable: connection lost');
    return events.record(payload, options);
  };
  return wrapper;
}

/** Claims whose release fails silently while `down` is true, as RedisClaims' does during an outage. */
function claimsLosingReleases(claims: Claims): Claims & { down: boolean } {
  const wrapper = { down: false } as Claims & { down: boolean };
  wrapper.claim = (key, ttlMs) => claims.claim(key, ttlMs);
  if (claims.isClaimed) wrapper.isClaimed = (key) => claims.isClaimed(key);
  wrapper.release = async (key) => {
    if (!wrapper.down) await claims.release(key);
  };
  return wrapper;
}

function setUp(type: VerificationEventPayload['type']) {
  const logger = silentLogger();
  const stores: Stores = createStores({ redisUrls: [], metrics: createMetrics(), logger });
  const events = failingEvents(createEventService({ stores, metrics: createMetrics(), logger }), type);
  const claims = claimsLosingReleases(new MemoryClaims());
  const watch = createDeadlineWatch({
    lifecycle: { requests: stores.verificationRequests, followUps: stores.processFollowUps, events, logger, followInitialMs: 1_000 },
    claims,
    locks: new MemoryLocks(),
    intervalMs: 60_000,
    thresholdsSeconds: [7 * 86_400, 86_400],
    logger,
  });
  const stored = async (eventType: VerificationEventPayload['type']) =>
    (await stores.eventLog.read({ limit: 100, filter: { types: [eventType] } })).map((event) => event);
  return { stores, events, claims, watch, stored };
}

describe('the deadline scan when the store fails mid-announcement', () => {
  it('announces a reminder whose append failed on a later scan, once, although its claim could not be given back', async () => {
    const { stores, events, claims, watch, stored } = setUp('DEADLINE_APPROACHING');
    await stores.verificationRequests.put(openRequest('remind-1', 12 * HOUR));
    events.down = true;
    claims.down = true;
    watch.start(); // scans at once
    await watch.scanNow();
    expect(await stored('DEADLINE_APPROACHING')).toHaveLength(0);

    events.down = false;
    claims.down = false;
    await watch.scanNow();
    await watch.scanNow();
    const reminders = await stored('DEADLINE_APPROACHING');
    expect(reminders.map((event) => event.type === 'DEADLINE_APPROACHING' && [event.request.id, event.deadlineKind])).toEqual([['remind-1', 'DE_DELEGATION']]);
    await watch.stop();
  });

  it('announces OVERDUE on a later scan, once, when the request was stored OVERDUE but its event could not be appended', async () => {
    const { stores, events, watch, stored } = setUp('VERIFICATION_REQUEST_CHANGED');
    await stores.verificationRequests.put(openRequest('overdue-1', -HOUR));
    events.down = true;
    watch.start(); // scans at once
    await watch.scanNow();
    expect(await stored('VERIFICATION_REQUEST_CHANGED')).toHaveLength(0);

    events.down = false;
    await watch.scanNow();
    await watch.scanNow();
    const changes = await stored('VERIFICATION_REQUEST_CHANGED');
    expect(changes.map((event) => event.type === 'VERIFICATION_REQUEST_CHANGED' && [event.request.id, event.previousStatus, event.request.status])).toEqual([
      ['overdue-1', 'OPEN', 'OVERDUE'],
    ]);
    expect((await stores.verificationRequests.get('overdue-1'))?.status).toBe('OVERDUE');
    await watch.stop();
  });
});
