import type { Provider } from './providers.js';
import type { VerificationClaim } from './verification.js';

export const VERIFICATION_REQUEST_STATUSES = ['OPEN', 'SUBMITTED', 'OVERDUE'] as const;
export type VerificationRequestStatus = (typeof VERIFICATION_REQUEST_STATUSES)[number];

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
}

/** The earliest deadline of a request, or null when it names none. */
export function earliestDeadline(request: Pick<VerificationRequest, 'deDelegationDeadline' | 'deletionDeadline'>): string | null {
  const deadlines = [request.deDelegationDeadline, request.deletionDeadline].filter((d): d is string => !!d).sort();
  return deadlines[0] ?? null;
}

/** OPEN becomes OVERDUE once its earliest deadline has passed; SUBMITTED stays SUBMITTED. */
export function effectiveRequestStatus(request: VerificationRequest, now: Date = new Date()): VerificationRequestStatus {
  if (request.status !== 'OPEN') return request.status;
  const deadline = earliestDeadline(request);
  return deadline && Date.parse(deadline) <= now.getTime() ? 'OVERDUE' : 'OPEN';
}

export interface VerificationRequestFilter {
  providers?: Provider[] | null;
  status?: VerificationRequestStatus[] | null;
  contactHandle?: string | null;
  deadlineBefore?: string | null;
}
