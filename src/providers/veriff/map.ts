import { InputRejected, ProviderFailure } from '../../domain/errors.js';
import { isIsoDate, toUtcIso } from '../../domain/dates.js';
import { problem } from '../../domain/field-problem.js';
import type { RegistryCheckRequest, RegistryCheckStatus, RegistryPerson } from '../../domain/registry-check.js';
import { UnknownProviderValue, veriffRegistryStatus } from '../../domain/status-mapping.js';
import { parseRetryAfter } from '../retry-policy.js';
import type { UpstreamResponse } from '../http.js';
import type { VeriffAddress, VeriffRegistryRequestBody } from './wire.js';
import { maskLongDigitRuns } from '../../domain/digit-runs.js';

/** A registry check as the gateway submits it, already validated by the registry-check service. */
export type RegistrySubmission = RegistryCheckRequest;

/** A decision as the rest of the gateway sees it. Holds no ID number: map.ts never reads `person.idNumber`. */
export interface VeriffDecision {
  status: RegistryCheckStatus;
  code: number | null;
  reason: string | null;
  reasonCode: number | null;
  person: RegistryPerson | null;
  decidedAt: string | null;
  failedValidation: string | null;
  vendorData: string | null;
  endUserId: string | null;
}

/** The session id of an answer or webhook, and its decision when it carries one. */
export interface VeriffSessionOutcome {
  sessionId: string | null;
  decision: VeriffDecision | null;
}

/** Veriff sent JSON of a shape the gateway does not understand. The message names fields, never values. */
export class VeriffPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VeriffPayloadError';
  }
}

/** Submission -> wire body: trimmed strings only, empty fields left out, `address` beside `person`. */
export function toVeriffRegistryBody(submission: RegistrySubmission): VeriffRegistryRequestBody {
  const person = compact({
    idNumber: submission.idNumber,
    fullName: submission.fullName,
    firstName: submission.firstName,
    lastName: submission.lastName,
    dateOfBirth: submission.dateOfBirth,
    phoneNumber: submission.phoneNumber,
  }) as VeriffRegistryRequestBody['verification']['person'];
  const address = submission.address ? (compact({ ...submission.address }) as VeriffAddress) : {};
  return {
    verification: {
      person,
      ...(Object.keys(address).length ? { address } : {}),
      ...compact({ vendorData: submission.vendorData, endUserId: submission.endUserId }),
    },
  };
}

/** Keeps the non-empty values, each as a trimmed string (Veriff wants every value as a string). */
function compact(values: Record<string, string | number | null | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    const text = String(value).trim();
    if (text !== '') result[key] = text;
  }
  return result;
}

/**
 * Reads a decision envelope (sync 200 body or decision webhook) or the webhook-mode 200 answer. Throws
 * VeriffPayloadError when the JSON is not such an object. The session id is `verification.id`; the webhook-mode
 * answer may carry it as a top-level `sessionId` instead (ASSUMPTIONS.md). A `verification` whose status and code
 * are not a decision (e.g. "submitted") gives decision null.
 */
export function parseVeriffEnvelope(value: unknown): VeriffSessionOutcome {
  if (!isObject(value)) throw new VeriffPayloadError('the body is not a JSON object');
  const verification = value.verification;
  // The webhook-mode answer "has the request status and session id" under no published name: `verification.id` (as in
  // the decision), `verification.sessionId`, a top-level `sessionId` or `id` all name it (ASSUMPTIONS.md, 1).
  const topLevel = () => optionalString(value, 'sessionId') ?? optionalString(value, 'id');
  if (verification === null || verification === undefined) {
    return { sessionId: topLevel(), decision: null };
  }
  if (!isObject(verification)) throw new VeriffPayloadError('verification is not an object');
  const sessionId = optionalString(verification, 'id') ?? optionalString(verification, 'sessionId') ?? topLevel();
  return { sessionId, decision: readDecision(verification) };
}

function readDecision(verification: Record<string, unknown>): VeriffDecision | null {
  const statusText = describingText(verification.status);
  const code = describingInteger(verification.code);
  let status: RegistryCheckStatus;
  try {
    status = veriffRegistryStatus(statusText, code);
  } catch (error) {
    if (error instanceof UnknownProviderValue) return null;
    throw error;
  }
  // Once the status is known, the rest only describes the decision: a member of an unexpected type (a number where
  // the document shows a string, an object where it shows null) is read as well as it can be, never a reason to drop
  // the decision: the webhook would be acknowledged and lost, and every decision poll would fail the same way.
  return {
    status,
    code,
    // Free text Veriff writes, stored and published with the check: an ID number quoted in it is masked (reason,
    // failedValidation). Not the session id (the gateway matches on it), nor vendorData and endUserId (the caller's
    // own values, given back as sent), nor the person (registry data: a six-digit postcode is an address's, not an ID).
    reason: maskOptional(describingText(verification.reason)),
    reasonCode: describingInteger(verification.reasonCode),
    person: readPerson(verification.person),
    decidedAt: toUtcIso(describingText(verification.decisionTime)) ?? null,
    failedValidation: maskOptional(readFailedValidation(verification.additionalVerifiedData)),
    vendorData: describingText(verification.vendorData),
    endUserId: describingText(verification.endUserId),
  };
}

/**
 * The confirmed person, field by field, each read leniently (see readDecision); anything but an object is no person.
 * `idNumber` is deliberately not read: it must not outlive the request.
 */
