import { Conflict, InputRejected, NotFound, ProviderFailure } from '../../domain/errors.js';
import { problem } from '../../domain/field-problem.js';
import { parseRetryAfter } from '../http.js';
import { scrubProviderText } from '../provider-text.js';
import type { UpstreamResponse } from '../http.js';
import { rtrInstant } from './dates.js';
import { violationPath } from './map.js';
import type { RtrErrorBody } from './wire.js';

const PROVIDER = 'REALTIME_REGISTER';

/**
 * Two public error lists disagree (providers/realtime-register.md, "Errors and limits", revision 2): RTR's errors page
 * (`ObjectDoesNotExist` 400, `ObjectExists` 400, `AuthenticationError` 401, `AuthorizationError` 403,
 * `TooManyRequests` 429, ...) and the vendor's API spec in realtimeregister/skills (`ObjectDoesNotExist` 404,
 * `ObjectExists` 409, `AuthenticationFailed`, `AuthorizationFailed`, `RateLimitExceeded`, ...). The official TS SDK
 * (src/Exceptions.ts) adds `ContactUpdateValidationError` with an `errors` map. So the HTTP status decides first and
 * the type only tells the 400s apart; every name of either list is known here.
 */
/**
 * "No such object" is the type ObjectDoesNotExist (400 on the errors page, 404 in the API spec) and nothing else: a
 * 404 that does not say so (a proxy's HTML page, an empty body, another type such as an unknown endpoint) says
 * nothing about the object, and read as "no such contact" it would tell the caller a contact is gone when the call
 * never reached it.
 */
const NOT_FOUND_TYPES = new Set(['ObjectDoesNotExist']);
const EXISTS_TYPES = new Set(['ObjectExists']);
const INPUT_TYPES = new Set([
  'ValidationError',
  'ConstraintViolationException',
  'UnrecognizedPropertyException',
  'InvalidMessage',
  'InvalidParameter',
  'ContactUpdateValidationError',
]);
const AUTH_TYPES = new Set(['AuthenticationFailed', 'AuthenticationError']);
const FORBIDDEN_TYPES = new Set(['AuthorizationFailed', 'AuthorizationError']);
const RATE_LIMIT_TYPES = new Set(['RateLimitExceeded', 'TooManyRequests', 'AuthenticationRatelimitedError']);

export interface ErrorContext {
  /** Names the call in messages, e.g. contacts.update. */
  operation: string;
  /** Where a ValidationError that names no field points in the caller's input, e.g. ["verifications"]. */
  inputPath?: string[];
  /** Epoch ms, for Retry-After dates and the maintenance window. */
  now?: number;
}

/**
 * The domain error for a non-2xx answer: InputRejected (validation, with violations or the `errors` map as field
 * paths), NotFound, Conflict, or ProviderFailure (auth, rate limit, maintenance window, server errors; retryable
 * where a later try may succeed). Messages carry no credentials and no upstream body beyond the provider's error type
 * and scrubbed text (provider-text.ts). "No such object" and "already exists" are told in the gateway's words: RTR's
 * own ("Contact <handle> does not exist", "Customer <customer> does not exist") quote the caller's input back.
 */
export function rtrError(response: UpstreamResponse, context: ErrorContext): Error {
  const body = parseErrorBody(response.body);
  const type = typeof body.type === 'string' ? body.type : null;
  const { status } = response;
  const now = context.now ?? Date.now();
  const fail = (message: string, details: Omit<ConstructorParameters<typeof ProviderFailure>[2], 'code' | 'httpStatus'>) =>
    new ProviderFailure(PROVIDER, message, { ...details, code: type, httpStatus: status });
  const is = (types: Set<string>) => type !== null && types.has(type);

  if (status === 401) return fail('Realtime Register rejected the API key.', { kind: 'AUTH', retryable: false });
  if (status === 403) {
    return fail(`The Realtime Register API user may not call ${context.operation} (writing verifications needs the CONTACT_VERIFICATION permission).`, {
      kind: 'AUTH',
      retryable: false,
    });
  }
  if (status === 404) {
    if (is(NOT_FOUND_TYPES)) return notFound(context.operation);
    return fail(`Realtime Register answered ${context.operation} with HTTP 404 without saying which object is missing${type ? ` (${type})` : ''}.`, {
      kind: 'ERROR',
      retryable: false,
    });
  }
  if (status === 409) return conflict(context.operation);
  if (status === 429) return rateLimited(context.operation);
  if (type === 'ProviderUnavailable') return maintenance(body, status, now);
  if (status >= 500) {
    const overloaded = status === 502 || status === 503 || status === 504;
    return fail(`Realtime Register failed ${context.operation} (HTTP ${status}${type ? `, ${type}` : ''}).`, {
      kind: overloaded ? 'UNAVAILABLE' : 'ERROR',
      retryable: true,
      retryAfterSeconds: retryAfterSeconds(response, now),
    });
  }
  // A 400 (or another 4xx): the type tells which.
  if (is(NOT_FOUND_TYPES)) return notFound(context.operation);
  if (is(EXISTS_TYPES)) return conflict(context.operation);
  if (is(INPUT_TYPES)) return inputRejected(body, context.inputPath ?? []);
  if (is(AUTH_TYPES)) return fail('Realtime Register rejected the API key.', { kind: 'AUTH', retryable: false });
  if (is(FORBIDDEN_TYPES)) return fail(`The Realtime Register API user may not call ${context.operation}.`, { kind: 'AUTH', retryable: false });
  if (is(RATE_LIMIT_TYPES)) return rateLimited(context.operation);
  return fail(`Realtime Register refused ${context.operation} (HTTP ${status}${type ? `, ${type}` : ''}).`, { kind: 'ERROR', retryable: false });

  function rateLimited(operation: string): ProviderFailure {
    // No Retry-After is documented; honour it when sent, else the caller backs off on its own.
    return fail(`Realtime Register rate-limited ${operation}; try again later.`, {
      kind: 'RATE_LIMITED',
      retryable: true,
      retryAfterSeconds: retryAfterSeconds(response, now),
    });
  }
}

