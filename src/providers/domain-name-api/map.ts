import type { Contact } from '../../domain/contact.js';
import type { EmailVerification } from '../../domain/email-verification.js';
import { NotFound, ProviderFailure } from '../../domain/errors.js';
import { domainNameApiEmailStatus, UnknownProviderValue } from '../../domain/status-mapping.js';
import { wallTimeToUtc } from '../../domain/zoned-time.js';
import { parseRetryAfter } from '../http.js';
import { scrubProviderText } from '../provider-text.js';
import type { UpstreamResponse } from '../http.js';
import { dnaErrorMeaning } from './error-codes.js';
import type { NotSoapError } from './soap.js';
import { DETAIL_FIELDS as F, OPERATION_RESULT, RESULT_FIELDS } from './soap.js';

/** What GetDetails tells about one contact: its verification row, and the contact itself when it has a handle. */
export interface DomainNameApiDetails {
  /** Null when the row cannot be read (`unreadable` says why): the contact is still served. */
  verification: EmailVerification | null;
  contact: Contact | null;
  /** Why the verification row is null, e.g. `Unknown Domain Name API verification status: "Suspended"`. */
  unreadable?: string;
}

/**
 * The verification row of a lookup, or the named failure when Domain Name API sent a status the gateway cannot map:
 * an unknown value fails only the row it is in (issue-13 rule), never the contact read, and never reads as "none".
 */
export function verificationOf(details: DomainNameApiDetails): EmailVerification {
  if (details.verification) return details.verification;
  throw new ProviderFailure('DOMAIN_NAME_API', `Domain Name API answered the contact lookup with ${details.unreadable ?? 'a row the gateway cannot read'}.`, {
    kind: 'ERROR',
    code: null,
    httpStatus: null,
    retryable: false,
  });
}

/** The default zone of Domain Name API timestamps (DOMAIN_NAME_API_TIME_ZONE). */
export const DEFAULT_DNA_TIME_ZONE = 'Europe/Istanbul';

/** The article writes a `T`; a space (SQL Server's way of printing the same DateTime) is read alike, not as none. */
const TIMESTAMP = /^(\d{4})-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A Domain Name API timestamp -> ISO 8601 UTC. They come without an offset ("2026-04-05T10:00:00"); no source names
 * the zone, and a WCF DateTime without one is usually the server's local time: the provider is Istanbul-based (its PHP
 * library defaults to Istanbul), so they are read in `timeZone` (DOMAIN_NAME_API_TIME_ZONE, default Europe/Istanbul,
 * providers/domain-name-api.md, revision 2). An explicit offset, if one ever appears, is honoured. .NET's
 * DateTime.MinValue (year 1) means "none".
 */
export function dnaTimestampToIso(value: string | null | undefined, timeZone: string = DEFAULT_DNA_TIME_ZONE): string | null {
  const text = value?.trim();
  if (!text) return null;
  const match = TIMESTAMP.exec(text);
  if (!match || Number(match[1]) <= 1) return null;
  if (!match[2]) return wallTimeToUtc(text, timeZone);
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isNaN(ms) || wallTimeToUtc(text.slice(0, 16), 'UTC') === null ? null : new Date(ms).toISOString();
}

/** True when the result says SUCCESS (case-insensitive; some WCF services write "Success"). */
export function isSuccessResult(fields: Record<string, string | null>): boolean {
  return (fields[RESULT_FIELDS.operationResult] ?? '').toUpperCase() === OPERATION_RESULT.success;
}

/**
 * An ERROR result -> the domain error, by the published code table (error-codes.ts). The provider's code travels
 * in `code` and its text (without email addresses) in the message. Only 410 is "no such contact". A 360/361 passes on
 * the answer's Retry-After (when the HTTP layer sent one) so the caller is told when to come back.
 */
