import type { Contact } from '../../domain/contact.js';
import type { EmailVerification } from '../../domain/email-verification.js';
import { NotFound, ProviderFailure } from '../../domain/errors.js';
import { openproviderEmailStatus, UnknownProviderValue } from '../../domain/status-mapping.js';
import { wallTimeToUtc } from '../../domain/zoned-time.js';
import { parseRetryAfter } from '../http.js';
import { scrubProviderText } from '../provider-text.js';
import type { UpstreamResponse } from '../http.js';
import type { OpenproviderCustomer, OpenproviderEnvelope, OpenproviderVerificationRow } from './wire.js';
import { OPENPROVIDER_BLOCK_CODES, OPENPROVIDER_BLOCK_PAUSE_MS, OPENPROVIDER_CALLS_LIMIT_BLOCK_MS, OPENPROVIDER_CODES, OPENPROVIDER_TIME_ZONE, OPENPROVIDER_ZERO_DATE } from './wire.js';

/** The `{code, desc, data}` envelope of a response, or null when the body is not one (HTML, empty, cut short). */
export function readEnvelope<T = unknown>(response: UpstreamResponse): OpenproviderEnvelope<T> | null {
  if (!response.body) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const code = wholeNumber((parsed as { code?: unknown }).code);
  if (code === null) return null;
  const envelope = parsed as OpenproviderEnvelope<T>;
  return { ...envelope, code, desc: typeof envelope.desc === 'string' ? envelope.desc : '' };
}

/**
 * An integer the Swagger types int32, written as a JSON number or as its digits in a string (a writer that quotes
 * scalars, as protobuf JSON does for 64-bit ones): the same value either way. Null for anything else.
 */
export function wholeNumber(value: unknown): number | null {
  const number = typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : null;
}

/** A boolean written as JSON true/false or as the text "true"/"false" (any case); null for anything else. */
export function flag(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return text === 'true' ? true : text === 'false' ? false : null;
}

/** Code 50 ("Calls limit has been reached"), whatever the HTTP status. */
export function isRateLimitCode(code: number | undefined): boolean {
  return code === OPENPROVIDER_CODES.callsLimitReached;
}

/** An IP block (10005 production, 10009 CTE) or an account block (197). */
export function isBlockCode(code: number | undefined): boolean {
  return code !== undefined && OPENPROVIDER_BLOCK_CODES.includes(code);
}

/**
 * For ProviderHttp's neverRetry hook: code 50 and the blocks are never repeated, whatever the HTTP status (code 50
 * may come under 429, which the HTTP layer would otherwise retry): repeating the call is what makes the block last.
 */
export function mustNotRepeat(response: UpstreamResponse): boolean {
  const code = readEnvelope(response)?.code;
  return isRateLimitCode(code) || isBlockCode(code);
}

/** What a person must do about each block, named in the failure (KB "API limits", the official WHMCS module). */
const BLOCK_FIXES: Record<number, string> = {
  [OPENPROVIDER_CODES.ipNoAuthority]:
    "Openprovider refuses calls from the gateway's IP address (code 10005: this IP has no authority; more than 300 identical calls in 300 s block an IP). Whitelist this IP in the Openprovider control panel or ask Openprovider support to lift the block.",
  [OPENPROVIDER_CODES.ipNoAuthorityCte]:
    "Openprovider's test environment (CTE) refuses calls from the gateway's IP address (code 10009: this IP has no authority). Whitelist this IP in the CTE control panel or ask Openprovider support to lift the block.",
  [OPENPROVIDER_CODES.accountBlocked]:
    'Openprovider has blocked the account because an agreement is not signed (code 197). Sign the agreement in the Openprovider control panel.',
};

/**
 * An answer that blocks every further call (IP or account block, code 50), as the failure to remember; null for any
 * other answer. Blocks are not retryable (a person must act); code 50 is, after the block's minute (or Retry-After).
 */