/** Which object is missing is the caller's to know: the text names the call, not the handle or customer it was given. */
function notFound(operation: string): NotFound {
  return new NotFound(PROVIDER, `Realtime Register has no such ${objectOf(operation)} (${operation}).`);
}

function conflict(operation: string): Conflict {
  return new Conflict(PROVIDER, `The ${objectOf(operation)} already exists at Realtime Register (${operation}).`);
}

/** `contacts.update` -> "contact or customer": a contact path names both, and RTR's 404 does not say which is missing. */
function objectOf(operation: string): string {
  if (operation.startsWith('contacts.')) return 'contact or customer';
  if (operation.startsWith('processes.')) return 'process';
  if (operation.startsWith('notifications.')) return 'notification';
  return 'object';
}

/** True for "no such object" in either vocabulary: ObjectDoesNotExist with 400 or 404 (never a bare 404). */
export function isNoSuchObject(response: UpstreamResponse): boolean {
  if (response.status !== 400 && response.status !== 404) return false;
  const type = parseErrorBody(response.body).type;
  return typeof type === 'string' && NOT_FOUND_TYPES.has(type);
}

/** A 2xx whose body is not what the API documents (cut off, or an HTML page from a proxy). */
export function unreadableAnswer(operation: string, status: number): ProviderFailure {
  return new ProviderFailure(PROVIDER, `Realtime Register sent an unreadable answer to ${operation}.`, {
    kind: 'ERROR',
    httpStatus: status,
    retryable: true,
  });
}

/**
 * Field errors from `violations` (ConstraintViolationException), the `errors` map (ContactUpdateValidationError) or
 * `property` (UnrecognizedPropertyException).
 */
function inputRejected(body: RtrErrorBody, fallbackPath: string[]): InputRejected {
  const entries: { field: string | undefined; message: string | undefined }[] = [];
  if (Array.isArray(body.violations)) {
    for (const violation of body.violations.slice(0, MAX_FIELD_ERRORS)) {
      if (typeof violation === 'object' && violation !== null) entries.push({ field: textOf(violation.field), message: textOf(violation.message) });
    }
  }
  if (typeof body.errors === 'object' && body.errors !== null && !Array.isArray(body.errors)) {
    // Its keys are the provider's text like a violation's field: scrubbed alike, as they become the answer's paths.
    for (const [field, message] of Object.entries(body.errors).slice(0, MAX_FIELD_ERRORS)) entries.push({ field: textOf(field), message: textOf(message) });
  }
  // UnrecognizedPropertyException names the one body field it refused in `property`.
  const property = textOf(body.property);
  if (entries.length === 0 && property) entries.push({ field: property, message: textOf(body.message) ?? `unknown field ${property.slice(0, 100)}` });
  const problems = entries.length
    ? entries.map(({ field, message }) => {
        const path = violationPath(field);
        return problem(path.length ? path : fallbackPath, 'INVALID_VALUE', `Realtime Register: ${message ?? 'invalid value'}`);
      })
    : [problem(fallbackPath, 'INVALID_VALUE', `Realtime Register: ${textOf(body.message) ?? 'the input was rejected'}`)];
  return new InputRejected(problems);
}

/** Field errors taken from one answer: a broken or hostile body cannot make the result unbounded. */
const MAX_FIELD_ERRORS = 50;

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? scrubProviderText(value) : undefined;
}

/**
 * How long a maintenance answer (ProviderUnavailable with an `endDate` still to come) says Realtime Register is away,
 * in ms; undefined for any other answer. Retrying within the window would only meet the same answer.
 */
export function maintenanceWaitMs(response: UpstreamResponse, now: number): number | undefined {
  if (response.status < 500) return undefined;
  const body = parseErrorBody(response.body);
  if (body.type !== 'ProviderUnavailable') return undefined;
  const endsAt = rtrInstant(body.endDate);
  const end = endsAt ? Date.parse(endsAt) : Number.NaN;
  return Number.isNaN(end) || end <= now ? undefined : end - now;
}

/**
 * Maintenance: retry once the announced window ends. Its dates are read as every RTR instant is (any ISO 8601
 * spelling, no offset meaning UTC) and shown as read, so the message never carries the provider's text.
 */
function maintenance(body: RtrErrorBody, status: number, now: number): ProviderFailure {
  const startsAt = rtrInstant(body.startDate);
  const endsAt = rtrInstant(body.endDate);
  const end = endsAt ? Date.parse(endsAt) : Number.NaN;
  const window = startsAt && endsAt ? ` (maintenance from ${startsAt} until ${endsAt})` : '';
  return new ProviderFailure(PROVIDER, `Realtime Register is unavailable${window}.`, {
    kind: 'UNAVAILABLE',
    code: 'ProviderUnavailable',
    httpStatus: status,
    retryable: true,
    retryAfterSeconds: Number.isNaN(end) || end <= now ? null : Math.ceil((end - now) / 1000),
  });
}

function retryAfterSeconds(response: UpstreamResponse, now: number): number | null {
  const ms = parseRetryAfter(response.headers['retry-after'], now);
  return ms === undefined ? null : Math.max(1, Math.ceil(ms / 1000));
}

function parseErrorBody(text: string): RtrErrorBody {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RtrErrorBody) : {};
  } catch {
    return {};
  }
}
