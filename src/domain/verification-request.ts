import type { Provider } from './providers.js';
import type { ContactVerification, VerificationClaim } from './verification.js';

export const VERIFICATION_REQUEST_STATUSES = ['OPEN', 'PROCESSING', 'SUBMITTED', 'REJECTED', 'OVERDUE'] as const;
export type VerificationRequestStatus = (typeof VERIFICATION_REQUEST_STATUSES)[number];

export const VERIFICATION_SUBMISSION_STATUSES = ['PROCESSING', 'ACCEPTED', 'FAILED'] as const;
export type VerificationSubmissionStatus = (typeof VERIFICATION_SUBMISSION_STATUSES)[number];

export const DEADLINE_KINDS = ['DE_DELEGATION', 'DELETION'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** One sending of evidence for a request: the audit trail a registrar keeps for the registry. */
export interface VerificationSubmission {
  submittedAt: string;
  verifications: ContactVerification[];
  /** The provider's process id when it answered 202. */
  processId: string | null;
  status: VerificationSubmissionStatus;
  /** The provider's reason when its process failed. */
  failureReason: string | null;
  /** The API key's name (never the key); null in the open sandbox. */
  submittedBy: string | null;
}

/** A registry's demand (DENIC under NIS2) that a contact prove some claims by a deadline. */
export interface VerificationRequest {
  /** Gateway id: provider, customer and the provider's notification id. */
  id: string;
  provider: Provider;
  customer: string | null;
  contactHandle: string;
  claims: VerificationClaim[];
  /** Stored state; OVERDUE is derived at read time (see effectiveRequestStatus). */
  status: VerificationRequestStatus;
  message: string;
  receivedAt: string;
  deDelegationDomain: string | null;
  deDelegationDeadline: string | null;
  deletionDomain: string | null;
  deletionDeadline: string | null;
  notificationId: string;
  submittedAt?: string | null;
  /** Every sending of evidence, oldest first (absent on requests stored before revision 2). */
  submissions?: VerificationSubmission[];
}

/** The earliest deadline of a request, or null when it names none. */
export function earliestDeadline(request: Pick<VerificationRequest, 'deDelegationDeadline' | 'deletionDeadline'>): string | null {
  const deadlines = [request.deDelegationDeadline, request.deletionDeadline].filter((d): d is string => !!d).sort();
  return deadlines[0] ?? null;
}

/**
 * OPEN (or REJECTED: the evidence did not count) becomes OVERDUE once its earliest deadline has passed; PROCESSING
 * and SUBMITTED keep their status, since evidence was sent in time.
 */
export function effectiveRequestStatus(request: VerificationRequest, now: Date = new Date()): VerificationRequestStatus {
  if (request.status !== 'OPEN' && request.status !== 'REJECTED') return request.status;
  const deadline = earliestDeadline(request);
  return deadline && Date.parse(deadline) <= now.getTime() ? 'OVERDUE' : request.status;
}

export interface VerificationRequestFilter {
  providers?: Provider[] | null;
  status?: VerificationRequestStatus[] | null;
  contactHandle?: string | null;
  deadlineBefore?: string | null;
}