export function accountBlockFailure(response: UpstreamResponse, envelope: OpenproviderEnvelope | null): { failure: ProviderFailure; durationMs: number } | null {
  const code = envelope?.code;
  if (isBlockCode(code)) {
    const failure = new ProviderFailure('OPENPROVIDER', `${BLOCK_FIXES[code!]} The gateway pauses its Openprovider calls meanwhile.`, {
      kind: 'AUTH',
      code: String(code),
      httpStatus: response.status,
      retryable: false,
    });
    return { failure, durationMs: OPENPROVIDER_BLOCK_PAUSE_MS };
  }
  if (isRateLimitCode(code)) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    const durationMs = Math.max(retryAfterMs ?? 0, OPENPROVIDER_CALLS_LIMIT_BLOCK_MS);
    const failure = new ProviderFailure(
      'OPENPROVIDER',
      `Openprovider's call limit has been reached (code 50); the gateway pauses its Openprovider calls for ${Math.ceil(durationMs / 1000)} s.`,
      { kind: 'RATE_LIMITED', code: String(code), httpStatus: response.status, retryable: true, retryAfterSeconds: Math.ceil(durationMs / 1000) },
    );
    return { failure, durationMs };
  }
  return null;
}

/** A refused token or refused credentials: HTTP 401, or code 196 under any status. */
export function isAuthFailure(response: UpstreamResponse, envelope: OpenproviderEnvelope | null): boolean {
  return response.status === 401 || envelope?.code === OPENPROVIDER_CODES.authenticationFailed;
}

/** True when the call succeeded: HTTP 2xx and the expected envelope code (0, or 20001 for start). */
export function isSuccess(response: UpstreamResponse, envelope: OpenproviderEnvelope | null, successCode: number = OPENPROVIDER_CODES.success): boolean {
  return response.status >= 200 && response.status < 300 && envelope !== null && envelope.code === successCode;
}

/** The credentials themselves were refused at login. Not retryable: the same credentials will be refused again. */
export function credentialsRefused(httpStatus: number | null): ProviderFailure {
  return new ProviderFailure(
    'OPENPROVIDER',
    'Openprovider refused the gateway\'s credentials (code 196); check OPENPROVIDER_USERNAME and OPENPROVIDER_PASSWORD.',
    { kind: 'AUTH', code: String(OPENPROVIDER_CODES.authenticationFailed), httpStatus, retryable: false },
  );
}

/**
 * A failed answer as a domain error. `operation` names the call in the message (e.g. "the verification list").
 * Provider text is passed on with email addresses removed, so no personal data reaches a client.
 */
export function openproviderFailure(response: UpstreamResponse, envelope: OpenproviderEnvelope | null, operation: string): ProviderFailure {
  const httpStatus = response.status;
  const code = envelope ? String(envelope.code) : null;
  const desc = envelope?.desc ? `: ${scrubProviderText(envelope.desc)}` : '';
  const blocked = accountBlockFailure(response, envelope);
  if (blocked) return blocked.failure;
  if (response.status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return new ProviderFailure('OPENPROVIDER', `Openprovider is rate limiting the gateway (HTTP 429${code ? `, code ${code}` : ''}); try again shortly.`, {
      kind: 'RATE_LIMITED',
      code,
      httpStatus,
      retryable: true,
      retryAfterSeconds: retryAfterMs !== undefined ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : null,
    });
  }
  if (isAuthFailure(response, envelope)) {
    return new ProviderFailure('OPENPROVIDER', `Openprovider refused the gateway's token for ${operation} (HTTP ${httpStatus}${code ? `, code ${code}` : ''}).`, {
      kind: 'AUTH',
      code,
      httpStatus,
      retryable: false,
    });
  }
  if (envelope?.maintenance) {
    return new ProviderFailure('OPENPROVIDER', `Openprovider is in maintenance (HTTP ${httpStatus}); try again later.`, {
      kind: 'UNAVAILABLE',
      code,
      httpStatus,
      retryable: true,
    });
  }
  if (!envelope) {
    const outage = httpStatus >= 500;
    const what = response.body ? 'an unreadable answer' : 'an empty answer';
    return new ProviderFailure('OPENPROVIDER', `Openprovider sent ${what} (HTTP ${httpStatus}) for ${operation}.`, {
      kind: outage ? 'UNAVAILABLE' : 'ERROR',
      httpStatus,
      retryable: outage,
    });
  }
  return new ProviderFailure('OPENPROVIDER', `Openprovider refused ${operation} (HTTP ${httpStatus}, code ${code})${desc}`, {
    kind: 'ERROR',
    code,
    httpStatus,
    retryable: httpStatus >= 500,
  });
}

