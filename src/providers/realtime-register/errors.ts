import { Conflict, InputRejected, NotFound, ProviderFailure } from '../../domain/errors.js';
import { problem } from '../../domain/field-problem.js';
import { parseRetryAfter } from '../http.js';
import type { UpstreamResponse } from '../http.js';
import { violationPath } from './map.js';
import type { RtrErrorBody } from './wire.js';

const PROVIDER = 'REALTIME_REGISTER';

/** Error types that mean "your input is wrong" (providers/realtime-register.md, "Errors and limits"; SDK Api.ts). */
const INPUT_TYPES = new Set(['ValidationError', 'ConstraintViolationException', 'UnrecognizedPropertyException']);
const RATE_LIMIT_TYPES = new Set(['RateLimitExceeded', 'AuthenticationRatelimitedError']);

export interface ErrorContext {
  /** Names the call in messages, e.g. contacts.update. */
  operation: string;
  /** Where a ValidationError that names no field points in the caller's input, e.g. ["verifications"]. */
  inputPath?: string[];
  /** Epoch ms, for Retry-After dates and the maintenance window. */
  now?: number;
}

/**
 * The domain error for a non-2xx answer: InputRejected (validation, with violations as field paths), NotFound,
 * Conflict, or ProviderFailure (auth, rate limit, maintenance window, server errors; retryable where a later try may
 * succeed). Messages carry no credentials and no upstream body beyond the provider's error type and text.
 */
export function rtrError(response: UpstreamResponse, context: ErrorContext): Error {
  const body = parseErrorBody(response.body);
  const type = body.type ?? null;
  const { status } = response;
  const now = context.now ?? Date.now();
  const fail = (message: string, details: Omit<ConstructorParameters<typeof ProviderFailure>[2], 'code' | 'httpStatus'>) =>
    new ProviderFailure(PROVIDER, message, { ...details, code: type, httpStatus: status });

  if (type === 'ProviderUnavailable') return maintenance(body, status, now);
  if (status === 429 || (type && RATE_LIMIT_TYPES.has(type))) {
    // No Retry-After is documented; honour it when sent, else the caller backs off on its own.
    return fail(`Realtime Register rate-limited ${context.operation}; try again later.`, {
      kind: 'RATE_LIMITED',
      retryable: true,
      retryAfterSeconds: retryAfterSeconds(response, now),
    });
  }
  if (status === 401 || type === 'AuthenticationFailed' || type === 'AuthenticationError') {
    return fail('Realtime Register rejected the API key.', { kind: 'AUTH', retryable: false });
  }
  if (status === 403 || type === 'AuthorizationFailed') {
    return fail(`The Realtime Register API user may not call ${context.operation} (writing verifications needs the CONTACT_VERIFICATION permission).`, {
      kind: 'AUTH',
      retryable: false,
    });
  }
  if (status === 404 || type === 'ObjectDoesNotExist') return new NotFound(PROVIDER, body.message || 'Realtime Register has no such object.');
  if (status === 409 || type === 'ObjectExists') return new Conflict(PROVIDER, body.message || 'The object already exists at Realtime Register.');
  if (type && INPUT_TYPES.has(type)) return inputRejected(body, context.inputPath ?? []);
  if (status >= 500) {
    const overloaded = status === 502 || status === 503 || status === 504;
    return fail(`Realtime Register failed ${context.operation} (HTTP ${status}${type ? `, ${type}` : ''}).`, {
      kind: overloaded ? 'UNAVAILABLE' : 'ERROR',
      retryable: true,
      retryAfterSeconds: retryAfterSeconds(response, now),
    });
  }
  return fail(`Realtime Register refused ${context.operation} (HTTP ${status}${type ? `, ${type}` : ''}).`, { kind: 'ERROR', retryable: false });
}

/** A 2xx whose body is not what the API documents (cut off, or an HTML page from a proxy). */
export function unreadableAnswer(operation: string, status: number): ProviderFailure {
  return new ProviderFailure(PROVIDER, `Realtime Register sent an unreadable answer to ${operation}.`, {
    kind: 'ERROR',
    httpStatus: status,
    retryable: true,
  });
}

function inputRejected(body: RtrErrorBody, fallbackPath: string[]): InputRejected {
  const violations = Array.isArray(body.violations) ? body.violations : [];
  const problems = violations.length
    ? violations.map((violation) => {
        const path = violationPath(violation.field);
        return problem(path.length ? path : fallbackPath, 'INVALID_VALUE', `Realtime Register: ${violation.message ?? 'invalid value'}`);
      })
    : [problem(fallbackPath, 'INVALID_VALUE', `Realtime Register: ${body.message ?? 'the input was rejected'}`)];
  return new InputRejected(problems);
}

/** Maintenance: retry once the announced window ends. */
function maintenance(body: RtrErrorBody, status: number, now: number): ProviderFailure {
  const end = body.endDate ? Date.parse(body.endDate) : Number.NaN;
  const window = body.startDate && body.endDate ? ` (maintenance from ${body.startDate} until ${body.endDate})` : '';
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