function readPerson(value: unknown): RegistryPerson | null {
  if (!isObject(value)) return null;
  const dateOfBirth = describingText(value.dateOfBirth);
  const addresses = Array.isArray(value.addresses) ? value.addresses : [];
  return {
    firstName: describingText(value.firstName),
    lastName: describingText(value.lastName),
    dateOfBirth: dateOfBirth && isIsoDate(dateOfBirth) ? dateOfBirth : null,
    yearOfBirth: describingText(value.yearOfBirth),
    placeOfBirth: describingText(value.placeOfBirth),
    addresses: addresses
      .map((address) => (isObject(address) ? describingText(address.fullAddress) : describingText(address)))
      .filter((address): address is string => !!address),
  };
}

/** A describing member as text: a string (empty is none) or a finite number as its digits; anything else is none. */
function describingText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Free text without its long digit runs (src/domain/digit-runs.ts). */
function maskOptional(text: string | null): string | null {
  return text === null ? null : maskLongDigitRuns(text);
}

/** A describing integer: a number or numeric string; anything else is none. */
function describingInteger(value: unknown): number | null {
  const number = typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : null;
}

/** `additionalVerifiedData.failedValidation`: a field name, a list of them, or null. */
function readFailedValidation(value: unknown): string | null {
  if (!isObject(value)) return null;
  const failed = value.failedValidation;
  if (typeof failed === 'string' && failed !== '') return failed;
  if (Array.isArray(failed)) {
    const names = failed.filter((name): name is string => typeof name === 'string' && name !== '');
    return names.length ? names.join(', ') : null;
  }
  return null;
}

/** The 1102 messages of providers/veriff.md, each pointing at the input field it is about. */
const MISSING_FIELD: { pattern: RegExp; path: string[]; message: string }[] = [
  { pattern: /fullAddress/, path: ['address', 'fullAddress'], message: 'Veriff needs address.fullAddress, or street + houseNumber + postcode.' },
  { pattern: /dateOfBirth'? or '?address/, path: ['dateOfBirth'], message: 'Veriff needs dateOfBirth or an address.' },
  { pattern: /fullName/, path: ['fullName'], message: 'Veriff needs fullName, or firstName + lastName.' },
  { pattern: /idNumber/, path: ['idNumber'], message: 'Veriff needs idNumber.' },
];

/**
 * A non-2xx answer -> the domain error to throw. Upstream messages are never passed on as they are (they could echo
 * input); each known code gets the gateway's own words. 1102 -> InputRejected naming the field; 18xx (and any other
 * 401/403) -> AUTH, not retryable; 429 -> RATE_LIMITED with Retry-After; 5xx -> UNAVAILABLE, retryable (Retry-After
 * passed on when sent).
 */
export function veriffFailure(response: UpstreamResponse, now: number = Date.now()): InputRejected | ProviderFailure {
  const { status } = response;
  const error = readErrorBody(response.body);
  const code = error?.code ?? null;
  const details = { code, httpStatus: status };
  if (code === '1102') {
    const known = MISSING_FIELD.find((entry) => entry.pattern.test(error?.message ?? ''));
    return new InputRejected([
      known ? problem(known.path, 'REQUIRED', known.message) : problem([], 'REQUIRED', 'Veriff says a required field is missing (code 1102).'),
    ]);
  }
  if (code?.startsWith('18') || status === 401 || status === 403) {
    return new ProviderFailure('VERIFF', authMessage(code, status), { ...details, kind: 'AUTH', retryable: false });
  }
  const waitMs = parseRetryAfter(response.headers['retry-after'], now);
  const retryAfterSeconds = waitMs === undefined ? null : Math.max(1, Math.ceil(waitMs / 1000));
  if (status === 429) {
    return new ProviderFailure('VERIFF', 'Veriff is rate limiting the gateway; try again later.', {
      ...details,
      kind: 'RATE_LIMITED',
      retryable: true,
      retryAfterSeconds,
    });
  }
  if (status >= 500) {
    // A 503 may say when to come back (RFC 9110 §10.2.3), as Veriff's maintenance answers do.
    return new ProviderFailure('VERIFF', `Veriff failed with HTTP ${status}; try again later.`, { ...details, kind: 'UNAVAILABLE', retryable: true, retryAfterSeconds });
  }
  return new ProviderFailure('VERIFF', `Veriff refused the request (HTTP ${status}${code ? `, code ${code}` : ''}).`, {
    ...details,
    kind: 'ERROR',
    retryable: false,
  });
}

function authMessage(code: string | null, status: number): string {
  switch (code) {
    case '1801':
      return 'Veriff refused the call: the API key header is missing (code 1801).';
    case '1802':
    case '1803':
    case '1804':
      return `Veriff does not accept this integration's API key (code ${code}); check VERIFF_API_KEY.`;
    case '1812':
    case '1818':
    case '1819':
      return `Veriff rejected the request signature (code ${code}); check VERIFF_SHARED_SECRET.`;
    default:
      return `Veriff refused the gateway's credentials (HTTP ${status}${code ? `, code ${code}` : ''}).`;
  }
}

/**
 * Whether a body is Veriff's failure envelope (`{status: "failed", ...}`), whatever the HTTP status it came under: a 200
 * carrying one is a refusal sent with the wrong status, not an accepted call whose answer is unreadable.
 */
export function isVeriffFailureBody(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) && value.status === 'failed';
  } catch {
    return false;
  }
}

/** `{status: "failed", code, message}`; the code may come as a number. Null when the body is not that. */
function readErrorBody(text: string): { code: string | null; message: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const code = typeof value.code === 'string' || typeof value.code === 'number' ? String(value.code) : null;
  return { code, message: typeof value.message === 'string' ? value.message : '' };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new VeriffPayloadError(`${key} is not a string`);
  return value === '' ? null : value;
}
