/**
 * Openprovider REST v1beta wire facts in one place: paths, codes and shapes from the official Swagger
 * (providers/openprovider-swagger-excerpt.json) and knowledge base (providers/openprovider.md).
 *
 * Lines marked ASSUMPTION are not published by Openprovider; correct them here when the real API disagrees.
 */

export const OPENPROVIDER_PATHS = {
  login: '/v1beta/auth/login',
  listEmailVerifications: '/v1beta/customers/verifications/emails/domains',
  startEmailVerification: '/v1beta/customers/verifications/emails/start',
  restartEmailVerification: '/v1beta/customers/verifications/emails/restart',
  customer: (handle: string) => `/v1beta/customers/${encodeURIComponent(handle)}`,
} as const;

export const OPENPROVIDER_CODES = {
  success: 0,
  /** Start-verification succeeds with this code instead of 0. */
  verificationStarted: 20001,
  /** Bad credentials or a bad/expired token; comes with HTTP 401, 500 or even 200. */
  authenticationFailed: 196,
  /** "Calls limit has been reached", often under HTTP 500. */
  callsLimitReached: 50,
  /** More than 300 identical calls in 300 s: the caller's IP is blacklisted until removed by hand. */
  blacklisted: 10005,
} as const;

/** The list endpoint's page size cap (default 100). */
export const OPENPROVIDER_MAX_LIMIT = 1000;

/** Bearer tokens live 2 days; Openprovider asks clients to renew after at most 1 day. We renew an hour early. */
export const OPENPROVIDER_TOKEN_REFRESH_MS = 23 * 3600_000;

/**
 * ASSUMPTION: a customer handle that does not exist answers HTTP 404 (or an envelope whose desc says "not found").
 * The code number is unpublished; the simulator uses this one.
 */
export const OPENPROVIDER_CUSTOMER_NOT_FOUND_CODE = 320;

/**
 * ASSUMPTION: restarting the verification of an address Openprovider has no verification for answers an error
 * envelope with this code (unpublished; the simulator uses it). The client reads it as NotFound.
 */
export const OPENPROVIDER_VERIFICATION_NOT_FOUND_CODE = 20002;

/** `{code, desc, data, maintenance?, warnings?}`: every Openprovider answer, success or error. */
export interface OpenproviderEnvelope<T = unknown> {
  code: number;
  desc: string;
  data: T;
  maintenance?: boolean;
  warnings?: { code: number; desc: string; data?: string }[];
}

/** One row of ListDomainEmailVerifications. `status` has spaces; `expiration_date` is Amsterdam wall time. */
export interface OpenproviderVerificationRow {
  domain: string;
  email: string;
  handle: string;
  status: string;
  description: string;
  is_suspended: boolean;
  expiration_date: string;
}

export interface OpenproviderListData {
  total: number;
  results: OpenproviderVerificationRow[];
}

/** The list endpoint's query, as sent (status with spaces, is_suspended as a boolean). */
export interface OpenproviderListQuery {
  domain?: string;
  email?: string;
  handle?: string;
  status?: string;
  description?: string;
  is_suspended?: boolean;
  limit?: number;
  offset?: number;
}

/** The part of GetCustomer's data the gateway reads. */
export interface OpenproviderCustomer {
  handle: string;
  name?: { first_name?: string; prefix?: string; last_name?: string; full_name?: string; initials?: string };
  company_name?: string;
  address?: { street?: string; number?: string; suffix?: string; zipcode?: string; city?: string; state?: string; country?: string };
  phone?: { country_code?: string; area_code?: string; subscriber_number?: string };
  email?: string;
  is_deleted?: boolean;
}
