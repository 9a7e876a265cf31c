import { maskLongDigitRuns } from './digit-runs.js';
import type { EmailVerificationFailure, EmailVerificationStatus } from './email-verification.js';
import type { RegistryCheckStatus } from './registry-check.js';

export interface UnifiedEmailStatus {
  status: EmailVerificationStatus;
  failureReason: EmailVerificationFailure | null;
}

/**
 * Openprovider list rows: `status` (with spaces) and `description` (expired | bounced for failures).
 * Source: providers/openprovider.md, "Mapping to the unified status".
 */
export function openproviderEmailStatus(status: string, description: string | null | undefined): UnifiedEmailStatus {
  switch (status.trim().toLowerCase()) {
    case 'not verified':
      return { status: 'NOT_VERIFIED', failureReason: null };
    case 'in progress':
      return { status: 'PENDING', failureReason: null };
    case 'verified':
      return { status: 'VERIFIED', failureReason: null };
    case 'failed': {
      const reason = (description ?? '').trim().toLowerCase();
      return { status: 'FAILED', failureReason: reason === 'expired' ? 'EXPIRED' : reason === 'bounced' ? 'BOUNCED' : null };
    }
    default:
      throw new UnknownProviderValue('Openprovider email verification status', status);
  }
}

/** Unified status -> Openprovider's list filter value (spaces and all). */
export const OPENPROVIDER_STATUS_FILTER: Record<EmailVerificationStatus, string> = {
  NOT_VERIFIED: 'not verified',
  PENDING: 'in progress',
  VERIFIED: 'verified',
  FAILED: 'failed',
};

/**
 * Domain Name API `VerificationStatus`. Source: providers/domain-name-api.md, "Mapping". The article spells them
 * NotValidated, Pending, Validated, Expired; matched without regard to case, as an enum written as text elsewhere
 * (NOTVALIDATED, validated) is still the same value.
 */
export function domainNameApiEmailStatus(status: string): UnifiedEmailStatus {
  switch (status.trim().toLowerCase()) {
    case 'notvalidated':
      return { status: 'NOT_VERIFIED', failureReason: null };
    case 'pending':
      return { status: 'PENDING', failureReason: null };
    case 'validated':
      return { status: 'VERIFIED', failureReason: null };
    case 'expired':
      return { status: 'FAILED', failureReason: 'EXPIRED' };
    default:
      throw new UnknownProviderValue('Domain Name API verification status', status);
  }
}

const VERIFF_STATUS: Record<string, RegistryCheckStatus> = {
  approved: 'APPROVED',
  declined: 'DECLINED',
  resubmission_requested: 'RESUBMISSION_REQUESTED',
  expired: 'EXPIRED',
  abandoned: 'ABANDONED',
  review: 'REVIEW',
};

const VERIFF_CODE: Record<number, RegistryCheckStatus> = {
  9001: 'APPROVED',
  9102: 'DECLINED',
  9103: 'RESUBMISSION_REQUESTED',
  9104: 'EXPIRED',
  9121: 'REVIEW',
};

/**
 * Veriff decision -> unified status. The status string decides first because Veriff's own pages disagree on
 * code 9121 (review vs abandoned) and 9104 covers both expired and abandoned (providers/veriff.md).
 */
export function veriffRegistryStatus(status: string | null | undefined, code: number | null | undefined): RegistryCheckStatus {
  const byStatus = status ? VERIFF_STATUS[status.trim().toLowerCase()] : undefined;
  if (byStatus) return byStatus;
  const byCode = code !== null && code !== undefined ? VERIFF_CODE[code] : undefined;
  if (byCode) return byCode;
  throw new UnknownProviderValue('Veriff decision', `${status ?? ''}/${code ?? ''}`);
}

/**
 * A provider sent a value the gateway has no mapping for: a contract drift worth surfacing, not guessing. The value is
 * quoted without its long digit runs: the message is logged (with its stack) and, as an unreadable list row's reason,
 * answered to the caller, and a value nobody mapped may be anything, an ID number included.
 */
export class UnknownProviderValue extends Error {
  constructor(what: string, value: string) {
    super(`Unknown ${what}: ${JSON.stringify(maskLongDigitRuns(value))}`);
    this.name = 'UnknownProviderValue';
  }
}