/**
 * The `data` of a successful list answer as `{total, results}`, or null when it is not one (a string, an array, results
 * that are not an array, rows reported but none sent for a page inside the list, `offset` below the total). Members
 * left out read as their zero value (wire.ts, "Zero values left out"): `data` null or `{}` is an empty list, a
 * missing `total` the rows sent (unless
 * `totalRequired`: then only an empty list may leave it out, as a zero; every list that pages by its total needs it,
 * since a full page read as "the whole list" would drop every row after it without a word).
 */
export function listData<T>(data: unknown, options: { totalRequired?: boolean; offset?: number } = {}): { total: number; results: T[] } | null {
  if (data === null || data === undefined) return { total: 0, results: [] };
  if (typeof data !== 'object' || Array.isArray(data)) return null;
  const { total: rawTotal, results } = data as { total?: unknown; results?: unknown };
  if (results !== undefined && results !== null && !Array.isArray(results)) return null;
  const rows = (results ?? []) as T[];
  const total = rawTotal === undefined || rawTotal === null ? undefined : wholeNumber(rawTotal);
  if (total === null || (total !== undefined && total < 0)) return null;
  // Where "not on any page" is read as "no such object", rows without the list's size are unreadable.
  if (options.totalRequired && typeof total !== 'number' && rows.length > 0) return null;
  const count = typeof total === 'number' ? total : rows.length;
  // "N rows match" with none sent on a page inside the list would read as an empty list: unreadable instead. A page at
  // or past the total (the list shrank since its first page was read) has no rows, and proto3 leaves them out.
  if (rows.length === 0 && count > 0 && results === undefined && (options.offset ?? 0) < count) return null;
  return { total: count, results: rows };
}

/** Who a row the gateway cannot map is about (its members as far as they are text), and why it was left out. */
export function unreadableRow(row: unknown, error: UnknownProviderValue): { handle: string | null; email: string | null; domain: string | null; reason: string } {
  const member = (key: string): string | null => {
    const value = row && typeof row === 'object' ? (row as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' && value.trim() ? value.trim() : null;
  };
  return { handle: member('handle'), email: member('email'), domain: member('domain'), reason: error.message.slice(0, 160) };
}

/**
 * What a reader says about list rows it had to leave out: a named failure, not retryable (the same rows come back),
 * whose message counts them and quotes the first reason (the provider's value, never a row's address).
 */
export function unreadableRowsFailure(rows: { reason: string }[]): ProviderFailure {
  const count = rows.length === 1 ? 'one row' : `${rows.length} rows`;
  return new ProviderFailure('OPENPROVIDER', `Openprovider sent ${count} of the email verification list that the gateway cannot read, left out (${rows[0]?.reason ?? 'unknown'}).`, {
    kind: 'ERROR',
    code: null,
    httpStatus: null,
    retryable: false,
  });
}

/**
 * A "no such object" answer: an error envelope under HTTP 404, or one whose code or text says so. A 404 without an
 * envelope (a proxy's page, a wrong base URL or path) is not Openprovider saying anything about the object.
 */
export function isNotFound(response: UpstreamResponse, envelope: OpenproviderEnvelope | null, notFoundCode?: number): boolean {
  if (!envelope || envelope.code === OPENPROVIDER_CODES.success) return false;
  if (response.status === 404) return true;
  return envelope.code === notFoundCode || /not\s+(be\s+)?found|does\s+not\s+exist/i.test(envelope.desc);
}

export function notFound(message: string): NotFound {
  return new NotFound('OPENPROVIDER', message);
}

/** The last second of year 9999: a number past it is no Unix-seconds date (1e20 would throw, milliseconds read as year 57000). */
const LAST_UNIX_SECOND = 253_402_300_799;

/**
 * `expiration_date` -> ISO 8601 UTC: wall time in `timeZone` (the zero date is null), or, revision 2, a number read as
 * Unix seconds (the KB table types the field "integer"). Anything else is null: one odd row never fails a list.
 */
export function readExpirationDate(value: unknown, timeZone: string = OPENPROVIDER_TIME_ZONE): string | null {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,12}$/.test(value.trim()) ? Number(value) : null;
  if (seconds !== null) return Number.isFinite(seconds) && seconds > 0 && seconds <= LAST_UNIX_SECOND ? new Date(seconds * 1000).toISOString() : null;
  if (typeof value !== 'string' || value.trim().startsWith(OPENPROVIDER_ZERO_DATE.slice(0, 10))) return null;
  return wallTimeToUtc(value, timeZone);
}

