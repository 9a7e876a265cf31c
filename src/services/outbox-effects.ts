import type { VerificationEventPayload } from '../domain/events.js';
import type { RegistryCheck } from '../domain/registry-check.js';
import type { OutboxEffect, RegistryCheckStore } from '../store/index.js';
import type { EventService } from './events.js';
import type { OutboxService } from './outbox.js';
import type { VerificationRequestService } from './verification-requests.js';

/**
 * The effects today's mutations leave in the store, each idempotent, as outbox data. A new kind is one constructor
 * here and one `outbox.register(kind, applier)`: e.g. issue 13's `verificationRequests.recordSubmission(...)` becomes
 * `{ kind: 'record-submission', data: {...} }` with an applier that skips a submission already recorded.
 */

export const APPEND_EVENT = 'append-event';
export const MARK_REQUEST_SUBMITTED = 'mark-request-submitted';
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

/** Mark a verification request SUBMITTED (a request already SUBMITTED stays as it is). */
export function markRequestSubmittedEffect(requestId: string): OutboxEffect {
  return { kind: MARK_REQUEST_SUBMITTED, data: { requestId } };
}

/** Keep a registry check; a decided check already stored is never replaced by an undecided one. */
export function putRegistryCheckEffect(check: RegistryCheck): OutboxEffect {
  return { kind: PUT_REGISTRY_CHECK, data: { check } };
}

export interface StoreEffectDeps {
  events: Pick<EventService, 'record'>;
  verificationRequests: Pick<VerificationRequestService, 'markSubmitted'>;
  registryChecks: RegistryCheckStore;
}

/** Registers the appliers of the effects above. */
export function registerStoreEffects(outbox: Pick<OutboxService, 'register'>, deps: StoreEffectDeps): void {
  outbox.register(APPEND_EVENT, async (data) => {
    const { payload, dedupeKey, source } = data as AppendEventData;
    await deps.events.record(payload, { dedupeKey, source });
  });
  outbox.register(MARK_REQUEST_SUBMITTED, async (data) => {
    await deps.verificationRequests.markSubmitted((data as { requestId: string }).requestId);
  });
  outbox.register(PUT_REGISTRY_CHECK, async (data) => {
    const { check } = data as { check: RegistryCheck };
    // A decision webhook may have landed first (Veriff answers within seconds): keep it.
    const existing = await deps.registryChecks.get(check.id);
    if (existing?.decidedAt && !check.decidedAt) return;
    await deps.registryChecks.put(check);
  });
}