export function resultFailure(fields: Record<string, string | null>, operation: string, response: Pick<UpstreamResponse, 'status' | 'headers'>): ProviderFailure | NotFound {
  const httpStatus = response.status;
  const code = fields[RESULT_FIELDS.errorCode]?.trim() || null;
  const message = scrubProviderText(fields[RESULT_FIELDS.operationMessage] ?? '');
  const said = `code ${code ?? 'none'}${message ? `: ${message}` : ''}`;
  const failure = (kind: ProviderFailure['kind'], text: string, retryable: boolean) =>
    new ProviderFailure('DOMAIN_NAME_API', text, { kind, code, httpStatus, retryable });
  switch (dnaErrorMeaning(code, message)) {
    case 'NOT_FOUND':
      return new NotFound('DOMAIN_NAME_API', `Domain Name API has no contact with this email or handle (${said}).`);
    case 'AUTH':
      return failure('AUTH', `Domain Name API refused the gateway's credentials (${said}); check DOMAIN_NAME_API_USERNAME and DOMAIN_NAME_API_PASSWORD.`, false);
    case 'UNKNOWN_RESELLER':
      return failure('AUTH', `Domain Name API knows no reseller by the gateway's username (${said}); check DOMAIN_NAME_API_USERNAME.`, false);
    case 'KEY_NOT_READ':
      // The gateway never sends a lookup without a key, so the service ignored the one it was sent.
      return failure('ERROR', `Domain Name API read no email or External ID in ${operation} (${said}): it ignores members in another namespace than its contract's; check DOMAIN_NAME_API_DATA_NAMESPACE.`, false);
    case 'IP_NOT_AUTHORIZED':
      return failure('AUTH', `Domain Name API does not accept calls from the gateway's IP address (${said}); whitelist this IP for the reseller account.`, false);
    case 'RATE_LIMITED':
      return new ProviderFailure('DOMAIN_NAME_API', `Domain Name API is limiting the gateway's calls (${said}); try again later.`, {
        kind: 'RATE_LIMITED',
        code,
        httpStatus,
        retryable: true,
        retryAfterSeconds: retryAfterSecondsOf(response),
      });
    case 'CONTACT_NOT_SYNCED':
      // The provider could not sync the contact with the registry: its side, and it may succeed later.
      return failure('ERROR', `Domain Name API could not sync the contact's information with the registry for ${operation} (${said}).`, true);
    case 'REGISTRY_PERMISSION':
      return failure('ERROR', `The registry does not permit Domain Name API to update this domain contact (${said}).`, false);
    default:
      return failure('ERROR', `Domain Name API refused ${operation} (${said}).`, false);
  }
}

/**
 * A result the gateway cannot read: no OperationResult, a SUCCESS without the data, or a status it does not know.
 * Members ignored for their namespace are named, since a namespace that does not match is the likeliest cause.
 */
export function unreadableResult(why: string, ignored: string[], operation: string, httpStatus: number): ProviderFailure {
  const hint = ignored.length
    ? ` Members in an unexpected namespace were ignored (${ignored.slice(0, 4).join(', ')}); check DOMAIN_NAME_API_BASE_NAMESPACE and DOMAIN_NAME_API_DATA_NAMESPACE.`
    : '';
  return new ProviderFailure('DOMAIN_NAME_API', `Domain Name API answered ${operation} with ${why}.${hint}`, {
    kind: 'ERROR',
    code: null,
    httpStatus,
    retryable: false,
  });
}

/** A SOAP Fault: the service rejected the request itself (bad envelope, server bug). Not retryable. */
export function faultFailure(fault: { code: string; message: string }, operation: string, httpStatus: number): ProviderFailure {
  return new ProviderFailure('DOMAIN_NAME_API', `Domain Name API answered ${operation} with a SOAP fault (${fault.code}): ${scrubProviderText(fault.message)}`, {
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
  const retryAfterSeconds = retryAfterSecondsOf(response);
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

/**
 * GetDetails result fields -> the verification row (and the contact when its External ID is known). The article's
 * example answer carries only VerificationStatus, ExpirationDate, LastNotificationDate and ContactEmail, so a result
 * without an ExternalId is the contact that was asked for by `askedExternalId`, not "no such contact". Throws
 * UnknownProviderValue for a VerificationStatus outside the article's four when there is no contact to serve (the caller
 * reports it as unreadable); with a contact, the row is null and `unreadable` says why.
 */
export function toDetails(
  fields: Record<string, string | null>,
  timeZone: string = DEFAULT_DNA_TIME_ZONE,
  askedExternalId?: string | null,
): DomainNameApiDetails {
  const providerStatus = fields[F.verificationStatus] ?? '';
  const email = fields[F.contactEmail] ?? '';
  const handle = fields[F.externalId] || askedExternalId?.trim() || null;
  const contact = handle ? toContact(handle, fields) : null;
  let mapped: ReturnType<typeof domainNameApiEmailStatus>;
  try {
    mapped = domainNameApiEmailStatus(providerStatus);
  } catch (error) {
    // A contact read by handle is still served; by email alone there is nothing left to serve: the caller's failure.
    if (error instanceof UnknownProviderValue && contact) return { verification: null, contact, unreadable: `an ${error.message.slice(0, 120)}` };
    throw error;
  }
  const verification: EmailVerification = {
    provider: 'DOMAIN_NAME_API',
    email,
    handle,
    domain: null,
    status: mapped.status,
    failureReason: mapped.failureReason,
    providerStatus,
    suspended: null,
    expiresAt: dnaTimestampToIso(fields[F.expirationDate], timeZone),
    lastNotifiedAt: dnaTimestampToIso(fields[F.lastNotificationDate], timeZone),
  };
  return { verification, contact };
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


/** The answer's Retry-After in whole seconds (at least 1), or null without one. */
function retryAfterSecondsOf(response: Pick<UpstreamResponse, 'headers'>): number | null {
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  return retryAfterMs !== undefined ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : null;
}
