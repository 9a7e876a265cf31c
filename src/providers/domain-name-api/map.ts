import type { Contact } from '../../domain/contact.js';
import type { EmailVerification } from '../../domain/email-verification.js';
import { NotFound, ProviderFailure } from '../../domain/errors.js';
import { domainNameApiEmailStatus } from '../../domain/status-mapping.js';
import { parseRetryAfter } from '../http.js';
import type { UpstreamResponse } from '../http.js';
import type { NotSoapError } from './soap.js';
import {
  AUTH_ERROR_CODE,
  AUTH_MESSAGE,
  DETAIL_FIELDS as F,
  NOT_FOUND_ERROR_CODE,
  NOT_FOUND_MESSAGE,
  OPERATION_RESULT,
  RESULT_FIELDS,
} from './soap.js';

/** What GetDetails tells about one contact: its verification row, and the contact itself when it has a handle. */
export interface DomainNameApiDetails {
  verification: EmailVerification;
  contact: Contact | null;
}

const OFFSETLESS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Domain Name API timestamps have no offset ("2026-04-05T10:00:00"); the article's examples are UTC, so they are
 * read as UTC. An explicit offset, if one ever appears, is honoured. .NET's DateTime.MinValue (year 1) is "none".
 */
export function offsetlessUtcToIso(value: string | null | undefined): string | null {
  const text = value?.trim();
  if (!text) return null;
  const match = OFFSETLESS.exec(text);
  if (!match) return null;
  const [, year, month, day] = match;
  if (Number(year) <= 1) return null;
  const fraction = match[7] ? match[7].slice(0, 4) : '';
  const iso = `${year}-${month}-${day}T${match[4]}:${match[5]}:${match[6] ?? '00'}${fraction}${match[8] ?? 'Z'}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day)) return null;
  return new Date(ms).toISOString();
}

/** True when the result says SUCCESS (case-insensitive; some WCF services write "Success"). */
export function isSuccessResult(fields: Record<string, string | null>): boolean {
  return (fields[RESULT_FIELDS.operationResult] ?? '').toUpperCase() === OPERATION_RESULT.success;
}

/** An ERROR result meaning "no such contact". */
export function isNotFoundResult(fields: Record<string, string | null>): boolean {
  return fields[RESULT_FIELDS.errorCode] === NOT_FOUND_ERROR_CODE || NOT_FOUND_MESSAGE.test(fields[RESULT_FIELDS.operationMessage] ?? '');
}

/** An ERROR result is a domain error; never retryable (the same call gets the same answer). */
export function resultFailure(fields: Record<string, string | null>, operation: string, httpStatus: number): ProviderFailure | NotFound {
  const code = fields[RESULT_FIELDS.errorCode] ?? null;
  const message = fields[RESULT_FIELDS.operationMessage] ?? '';
  if (code === AUTH_ERROR_CODE || AUTH_MESSAGE.test(message)) {
    return new ProviderFailure(
      'DOMAIN_NAME_API',
      'Domain Name API refused the gateway\'s credentials; check DOMAIN_NAME_API_USERNAME and DOMAIN_NAME_API_PASSWORD.',
      { kind: 'AUTH', code, httpStatus, retryable: false },
    );
  }
  if (isNotFoundResult(fields)) return new NotFound('DOMAIN_NAME_API', 'Domain Name API has no contact with this email or handle.');
  return new ProviderFailure('DOMAIN_NAME_API', `Domain Name API refused ${operation}${message ? `: ${scrub(message)}` : ''}`, {
    kind: 'ERROR',
    code,
    httpStatus,
    retryable: false,
  });
}

/** A SOAP Fault: the service rejected the request itself (bad envelope, server bug). Not retryable. */
export function faultFailure(fault: { code: string; message: string }, operation: string, httpStatus: number): ProviderFailure {
  return new ProviderFailure('DOMAIN_NAME_API', `Domain Name API answered ${operation} with a SOAP fault (${fault.code}): ${scrub(fault.message)}`, {
    kind: 'ERROR',
    code: fault.code,
    httpStatus,
    retryable: false,
  });
}

/**
 * A body that is not SOAP. HTML (a WAF challenge page) and empty or cut-short bodies on 429/5xx are transient and
 * retryable; anything else unreadable is not.
 */
export function unreadableFailure(error: NotSoapError, response: UpstreamResponse, operation: string): ProviderFailure {
  const httpStatus = response.status;
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  const retryAfterSeconds = retryAfterMs !== undefined ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : null;
  if (httpStatus === 429) {
    return new ProviderFailure('DOMAIN_NAME_API', 'Domain Name API is rate limiting the gateway; try again shortly.', {
      kind: 'RATE_LIMITED',
      httpStatus,
      retryable: true,
      retryAfterSeconds,
    });
  }
  const transient = httpStatus >= 500 || error.what === 'html';
  const what = error.what === 'html' ? 'an HTML page' : error.what === 'empty' ? 'an empty answer' : 'an unreadable answer';
  return new ProviderFailure('DOMAIN_NAME_API', `Domain Name API sent ${what} (HTTP ${httpStatus}) for ${operation}.`, {
    kind: transient ? 'UNAVAILABLE' : 'ERROR',
    httpStatus,
    retryable: transient,
    retryAfterSeconds,
  });
}

/** GetDetails result fields -> the verification row (and the contact when the result names its External ID). */
export function toDetails(fields: Record<string, string | null>): DomainNameApiDetails {
  const providerStatus = fields[F.verificationStatus] ?? '';
  const { status, failureReason } = domainNameApiEmailStatus(providerStatus);
  const email = fields[F.contactEmail] ?? '';
  const handle = fields[F.externalId] ?? null;
  const verification: EmailVerification = {
    provider: 'DOMAIN_NAME_API',
    email,
    handle,
    domain: null,
    status,
    failureReason,
    providerStatus,
    suspended: null,
    expiresAt: offsetlessUtcToIso(fields[F.expirationDate]),
    lastNotifiedAt: offsetlessUtcToIso(fields[F.lastNotificationDate]),
  };
  return { verification, contact: handle ? toContact(handle, fields) : null };
}

function toContact(handle: string, fields: Record<string, string | null>): Contact {
  const name = [fields[F.firstName], fields[F.lastName]].filter(Boolean).join(' ');
  const countryCode = fields[F.phoneCountryCode]?.replace(/\D/g, '');
  const phone = fields[F.phone]?.replace(/\D/g, '');
  return {
    provider: 'DOMAIN_NAME_API',
    customer: null,
    handle,
    name: name || null,
    organization: fields[F.company] ?? null,
    email: fields[F.contactEmail] ?? null,
    voice: countryCode && phone ? `+${countryCode}.${phone}` : null,
    addressLines: [fields[F.addressLine1], fields[F.addressLine2], fields[F.addressLine3]].filter((line): line is string => !!line),
    postalCode: fields[F.zipCode] ?? null,
    city: fields[F.city] ?? null,
    state: fields[F.state] ?? null,
    country: fields[F.country]?.toUpperCase() ?? null,
    createdAt: null,
    updatedAt: null,
    verifications: [],
  };
}

const EMAIL_IN_TEXT = /[^\s@"'<>]+@[^\s@"'<>]+/g;
const SCRUB_INPUT_MAX = 400;

/** Provider text without email addresses, short. */
function scrub(text: string): string {
  // Cut before matching: the pattern rescans a long run without an @ from every start (quadratic), and provider text
  // has no length limit. 400 keeps any address that would reach the first 200 characters whole.
  return text.slice(0, SCRUB_INPUT_MAX).replace(EMAIL_IN_TEXT, '[email]').slice(0, 200);
}
