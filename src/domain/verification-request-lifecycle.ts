import type { VerificationEventPayload } from './events.js';
import type { VerificationRequest, VerificationRequestStatus, VerificationSubmission } from './verification-request.js';
import { effectiveRequestStatus } from './verification-request.js';

/**
 * The lifecycle of a verification request (contract revision 2), pure: each function takes the stored request and
 * what happened, and returns the request to store plus the status change to announce (null when the status stayed).
 *
 *   OPEN ──evidence 200──▶ SUBMITTED          OPEN ──evidence 202──▶ PROCESSING ──process COMPLETED──▶ SUBMITTED
 *                                                                        └──────process FAILED/INVALID/CANCELLED, or gone──▶ REJECTED
 *   OPEN or REJECTED ──earliest deadline passes──▶ OVERDUE     (REJECTED or OVERDUE ──new evidence──▶ as from OPEN)
 *
 * The status follows the submissions: any ACCEPTED makes it SUBMITTED (the evidence covered the claims when it was
 * sent, so a later failing resend does not undo it); else any PROCESSING makes it PROCESSING; else a FAILED one makes
 * it REJECTED. Every change emits VERIFICATION_REQUEST_CHANGED (changedEvent).
 */
export interface Transition {
  request: VerificationRequest;
  /** The status before, when the status changed. */
  previousStatus: VerificationRequestStatus | null;
}

/** Why a process counts as ended. */
export type ProcessEnd = { status: 'COMPLETED' } | { status: 'FAILED'; reason: string };

/**
 * Evidence the provider accepted for this request: a 200 (ACCEPTED) or a 202 (PROCESSING, with its process id).
 * Idempotent: a submission already recorded (same time and process id) changes nothing, so a retried store write
 * (an outbox) never lists one sending twice.
 */
export function recordSubmission(request: VerificationRequest, submission: VerificationSubmission): Transition {
  const submissions = request.submissions ?? [];
  if (submissions.some((known) => sameSending(known, submission))) return { request, previousStatus: null };
  const next: VerificationRequest = { ...request, submissions: [...submissions, submission] };
  if (submission.status === 'ACCEPTED' && !request.submittedAt) next.submittedAt = submission.submittedAt;
  return settle(request, next, submission.submittedAt);
}

/**
 * The end of the process behind a PROCESSING submission. Its submission becomes ACCEPTED (with the end time as
 * submittedAt of the request when it is the first accepted one) or FAILED with the provider's reason. A process the
 * request does not know, or one already ended, changes nothing.
 */
export function endProcess(request: VerificationRequest, processId: string, end: ProcessEnd, at: string): Transition {
  const submissions = request.submissions ?? [];
  const index = submissions.findIndex((submission) => submission.processId === processId && submission.status === 'PROCESSING');
  if (index < 0) return { request, previousStatus: null };
  const ended: VerificationSubmission =
    end.status === 'COMPLETED' ? { ...submissions[index]!, status: 'ACCEPTED' } : { ...submissions[index]!, status: 'FAILED', failureReason: end.reason };
  const next: VerificationRequest = { ...request, submissions: submissions.map((submission, i) => (i === index ? ended : submission)) };
  if (ended.status === 'ACCEPTED' && !request.submittedAt) next.submittedAt = at;
  return settle(request, next, at);
}

/** OPEN or REJECTED past its earliest deadline becomes OVERDUE (stored, so the change is announced once). */
export function markOverdue(request: VerificationRequest, now: Date): Transition {
  if (request.status !== 'OPEN' && request.status !== 'REJECTED') return { request, previousStatus: null };
  if (effectiveRequestStatus(request, now) !== 'OVERDUE') return { request, previousStatus: null };
  return { request: { ...request, status: 'OVERDUE' }, previousStatus: request.status };
}

export type RequestChangedPayload = Extract<VerificationEventPayload, { type: 'VERIFICATION_REQUEST_CHANGED' }>;

/** The event a transition emits: VERIFICATION_REQUEST_CHANGED when the status changed, else none. */
export function changedEvent(transition: Transition, occurredAt: string): RequestChangedPayload | null {
  if (transition.previousStatus === null) return null;
  const { request } = transition;
  return {
    type: 'VERIFICATION_REQUEST_CHANGED',
    provider: request.provider,
    occurredAt,
    contactHandle: request.contactHandle,
    request,
    previousStatus: transition.previousStatus,
  };
}

/**
 * The change a sending caused, read back from a request that already holds it: for a retried store write whose
 * first attempt updated the request but could not announce it. The status before is what the other submissions
 * call for (OPEN when there are none).
 */
export function replaySubmission(request: VerificationRequest, submission: VerificationSubmission): Transition {
  const others = (request.submissions ?? []).filter((known) => !sameSending(known, submission));
  if (others.length === (request.submissions ?? []).length) return { request, previousStatus: null };
  const before = statusFromSubmissions('OPEN', others);
  return { request, previousStatus: before === request.status ? null : before };
}

/**
 * The change the end of a process caused, read back from a request whose submission already ended (a retried write,
 * as replaySubmission): the status before is what the submissions called for while that one was still PROCESSING.
 */
export function replayProcessEnd(request: VerificationRequest, processId: string): Transition {
  const submissions = request.submissions ?? [];
  if (!submissions.some((submission) => submission.processId === processId && submission.status !== 'PROCESSING')) return { request, previousStatus: null };
  const running = submissions.map((submission) => (submission.processId === processId ? { ...submission, status: 'PROCESSING' as const } : submission));
  const before = statusFromSubmissions('OPEN', running);
  return { request, previousStatus: before === request.status ? null : before };
}

/** True when the request already lists this sending. */
export function hasSubmission(request: VerificationRequest, submission: VerificationSubmission): boolean {
  return (request.submissions ?? []).some((known) => sameSending(known, submission));
}

/** The status the submissions call for; none (or none decided) keeps the current one. */
export function statusFromSubmissions(current: VerificationRequestStatus, submissions: readonly VerificationSubmission[]): VerificationRequestStatus {
  if (submissions.some((submission) => submission.status === 'ACCEPTED')) return 'SUBMITTED';
  if (submissions.some((submission) => submission.status === 'PROCESSING')) return 'PROCESSING';
  if (submissions.some((submission) => submission.status === 'FAILED')) return current === 'OVERDUE' ? 'OVERDUE' : 'REJECTED';
  return current;
}

/**
 * The request with the status its submissions call for. The status before is the one a reader saw at that moment
 * (an OPEN request past its deadline was already shown OVERDUE), so subscribers are told what they saw change.
 */
function settle(before: VerificationRequest, next: VerificationRequest, at: string): Transition {
  const status = statusFromSubmissions(before.status, next.submissions ?? []);
  const request = { ...next, status };
  const seen = effectiveRequestStatus(before, new Date(at));
  return { request, previousStatus: status === seen ? null : seen };
}

function sameSending(a: VerificationSubmission, b: VerificationSubmission): boolean {
  return a.submittedAt === b.submittedAt && a.processId === b.processId;
}
