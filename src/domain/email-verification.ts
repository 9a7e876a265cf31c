import type { Provider } from './providers.js';

export const EMAIL_VERIFICATION_STATUSES = ['NOT_VERIFIED', 'PENDING', 'VERIFIED', 'FAILED'] as const;
export type EmailVerificationStatus = (typeof EMAIL_VERIFICATION_STATUSES)[number];
export type EmailVerificationFailure = 'EXPIRED' | 'BOUNCED';

/** One email-address verification row (Openprovider keeps one per email and domain). */
export interface EmailVerification {
  provider: Provider;
  email: string;
  handle: string | null;
  domain: string | null;
  status: EmailVerificationStatus;
  failureReason: EmailVerificationFailure | null;
  /** The provider's own status text, unchanged. */
  providerStatus: string;
  suspended: boolean | null;
  expiresAt: string | null;
  lastNotifiedAt: string | null;
}

/** A stable identity for a row: provider, email and domain (a Domain Name API row has no domain). */
export function emailVerificationKey(row: Pick<EmailVerification, 'provider' | 'email' | 'domain'>): string {
  return `${row.provider}:${row.email.toLowerCase()}:${row.domain ?? ''}`;
}

export interface EmailVerificationFilter {
  providers?: Provider[] | null;
  email?: string | null;
  handle?: string | null;
  domain?: string | null;
  status?: EmailVerificationStatus[] | null;
  suspended?: boolean | null;
}
