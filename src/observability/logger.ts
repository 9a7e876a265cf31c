import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks before a line is written. Secrets and personal data never reach the log, whatever a caller
 * passes: credentials, tokens, signatures, national ID numbers, dates of birth, names.
 */
export const REDACTED_PATHS = [
  'password', '*.password', 'apiKey', '*.apiKey', 'token', '*.token', 'secret', '*.secret', 'sharedSecret', '*.sharedSecret',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', 'headers["x-api-key"]',
  'headers["x-auth-client"]', 'headers["x-hmac-signature"]', 'headers.signature',
  'idNumber', '*.idNumber', '*.*.idNumber', 'dateOfBirth', '*.dateOfBirth', '*.*.dateOfBirth',
  'person', '*.person', 'body', '*.body',
];

export interface LoggerOptions {
  level?: string;
  /** Pretty, human output (a terminal); JSON lines otherwise. */
  pretty?: boolean;
  /** Where lines go (tests capture them); stdout by default. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const base = { level: options.level ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (options.destination) return pino(base, options.destination as pino.DestinationStream);
  if (options.pretty) return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  return pino(base);
}

/** A logger that writes nothing, for tests and tools that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
