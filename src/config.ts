/**
 * Environment -> typed Config. Every variable of DESIGN.md's table is read here and nowhere else; a bad value
 * stops start-up with one line naming the variable and what is wrong with it.
 */

export type RegistryMode = 'sync' | 'webhook';
export type GatewayMode = 'sandbox' | 'live';

export interface ApiKeyGrant {
  key: string;
  scopes: string[];
}

export interface RealtimeRegisterConfig {
  apiKey: string;
  customer: string;
  baseUrl: string;
  webhookSecret: string | null;
  pollIntervalMs: number;
}

export interface OpenproviderConfig {
  username: string;
  password: string;
  baseUrl: string;
}

export interface DomainNameApiConfig {
  username: string;
  password: string;
  baseUrl: string;
  contactServicePath: string;
}

export interface VeriffConfig {
  apiKey: string;
  sharedSecret: string;
  /** Accepted on webhooks during key rotation. */
  previousSharedSecret: string | null;
  baseUrl: string;
  syncBaseUrl: string;
  registryMode: RegistryMode;
}

export interface ProvidersConfig {
  realtimeRegister: RealtimeRegisterConfig | null;
  openprovider: OpenproviderConfig | null;
  domainNameApi: DomainNameApiConfig | null;
  veriff: VeriffConfig | null;
}

export interface Config {
  port: number;
  host: string;
  mode: GatewayMode;
  /** One URL for a single Redis, several for the nodes of a Redis Cluster. Empty: everything in memory. */
  redisUrls: string[];
  apiKeys: ApiKeyGrant[];
  providers: ProvidersConfig;
  logLevel: string;
  /** Allowed CORS origins; null means the mode's default (any in sandbox, none in live). */
  corsOrigins: string[] | null;
  introspection: boolean;
  /** Faults injected into the sandbox simulators (JSON keyed by provider), sandbox mode only. */
  sandboxFaults: string | null;
  /** Veriff's simulated decision delay in sandbox webhook mode. */
  sandboxDecisionDelayMs: number;
  emailWatchIntervalMs: number;
  /** VERIFF_REGISTRY_MODE also picks the Veriff simulator's mode in sandbox mode. */
  sandboxRegistryMode: RegistryMode;
}

export const SCOPES = [
  'contacts:read',
  'contacts:write',
  'email:read',
  'email:write',
  'registry:read',
  'registry:write',
  'events:read',
] as const;
export type Scope = (typeof SCOPES)[number];

export const PRODUCTION_URLS = {
  realtimeRegister: 'https://api.yoursrs.com',
  openprovider: 'https://api.openprovider.eu',
  domainNameApi: 'https://whmcs.domainnameapi.com',
  veriff: 'https://stationapi.veriff.com',
  veriffSync: 'https://sync-api.veriff.me',
} as const;

/** A configuration problem, reported as one line and exit code 2. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const providers: ProvidersConfig = {
    realtimeRegister: readRealtimeRegister(read),
    openprovider: readOpenprovider(read),
    domainNameApi: readDomainNameApi(read),
    veriff: readVeriff(read),
  };
  const anyProvider = Object.values(providers).some((provider) => provider !== null);
  const mode: GatewayMode = anyProvider ? 'live' : 'sandbox';
  const apiKeys = parseApiKeys(read('GATEWAY_API_KEYS'));
  if (mode === 'live' && apiKeys.length === 0) {
    throw new ConfigError('GATEWAY_API_KEYS', 'live mode (provider credentials are set) needs at least one key, e.g. "k1:contacts:read,events:read"');
  }
  return {
    port: parsePort('PORT', read('PORT') ?? '4000'),
    host: read('HOST') ?? '127.0.0.1',
    mode,
    redisUrls: parseRedisUrls(read('REDIS_URL')),
    apiKeys,
    providers,
    logLevel: parseChoice('LOG_LEVEL', read('LOG_LEVEL') ?? 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    corsOrigins: read('CORS_ORIGINS')?.split(',').map((origin) => origin.trim()).filter(Boolean) ?? null,
    introspection: parseBoolean('GRAPHQL_INTROSPECTION', read('GRAPHQL_INTROSPECTION') ?? 'true'),
    sandboxFaults: parseJsonText('SANDBOX_FAULTS', read('SANDBOX_FAULTS')),
    sandboxDecisionDelayMs: parseDuration('SANDBOX_DECISION_DELAY_MS', read('SANDBOX_DECISION_DELAY_MS') ?? '1500'),
    emailWatchIntervalMs: parseDuration('EMAIL_WATCH_INTERVAL_MS', read('EMAIL_WATCH_INTERVAL_MS') ?? '60000'),
    sandboxRegistryMode: parseChoice('VERIFF_REGISTRY_MODE', read('VERIFF_REGISTRY_MODE') ?? 'webhook', ['sync', 'webhook']),
  };
}

type Reader = (name: string) => string | undefined;

/** A provider is configured when its credential variable is set; its other required variables must follow. */
function readRealtimeRegister(read: Reader): RealtimeRegisterConfig | null {
  const apiKey = read('REALTIME_REGISTER_API_KEY');
  if (!apiKey) return null;
  return {
    apiKey,
    customer: parseHandle('REALTIME_REGISTER_CUSTOMER', required(read, 'REALTIME_REGISTER_CUSTOMER', 'the Realtime Register customer handle')),
    baseUrl: parseUrl('REALTIME_REGISTER_BASE_URL', read('REALTIME_REGISTER_BASE_URL') ?? PRODUCTION_URLS.realtimeRegister),
    webhookSecret: read('REALTIME_REGISTER_WEBHOOK_SECRET') ?? null,
    pollIntervalMs: parseDuration('REALTIME_REGISTER_POLL_INTERVAL_MS', read('REALTIME_REGISTER_POLL_INTERVAL_MS') ?? '30000'),
  };
}

