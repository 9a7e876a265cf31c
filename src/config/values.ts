/**
 * Readers for one environment variable each: a bad value throws ConfigError naming the variable and what is wrong,
 * never echoing a secret.
 */

import { isIP } from 'node:net';
import { isKnownTimeZone } from '../domain/zoned-time.js';
import type { BasicCredentials } from './types.js';

/** A configuration problem, reported as one line and exit code 2. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export type Reader = (name: string) => string | undefined;

export function required(read: Reader, name: string, what: string): string {
  const value = read(name);
  if (!value) throw new ConfigError(name, `is required when the provider's credentials are set (${what})`);
  return value;
}

export function parsePort(name: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(name, `must be a whole number from 0 to 65535, got "${value}"`);
  }
  return port;
}

/**
 * HOST: an IP address or a host name, checked here so that a typo is a configuration line (exit 2); whether this
 * machine has that address is only known when it listens.
 */
export function parseHost(name: string, value: string): string {
  const address = value.replace(/^\[(.*)\]$/, '$1');
  if (isIP(address)) return address;
  const hostName = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
  // All digits and dots is an IPv4 address or nothing (999.1.1.1), never a name.
  if (!hostName.test(value) || /^[\d.]+$/.test(value)) {
    throw new ConfigError(name, `must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name, got "${value.slice(0, 80)}"`);
  }
  return value;
}

/** The longest delay a Node timer keeps: a longer one fires after 1 ms (TimeoutOverflowWarning), a hot loop. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A whole number of milliseconds from `min` (a period of 0 would run its loop back to back against a provider) to
 * `max` (by default what a timer can wait; a duration only compared with clocks passes Number.MAX_SAFE_INTEGER).
 */
export function parseDuration(name: string, value: string, { min = 0, max = MAX_TIMER_MS }: { min?: number; max?: number } = {}): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(name, `must be a whole number of milliseconds ${range}, got "${value.slice(0, 40)}"`);
  }
  return Number(value);
}

/** `https://app.example.com,http://localhost:5173` or `*`; each entry must be a bare origin (no path). */
export function parseCorsOrigins(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const origins = value.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const [index, origin] of origins.entries()) {
    if (origin === '*') continue;
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError('CORS_ORIGINS', `${quotedEntry(value, origin, index)} is not an origin like https://app.example.com (scheme, host, optional port, no path)`);
    }
  }
  return origins.map((origin) => origin.replace(/\/$/, ''));
}

/** A whole number of at least `min` (limits, rates, sizes). */
export function parseCount(name: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new ConfigError(name, `must be a whole number of at least ${min}, got "${value}"`);
  }
  return Number(value);
}

export function parseBoolean(name: string, value: string): boolean {
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  // Every spelling accepted is named: REALTIME_REGISTER_POLL is documented as on/off, the others as true/false.
  throw new ConfigError(name, `must be true or false (or on/off, yes/no, 1/0), got "${value}"`);
}

export function parseChoice<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/**
 * An http(s) URL without a user name or password: fetch refuses URLs carrying credentials, a provider's base URL is
 * shown by `{ providers { baseUrl } }` and the OTLP endpoint is logged at start (its credentials belong in
 * OTEL_EXPORTER_OTLP_HEADERS, which are masked).
 */
export function parseUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `is not a URL: "${redactUrl(value)}"`);
  }
  // The scheme is not quoted: `user:password@host` written without one parses with the user name as its scheme.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, 'must be an http(s) URL (https://...)');
  if (url.username || url.password) {
    throw new ConfigError(name, 'must not carry a user name or password (the part before "@"): the gateway sends its credentials from their own variables');
  }
  return value.replace(/\/+$/, '');
}

export function parseHandle(name: string, value: string): string {
  if (!/^[a-zA-Z0-9\-_@.]{3,40}$/.test(value)) throw new ConfigError(name, `must be 3-40 characters of [a-zA-Z0-9-_@.], got "${value}"`);
  return value;
}

export function parseJsonText(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  try {
    JSON.parse(value);
  } catch (error) {
    throw new ConfigError(name, `is not valid JSON (${(error as Error).message})`);
  }
  return value;
}

/** `redis://host:port` or a comma list of them (Redis Cluster nodes); `rediss://` for TLS. */
export function parseRedisUrls(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(',').map((part) => part.trim()).filter(Boolean).map((text, index) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new ConfigError('REDIS_URL', `${quotedEntry(value, text, index)} is not a URL; expected redis://host:port (a password's special characters percent-encoded)`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      // The scheme is not quoted: `:password@host` or `user:password@host` without one parses with a part of it there.
      throw new ConfigError('REDIS_URL', 'must use redis:// or rediss://');
    }
    if (!url.hostname) throw new ConfigError('REDIS_URL', `${quotedEntry(value, text, index)} has no host`);
    if (url.port && !/^\d+$/.test(url.port)) throw new ConfigError('REDIS_URL', `${quotedEntry(value, text, index)} has a bad port`);
    return text;
  });
}