/**
 * One list row in the gateway's shape; `expiration_date` becomes UTC (see readExpirationDate). A member left out
 * reads as its zero value (wire.ts, "Zero values left out"): no `is_suspended` is false, no `description` is "".
 * Throws UnknownProviderValue for a row without an email or with a status outside the documented four.
 */
export function toEmailVerification(row: OpenproviderVerificationRow, timeZone: string = OPENPROVIDER_TIME_ZONE): EmailVerification {
  if (!row || typeof row !== 'object' || typeof row.email !== 'string' || !row.email) {
    throw new UnknownProviderValue('Openprovider email verification row', 'a row without an email');
  }
  const providerStatus = typeof row.status === 'string' ? row.status : '';
  const description = typeof row.description === 'string' ? row.description : '';
  const { status, failureReason } = openproviderEmailStatus(providerStatus, description);
  return {
    provider: 'OPENPROVIDER',
    email: row.email,
    handle: typeof row.handle === 'string' && row.handle ? row.handle : null,
    domain: typeof row.domain === 'string' && row.domain ? row.domain : null,
    status,
    failureReason,
    providerStatus,
    suspended: row.is_suspended === undefined || row.is_suspended === null ? false : flag(row.is_suspended),
    expiresAt: readExpirationDate(row.expiration_date, timeZone),
    lastNotifiedAt: null,
  };
}

/**
 * GetCustomer data -> Contact. Only contact fields are read: additional data (ID numbers, birth dates) never is. Every
 * member is read with `text`: the Swagger types them as strings, but a house number, postal code or phone part written
 * as a JSON number (or an object where a string belongs) must not make the contact unreadable.
 */
export function toContact(customer: OpenproviderCustomer): Contact {
  const name = isRecord(customer.name) ? customer.name : {};
  const fullName = text(name.full_name) || [name.first_name, name.prefix, name.last_name].map(text).filter(Boolean).join(' ');
  const address = isRecord(customer.address) ? customer.address : {};
  const street = [address.street, address.number, address.suffix].map(text).filter(Boolean).join(' ');
  return {
    provider: 'OPENPROVIDER',
    customer: null,
    handle: customer.handle,
    name: fullName || null,
    organization: text(customer.company_name) || null,
    email: text(customer.email) || null,
    voice: toVoice(isRecord(customer.phone) ? customer.phone : undefined),
    addressLines: street ? [street] : [],
    postalCode: text(address.zipcode) || null,
    city: text(address.city) || null,
    state: text(address.state) || null,
    country: text(address.country).toUpperCase() || null,
    createdAt: null,
    updatedAt: null,
    verifications: [],
    emailVerificationStatus: text(customer.email_verification_status) || null,
  };
}

/** `{country_code: "+31", area_code: "20", subscriber_number: "1234567"}` -> `+31.201234567`. Numbers read as digits. */
export function toVoice(phone: OpenproviderCustomer['phone']): string | null {
  const country = text(phone?.country_code).replace(/\D/g, '');
  const number = `${text(phone?.area_code)}${text(phone?.subscriber_number)}`.replace(/\D/g, '');
  return country && number ? `+${country}.${number}` : null;
}

/** A member documented as a string, trimmed: a finite number is read as its digits, anything else as "". */
function text(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
