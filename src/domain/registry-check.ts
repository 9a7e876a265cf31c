import type { Provider } from './providers.js';

export const REGISTRY_CHECK_STATUSES = [
  'PENDING',
  'APPROVED',
  'DECLINED',
  'RESUBMISSION_REQUESTED',
  'EXPIRED',
  'ABANDONED',
  'REVIEW',
] as const;
export type RegistryCheckStatus = (typeof REGISTRY_CHECK_STATUSES)[number];

/** What the registry confirmed. Personal data: never logged. */
export interface RegistryPerson {
  firstName: string | null;
  lastName: string | null;
  dateOfBirth: string | null;
  yearOfBirth: string | null;
  placeOfBirth: string | null;
  addresses: string[];
}

/** A national-ID check. Holds at most the last four characters of the ID number, by construction. */
export interface RegistryCheck {
  /** The provider's session (verification) id. */
  id: string;
  provider: Provider;
  sessionId: string;
  status: RegistryCheckStatus;
  code: number | null;
  reason: string | null;
  reasonCode: number | null;
  idNumberLast4: string | null;
  person: RegistryPerson | null;
  endUserId: string | null;
  vendorData: string | null;
  submittedAt: string;
  decidedAt: string | null;
  failedValidation: string | null;
}

/** The only form of an ID number the gateway keeps. */
export function lastFour(idNumber: string): string {
  return idNumber.slice(-4);
}

/**
 * A registry check as a caller asks for it. It holds the full ID number, so it lives only for the duration of the
 * request and the upstream call: never stored, cached, logged or published.
 */
export interface RegistryCheckRequest {
  idNumber: string;
  fullName?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  dateOfBirth?: string | null;
  phoneNumber?: string | null;
  address?: {
    fullAddress?: string | null;
    street?: string | null;
    houseNumber?: string | null;
    postcode?: string | null;
    city?: string | null;
    state?: string | null;
    unit?: string | null;
  } | null;
  endUserId?: string | null;
  vendorData?: string | null;
}
