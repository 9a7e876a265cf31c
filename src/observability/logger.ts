import pino from 'pino';
import type { Logger } from 'pino';
import { NO_TRACE_FIELDS, traceLogFields } from './tracer.js';

export type { Logger };

/** Field names whose values never reach a log line, at any depth (see maskLine). */
export const SENSITIVE_KEYS = [
  'password', 'passwd', 'apiKey', 'api_key', 'x-api-key', 'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token',
  'secret', 'sharedSecret', 'previousSharedSecret', 'webhookSecret', 'jwtSecret', 'authorization', 'cookie', 'set-cookie',
  'signature', 'x-hmac-signature', 'x-auth-client', 'x-auth-signature', 'hmac', 'idNumber', 'id_number', 'nationalId',
  'personalCode', 'dateOfBirth', 'date_of_birth', 'dob', 'connectionParams',
];

/**
 * Paths pino blanks before a line is written. Secrets and personal data never reach the log, whatever a caller
 * passes: credentials, tokens, signatures, national ID numbers, dates of birth, names. (maskLine then catches the
 * same keys at any depth, and configured secret values anywhere in a line.)
 */
export const REDACTED_PATHS = [
  'password', '*.password', 'apiKey', '*.apiKey', 'token', '*.token', 'secret', '*.secret', 'sharedSecret', '*.sharedSecret',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', 'headers["x-api-key"]',
  'headers["x-auth-client"]', 'headers["x-hmac-signature"]', 'headers.signature', 'headers.cookie', '*.headers.cookie',
  '*.headers.authorization', 'connectionParams', '*.connectionParams',
  'idNumber', '*.idNumber', '*.*.idNumber', '*.*.*.idNumber', 'dateOfBirth', '*.dateOfBirth', '*.*.dateOfBirth', '*.*.*.dateOfBirth',
  'person', '*.person', 'body', '*.body', 'variables', '*.variables',
];

export const CENSOR = '[redacted]';

export interface LoggerOptions {
  level?: string;
  /** Pretty, human output (a terminal); JSON lines otherwise. */
  pretty?: boolean;
  /** Where lines go (tests capture them); stdout by default. */
  destination?: NodeJS.WritableStream;
  /** Secret values (configSecrets(config)) masked wherever they appear in a line, messages and stacks included. */
  secrets?: readonly string[];
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const base = {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    // The active span's traceId and spanId on every line; while tracing is off the line's own fields pass as they are.
    mixin: traceLogFields,
    mixinMergeStrategy: (fields: object, traceFields: object) => (traceFields === NO_TRACE_FIELDS ? fields : Object.assign(traceFields, fields)),
  };
  const mask = createLineMasker(options.secrets ?? []);
  const target: pino.DestinationStream = options.destination
    ? (options.destination as pino.DestinationStream)
    : options.pretty
      ? pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } })
      : pino.destination({ dest: 1, sync: true });
  return pino(base, { write: (line: string) => target.write(mask(line)) });
}

/** Secrets shorter than this are not searched for (they would mask ordinary words); config demands longer keys. */
const MIN_SECRET_LENGTH = 6;

/**
 * The last line of defence, run on every serialized line: values of SENSITIVE_KEYS at any depth become [redacted],
 * and so does every configured secret wherever it appears (also JSON-escaped, URL-encoded and base64, as it would
 * sit in an escaped message, a URL or a Basic header).
 */
export function createLineMasker(secrets: readonly string[]): (line: string) => string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) needles.add(form);
  }
  const secretPattern = needles.size ? new RegExp([...needles].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g') : null;
  const keyPattern = new RegExp(`("(?:${SENSITIVE_KEYS.map(escapeRegExp).join('|')})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|-?\\d[\\d.eE+-]*)`, 'gi');
  return (line) => {
    let masked = line.replace(keyPattern, `$1"${CENSOR}"`);
    if (secretPattern) masked = masked.replace(secretPattern, CENSOR);
    return masked;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `parent.child(bindings)`, made when first used. A pino child serialises and redacts its bindings as it is made (about
 * 2% of a cached GraphQL request's CPU, which got one per request), and most requests never log.
 */
export function lazyChild(parent: Logger, bindings: pino.Bindings): Logger {
  let child: Logger | null = null;
  const real = (): Logger => (child ??= parent.child(bindings));
  return new Proxy({} as Logger, {
    get(_target, property) {
      const target = real();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (_target, property, value) => Reflect.set(real(), property, value),
    has: (_target, property) => Reflect.has(real(), property),
  });
}

/** A logger that writes nothing, for tests and tools that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