function readOpenprovider(read: Reader): OpenproviderConfig | null {
  const username = read('OPENPROVIDER_USERNAME');
  if (!username) return null;
  return {
    username,
    password: required(read, 'OPENPROVIDER_PASSWORD', 'the Openprovider API password'),
    baseUrl: parseUrl('OPENPROVIDER_BASE_URL', read('OPENPROVIDER_BASE_URL') ?? PRODUCTION_URLS.openprovider),
  };
}

function readDomainNameApi(read: Reader): DomainNameApiConfig | null {
  const username = read('DOMAIN_NAME_API_USERNAME');
  if (!username) return null;
  const contactServicePath = read('DOMAIN_NAME_API_CONTACT_SERVICE_PATH') ?? '/ContactApi.svc';
  if (!contactServicePath.startsWith('/')) {
    throw new ConfigError('DOMAIN_NAME_API_CONTACT_SERVICE_PATH', `must start with "/", got "${contactServicePath}"`);
  }
  return {
    username,
    password: required(read, 'DOMAIN_NAME_API_PASSWORD', 'the Domain Name API password'),
    baseUrl: parseUrl('DOMAIN_NAME_API_BASE_URL', read('DOMAIN_NAME_API_BASE_URL') ?? PRODUCTION_URLS.domainNameApi),
    contactServicePath,
  };
}

function readVeriff(read: Reader): VeriffConfig | null {
  const apiKey = read('VERIFF_API_KEY');
  if (!apiKey) return null;
  return {
    apiKey,
    sharedSecret: required(read, 'VERIFF_SHARED_SECRET', 'the Veriff shared secret (HMAC key)'),
    previousSharedSecret: read('VERIFF_PREVIOUS_SHARED_SECRET') ?? null,
    baseUrl: parseUrl('VERIFF_BASE_URL', read('VERIFF_BASE_URL') ?? PRODUCTION_URLS.veriff),
    syncBaseUrl: parseUrl('VERIFF_SYNC_BASE_URL', read('VERIFF_SYNC_BASE_URL') ?? PRODUCTION_URLS.veriffSync),
    registryMode: parseChoice('VERIFF_REGISTRY_MODE', read('VERIFF_REGISTRY_MODE') ?? 'webhook', ['sync', 'webhook']),
  };
}

function required(read: Reader, name: string, what: string): string {
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

function parseDuration(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be a whole number of milliseconds, got "${value}"`);
  return Number(value);
}

function parseBoolean(name: string, value: string): boolean {
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new ConfigError(name, `must be true or false, got "${value}"`);
}

function parseChoice<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function parseUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `is not a URL: "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, `must be an http(s) URL, got "${url.protocol}"`);
  return value.replace(/\/+$/, '');
}

function parseHandle(name: string, value: string): string {
  if (!/^[a-zA-Z0-9\-_@.]{3,40}$/.test(value)) throw new ConfigError(name, `must be 3-40 characters of [a-zA-Z0-9-_@.], got "${value}"`);
  return value;
}

function parseJsonText(name: string, value: string | undefined): string | null {
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
  return value.split(',').map((part) => {
    const text = part.trim();
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new ConfigError('REDIS_URL', `"${redactUrl(text)}" is not a URL; expected redis://host:port`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new ConfigError('REDIS_URL', `must use redis:// or rediss://, got "${url.protocol}"`);
    }
    if (!url.hostname) throw new ConfigError('REDIS_URL', `"${redactUrl(text)}" has no host`);
    if (url.port && !/^\d+$/.test(url.port)) throw new ConfigError('REDIS_URL', `"${redactUrl(text)}" has a bad port`);
    return text;
  });
}

/** Keeps passwords in URLs out of error lines. */
function redactUrl(text: string): string {
  return text.replace(/\/\/[^@/]*@/, '//***@');
}

/** `key:scope,scope;key2:scope` -> grants. Every scope must be known; keys must be unique. */
export function parseApiKeys(value: string | undefined): ApiKeyGrant[] {
  if (!value) return [];
  const grants: ApiKeyGrant[] = [];
  value.split(';').map((entry) => entry.trim()).filter(Boolean).forEach((entry, index) => {
    const separator = entry.indexOf(':');
    if (separator <= 0) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1} is not "key:scope,scope"`);
    const key = entry.slice(0, separator);
    if (key.length < 8) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1}: a key needs at least 8 characters`);
    const scopes = entry.slice(separator + 1).split(',').map((scope) => scope.trim()).filter(Boolean);
    if (scopes.length === 0) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1} names no scopes`);
    const unknown = scopes.filter((scope) => scope !== '*' && !(SCOPES as readonly string[]).includes(scope));
    if (unknown.length) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1}: unknown scope "${unknown[0]}"; known: ${SCOPES.join(' ')} (or *)`);
    if (grants.some((grant) => grant.key === key)) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1} repeats a key`);
    grants.push({ key, scopes: scopes.includes('*') ? [...SCOPES] : scopes });
  });
  return grants;
}