/**
 * How a refusal names one entry of a comma list of URLs: quoted (credentials redacted) when the whole value holds no
 * "@", else by position only. A password may hold the list's comma, which cuts it in two: the piece before the comma
 * has no "@" left to redact up to, and the piece after has only the rest of the password before its "@".
 */
function quotedEntry(value: string, entry: string, index: number): string {
  return value.includes('@') ? `entry ${index + 1}` : `"${oneLine(entry)}"`;
}

/**
 * Keeps passwords in URLs out of error lines: everything between the scheme and the last "@" (a password may hold "@",
 * "/" or a line break, and a malformed URL may lack "//").
 */
export function redactUrl(text: string): string {
  return oneLine(text.replace(/^([a-z][a-z0-9+.-]*:(?:\/\/)?)?[\s\S]*@/i, '$1***@'));
}

/** A refusal is one line (main.ts prints it as such): line breaks in a quoted value are shown escaped. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]/g, (character) => JSON.stringify(character).slice(1, -1));
}

/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The OpenTelemetry list format: `key=value,key2=value2`, values percent-decoded (W3C Baggage octets). `keyPattern`
 * is what a key must look like (a header name for the OTLP headers). Nothing of an entry is echoed: a header written
 * `authorization: Bearer <token>` puts its token in the error line, and one whose Base64 token holds "=" makes the
 * key `authorization: Bearer <head of the token>` (refused by keyPattern, never kept as a header name, which no
 * secret mask covers).
 */
export function parseKeyValueList(name: string, value: string | undefined, example: string, keyPattern?: RegExp): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [index, entry] of (value ?? '').split(',').map((part) => part.trim()).filter(Boolean).entries()) {
    const separator = entry.indexOf('=');
    const key = entry.slice(0, separator).trim();
    if (separator <= 0 || (keyPattern && !keyPattern.test(key))) throw new ConfigError(name, `entry ${index + 1} is not key=value (e.g. ${example})`);
    try {
      result[key] = decodeURIComponent(entry.slice(separator + 1).trim());
    } catch {
      throw new ConfigError(name, `the value of entry ${index + 1} is not percent-encoded text`);
    }
  }
  return result;
}

/** An XML namespace name: an absolute URI, as data-contract namespaces are. */
export function parseNamespace(name: string, value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) throw new ConfigError(name, `must be an absolute URI such as http://schemas.datacontract.org/2004/07/..., got "${value}"`);
  return value;
}

/** An IANA time zone Intl knows, e.g. Europe/Istanbul or UTC. */
export function parseTimeZone(name: string, value: string): string {
  if (!isKnownTimeZone(value)) throw new ConfigError(name, `must be an IANA time zone such as Europe/Istanbul or UTC, got "${value}"`);
  return value;
}

/** `user:password` (the password may contain colons; the user may not, as in RFC 7617). */
/** The shortest webhook Basic password taken (see parseBasicCredentials). */
export const BASIC_PASSWORD_MIN_LENGTH = 16;

export function parseBasicCredentials(name: string, value: string | undefined): BasicCredentials | null {
  if (value === undefined) return null;
  const separator = value.indexOf(':');
  if (separator <= 0 || separator === value.length - 1) throw new ConfigError(name, 'must be a user name and a password joined by a colon, both non-empty');
  const password = value.slice(separator + 1);
  // The password is all that stands between anyone who can reach the webhook and a stored notification; guesses are
  // bounded only by the webhook rate limit (a failed-authentication budget there would let one guesser behind a proxy
  // block the provider's own deliveries and stall its queue), so it must be too long to guess.
  if ([...password].length < BASIC_PASSWORD_MIN_LENGTH) throw new ConfigError(name, `the password must be at least ${BASIC_PASSWORD_MIN_LENGTH} characters long`);
  return { username: value.slice(0, separator), password };
}

/** `7d,3d,1d,12h,30m,90s`: distinct positive durations, returned in seconds, largest first; `off` for none. */
export function parseReminders(name: string, value: string): number[] {
  if (/^(off|none)$/i.test(value)) return [];
  const units: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };
  const seconds = value.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const match = /^(\d{1,6})([dhms])$/.exec(part);
    if (!match || Number(match[1]) === 0) throw new ConfigError(name, `"${part}" is not a duration like 7d, 12h, 30m or 90s`);
    return Number(match[1]) * units[match[2]!]!;
  });
  if (new Set(seconds).size !== seconds.length) throw new ConfigError(name, 'names the same threshold twice');
  return seconds.sort((a, b) => b - a);
}
