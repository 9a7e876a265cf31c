import type { ContactVerification } from '../domain/verification.js';
import type { VerificationRequest, VerificationSubmission } from '../domain/verification-request.js';
import {
  changedEvent,
  endProcess,
  hasSubmission,
  markOverdue,
  recordSubmission as submissionTransition,
  replayProcessEnd,
  replaySubmission,
  type ProcessEnd,
  type Transition,
} from '../domain/verification-request-lifecycle.js';
import type { Logger } from '../observability/logger.js';
import type { ProcessFollowUp, ProcessFollowUpStore, VerificationRequestStore } from '../store/index.js';
import type { EventService } from './events.js';

/**
 * The store side of a verification request's lifecycle (the state machine itself is pure, in
 * domain/verification-request-lifecycle.ts): apply a transition atomically to the stored request, persist what must be
 * followed, and announce each status change once. Every function is safe to call again after a partial failure (the
 * request update recognises work already done, events are deduplicated), so a caller may retry it until it succeeds.
 */
export interface LifecycleDeps {
  requests: VerificationRequestStore;
  followUps: ProcessFollowUpStore;
  events: EventService;
  logger: Logger;
  /** First wait before a 202's process is checked. */
  followInitialMs: number;
  now?: () => Date;
}

/** Evidence the provider accepted (200) or took on to finish later (202). */
export interface SubmissionRecord {
  customer: string;
  handle: string;
  verifications: ContactVerification[];
  /** The request the evidence answers; null for evidence sent without one. */
  requestId: string | null;
  /** HTTP 202: the provider finishes it in process `processId`. */
  async: boolean;
  processId: string | null;
  /** When it was sent; also what makes a retried record recognisable. */
  submittedAt: string;
  /** The API key's name, never the key; null in the open sandbox. */
  submittedBy: string | null;
}

/**
 * Everything that follows "the provider accepted the evidence": the request's new submission and status
 * (SUBMITTED for a 200, PROCESSING for a 202 plus a persisted follow-up of its process), the VERIFICATION_SUBMITTED
 * event and, when the status moved, VERIFICATION_REQUEST_CHANGED. Resolves with the request as stored (null without
 * one). Throws StoreUnavailable (or EventLogUnavailable) when a write failed; calling it again completes the rest
 * without doubling anything.
 */
export async function recordSubmission(deps: LifecycleDeps, record: SubmissionRecord): Promise<VerificationRequest | null> {
  // A 202 without a process id cannot be followed: count it accepted rather than leave the request PROCESSING forever.
  const followed = record.async && record.processId !== null;
  if (record.async && !followed) deps.logger.warn({ handle: record.handle }, 'Realtime Register answered 202 without a process id; counting the evidence as accepted');
  const submission: VerificationSubmission = {
    submittedAt: record.submittedAt,
    verifications: record.verifications,
    processId: record.processId,
    status: followed ? 'PROCESSING' : 'ACCEPTED',
    failureReason: null,
    submittedBy: record.submittedBy,
  };
  let transition: Transition | null = null;
  let request: VerificationRequest | null = null;
  if (record.requestId) {
    request = await deps.requests.update(record.requestId, (current) => {
      transition = hasSubmission(current, submission) ? replaySubmission(current, submission) : submissionTransition(current, submission);
      return transition.request === current ? null : transition.request;
    });
    if (request && followed) await deps.followUps.put(firstFollowUp(deps, request, record));
  }
  const sending = `${record.customer}:${record.handle}:${record.submittedAt}:${record.processId ?? ''}`;
  await deps.events.record(
    {
      type: 'VERIFICATION_SUBMITTED',
      provider: 'REALTIME_REGISTER',
      occurredAt: record.submittedAt,
      contactHandle: record.handle,
      customer: record.customer,
      verifications: record.verifications,
      request,
    },
    { dedupeKey: `submitted:${sending}` },
  );
  await announce(deps, transition, record.submittedAt, `request-changed:${sending}`);
  return request;
}

/**
 * The end of a followed process: its submission becomes ACCEPTED or FAILED (with the reason), the request SUBMITTED
 * or REJECTED, the change is announced, and the follow-up is dropped. A request that no longer exists just ends the
 * follow-up. Throws StoreUnavailable when a write failed: the follow-up then stays and is retried.
 */
export async function finishProcess(deps: LifecycleDeps, followUp: ProcessFollowUp, end: ProcessEnd): Promise<VerificationRequest | null> {
  const at = (deps.now?.() ?? new Date()).toISOString();
  let transition: Transition | null = null;
  const request = await deps.requests.update(followUp.requestId, (current) => {
    const ended = endProcess(current, followUp.processId, end, at);
    transition = ended.request === current ? replayProcessEnd(current, followUp.processId) : ended;
    return ended.request === current ? null : ended.request;
  });
  if (request) await announce(deps, transition, at, `process-ended:${followUp.processId}:${end.status}`);
  await deps.followUps.remove(followUp.processId);
  return request;
}

/**
 * OPEN or REJECTED past its deadline becomes OVERDUE, announced and stored once. Resolves with the request as stored
 * afterwards (null when there is none).
 *
 * Announced before it is stored: the stored status is what the scan goes by, so a request stored OVERDUE whose event
 * could not be appended was never announced. Readers already see OVERDUE (effectiveRequestStatus) before the write,
 * and a repeat after a failed write is deduplicated.
 */
export async function recordOverdue(deps: LifecycleDeps, requestId: string): Promise<VerificationRequest | null> {
  const now = deps.now?.() ?? new Date();
  const current = await deps.requests.get(requestId);
  if (!current) return null;
  const overdue = markOverdue(current, now);
  if (overdue.previousStatus === null) return current;
  const submissions = overdue.request.submissions?.length ?? 0;
  await announce(deps, overdue, now.toISOString(), `overdue:${requestId}:${overdue.previousStatus}:${submissions}`);
  return deps.requests.update(requestId, (latest) => {
    const stillOverdue = markOverdue(latest, now);
    return stillOverdue.previousStatus === null ? null : stillOverdue.request;
  });
}

async function announce(deps: LifecycleDeps, transition: Transition | null, occurredAt: string, dedupeKey: string): Promise<void> {
  const event = transition ? changedEvent(transition, occurredAt) : null;
  if (event) await deps.events.record(event, { dedupeKey: `${dedupeKey}:${event.request.status}` });
}

function firstFollowUp(deps: LifecycleDeps, request: VerificationRequest, record: SubmissionRecord): ProcessFollowUp {
  const now = (deps.now?.() ?? new Date()).getTime();
  return {
    processId: record.processId!,
    requestId: request.id,
    customer: record.customer,
    since: record.submittedAt,
    nextCheckAt: now + deps.followInitialMs,
    delayMs: deps.followInitialMs * 2,
    checks: 0,
  };
}
