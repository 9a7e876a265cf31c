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
  /**
   * ListCustomers (`GET /v1beta/customers`): the reseller's customers a page at a time, with `total`. Not in the
   * shared Swagger excerpt; from Openprovider's full Swagger (github openprovider/api-documentation, swagger.json,
   * release of 2024-01-10, operationId ListCustomers, definition customerListCustomersResponseData).
   */
  listCustomers: '/v1beta/customers',
} as const;

export const OPENPROVIDER_CODES = {
  success: 0,
  /** Start-verification succeeds with this code instead of 0. */
  verificationStarted: 20001,
  /** Bad credentials or a bad/expired token; comes with HTTP 401, 500 or even 200. */
  authenticationFailed: 196,
  /** "Calls limit has been reached", often under HTTP 500. */
  callsLimitReached: 50,
  /**
   * "This IP has no authority" on production (10005) and on CTE (10009), as the official WHMCS module reads both;
   * the KB "API limits" names more than 300 identical calls in 300 s as one way in. Lifted only by hand (whitelist
   * the IP in the control panel or ask support), so neither is retried and the gateway pauses Openprovider calls.
   */
  ipNoAuthority: 10005,
  ipNoAuthorityCte: 10009,
  /** "The account is blocked because of a non-signed agreement" (KB "API limits"); lifted by signing it. */
  accountBlocked: 197,
} as const;

/** Codes that block the whole account or IP until a person acts: every further call only adds to the block. */
export const OPENPROVIDER_BLOCK_CODES: readonly number[] = [
  OPENPROVIDER_CODES.ipNoAuthority,
  OPENPROVIDER_CODES.ipNoAuthorityCte,
  OPENPROVIDER_CODES.accountBlocked,
];

/**
 * How long the gateway stops calling Openprovider after an IP or account block (10005, 10009, 197). The block is
 * lifted by hand, so this is only how often one trial call checks whether it has been: our choice, not Openprovider's.
 */
export const OPENPROVIDER_BLOCK_PAUSE_MS = 10 * 60_000;

/**
 * KB "API limits": token generation is limited to 30 per 60 s, then blocked for 1 minute; code 50 ("Calls limit has
 * been reached") is not retried within that minute, whatever the call.
 */
export const OPENPROVIDER_CALLS_LIMIT_BLOCK_MS = 60_000;

/** A refused login is remembered this long at least (no login is tried meanwhile, by any instance). */
export const OPENPROVIDER_LOGIN_REFUSAL_MS = 60_000;

/**
 * KB "API limits": 100 failed logins in an hour block logins for 20 minutes. A login refused again within the hour
 * of an earlier refusal, or one that says the account is blocked, is remembered this long, so the gateway never adds
 * to a failed-login block.
 */
export const OPENPROVIDER_FAILED_LOGIN_BLOCK_MS = 20 * 60_000;

/**
 * Openprovider writes `expiration_date` as Europe/Amsterdam wall time (providers/openprovider.md; no source names the
 * zone, revision 2). Configurable with OPENPROVIDER_TIME_ZONE.
 */
export const OPENPROVIDER_TIME_ZONE = 'Europe/Amsterdam';

/** Openprovider's "no date". */
export const OPENPROVIDER_ZERO_DATE = '0000-00-00 00:00:00';

/** The list endpoint's page size cap (default 100). */
export const OPENPROVIDER_MAX_LIMIT = 1000;

/**
 * ASSUMPTION: ListCustomers pages like the email verification list (default 100, at most 1000 per call). Its Swagger
 * gives `limit` and `offset` without bounds. The client steps through pages by the number of rows the first page
 * actually held, so a lower cap at Openprovider costs more calls, never skipped customers.
 */
export const OPENPROVIDER_CUSTOMER_LIST_MAX_LIMIT = 1000;

/**
 * GetCustomer calls (and customer-list pages) one batch runs at once. Openprovider publishes no concurrency limit;
 * what it limits is identical calls (300 in 300 s) and, on CTE, 50 calls per 100 s, which concurrency does not change:
 * the customer list is what keeps a page of contacts within them (src/services/openprovider-customer-reads.ts).
 */
export const OPENPROVIDER_LOOKUP_CONCURRENCY = 8;

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

/*
 * Zero values left out. ASSUMPTION: a member with its zero value may be left out of an answer (false, "", 0, an empty list, `data` itself).
 * The Swagger is generated from protobuf definitions (protoc-gen-swagger: int32 formats, "(empty)" default answers),
 * and a protobuf JSON gateway leaves such members out unless told otherwise; the documents' examples write them all.
 * So the client reads an absent `is_suspended` as false, `description` as "", `results` as [] and an absent `total` of
 * an empty list as 0 (map.ts, listData and toEmailVerification). Rows without a total contradict it (a left-out total
 * is zero) and are unreadable: read as "the rows sent", a full page would hide every row after it.
 */

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
  /** A boolean (its text "true"/"false" is read too, map.ts `flag`). */
  is_suspended: boolean | string;
  /**
   * `YYYY-MM-DD HH:MM:SS` wall time (Swagger and the KB example). Revision 2: the KB table types it "integer", so a
   * number is read as Unix seconds instead of failing the whole list.
   */
  expiration_date: string | number | null;
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

/**
 * ListCustomers' query as sent. Of its Swagger parameters the gateway sends only the paging ones (it reads the whole
 * list or nothing: a pattern's matching rules are not published precisely enough to conclude "not found" from them).
 */
export interface OpenproviderCustomerListQuery {
  limit?: number;
  offset?: number;
}

/** ListCustomers' data: one page of customers and how many match in all. */
export interface OpenproviderCustomerListData {
  total: number;
  /** Each as GetCustomer's data (`customerListCustomersResponseDataResults`), plus `deleted_at`. */
  results: OpenproviderCustomer[];
}

/** The part of GetCustomer's data the gateway reads. */
export interface OpenproviderCustomer {
  handle: string;
  name?: { first_name?: string; prefix?: string; last_name?: string; full_name?: string; initials?: string };
  company_name?: string;
  address?: { street?: string; number?: string; suffix?: string; zipcode?: string; city?: string; state?: string; country?: string };
  phone?: { country_code?: string; area_code?: string; subscriber_number?: string };
  email?: string;
  /** "Status of email verification procedure" (Swagger `customerCustomer`; its example is "ACT"). Passed through. */
  email_verification_status?: string;
  /** A boolean, or its text ("false") from a writer that quotes scalars: read with map.ts `flag`. */
  is_deleted?: boolean | string;
}
