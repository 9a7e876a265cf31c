import type { Provider } from './providers.js';
import type { ContactVerification } from './verification.js';
import type { EmailVerification, EmailVerificationStatus } from './email-verification.js';
import type { RegistryCheck } from './registry-check.js';
import type { DeadlineKind, VerificationRequest, VerificationRequestStatus } from './verification-request.js';

export const VERIFICATION_EVENT_TYPES = [
  'VERIFICATION_REQUIRED',
  'VERIFICATION_SUBMITTED',
  'EMAIL_VERIFICATION_CHANGED',
  'REGISTRY_CHECK_DECIDED',
  'PROVIDER_NOTIFICATION',
  'VERIFICATION_REQUEST_CHANGED',
  'DEADLINE_APPROACHING',
] as const;
export type VerificationEventType = (typeof VERIFICATION_EVENT_TYPES)[number];

interface EventBase {
  provider: Provider;
  occurredAt: string;
  /** The contact the event is about, for filtering. */
  contactHandle: string | null;
}

/** An event before the log gives it an id. Every payload is safe to publish: no secrets, no ID numbers. */
export type VerificationEventPayload =
  | (EventBase & { type: 'VERIFICATION_REQUIRED'; request: VerificationRequest })
  | (EventBase & {
      type: 'VERIFICATION_SUBMITTED';
      contactHandle: string;
      customer: string | null;
      verifications: ContactVerification[];
      request: VerificationRequest | null;
    })
  | (EventBase & { type: 'EMAIL_VERIFICATION_CHANGED'; emailVerification: EmailVerification; previousStatus: EmailVerificationStatus | null })
  | (EventBase & { type: 'REGISTRY_CHECK_DECIDED'; registryCheck: RegistryCheck })
  | (EventBase & { type: 'PROVIDER_NOTIFICATION'; notificationId: string; kind: string; message: string })
  | (EventBase & { type: 'VERIFICATION_REQUEST_CHANGED'; request: VerificationRequest; previousStatus: VerificationRequestStatus })
  | (EventBase & {
      type: 'DEADLINE_APPROACHING';
      request: VerificationRequest;
      deadlineKind: DeadlineKind;
      deadline: string;
      /** Seconds left when the event was emitted. */
      remainingSeconds: number;
    });

/** A stored event: the log's monotonic id plus the payload. */
export type VerificationEvent = VerificationEventPayload & { id: string };

export interface VerificationEventFilter {
  providers?: Provider[] | null;
  types?: VerificationEventType[] | null;
  contactHandle?: string | null;
}

export function eventMatches(event: VerificationEventPayload, filter: VerificationEventFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.providers?.length && !filter.providers.includes(event.provider)) return false;
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  if (filter.contactHandle && event.contactHandle !== filter.contactHandle) return false;
  return true;
}
