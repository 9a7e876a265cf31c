import type { VerificationEventPayload } from '../domain/events.js';
import type { RegistryCheck } from '../domain/registry-check.js';
import type { OutboxEffect, RegistryCheckStore } from '../store/index.js';
import type { EventService } from './events.js';
import type { OutboxService } from './outbox.js';
import type { SubmissionRecord, VerificationRequestService } from './verification-requests.js';

/**
 * The effects today's mutations leave in the store, each idempotent, as outbox data. A new kind is one constructor
 * here and one `outbox.register(kind, applier)`.
 */

export const APPEND_EVENT = 'append-event';
export const RECORD_SUBMISSION = 'record-submission';
export const PUT_REGISTRY_CHECK = 'put-registry-check';

interface AppendEventData {
  payload: VerificationEventPayload;
  /** The event log remembers it (DEDUPE_TTL_MS): a second append returns the first event instead of a copy. */
  dedupeKey: string;
  source: string;
}

/** Append (and publish) an event, exactly once thanks to its dedupe key. */
export function appendEventEffect(payload: VerificationEventPayload, dedupeKey: string, source = 'mutation'): OutboxEffect {
  return { kind: APPEND_EVENT, data: { payload, dedupeKey, source } satisfies AppendEventData };
}

/**
 * Evidence the provider accepted: the request's submission and status, a 202's follow-up, and the events, in one
 * call that recognises a sending already recorded (verification-request-lifecycle.ts), so a retry doubles nothing.
 */
export function recordSubmissionEffect(record: SubmissionRecord): OutboxEffect {
  return { kind: RECORD_SUBMISSION, data: record };
}

/**
 * Keep a registry check; a decided check already stored is never replaced by an undecided one. `pollAt` (epoch ms)
 * schedules the decision poll for a check still PENDING (see registry-decision-poll.ts).
 */
export function putRegistryCheckEffect(check: RegistryCheck, pollAt: number | null = null): OutboxEffect {
  return { kind: PUT_REGISTRY_CHECK, data: { check, pollAt } };
}

export interface StoreEffectDeps {
  events: Pick<EventService, 'record'>;
  verificationRequests: Pick<VerificationRequestService, 'recordSubmission'>;
  registryChecks: RegistryCheckStore;
}

/** Registers the appliers of the effects above. */
export function registerStoreEffects(outbox: Pick<OutboxService, 'register'>, deps: StoreEffectDeps): void {
  outbox.register(APPEND_EVENT, async (data) => {
    const { payload, dedupeKey, source } = data as AppendEventData;
    await deps.events.record(payload, { dedupeKey, source });
  });
  // Resolves with the request as stored, for the mutation's answer.
  outbox.register(RECORD_SUBMISSION, (data) => deps.verificationRequests.recordSubmission(data as SubmissionRecord));
  outbox.register(PUT_REGISTRY_CHECK, async (data) => {
    const { check, pollAt } = data as { check: RegistryCheck; pollAt?: number | null };
    // A decision webhook may have landed first (Veriff answers within seconds): keep it.
    const existing = await deps.registryChecks.get(check.id);
    if (existing?.decidedAt && !check.decidedAt) return;
    await deps.registryChecks.put(check);
    if (pollAt !== null && pollAt !== undefined && check.status === 'PENDING') await deps.registryChecks.schedulePoll(check.id, { at: pollAt, attempts: 0 });
  });
}
