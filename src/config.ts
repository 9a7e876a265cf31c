import { readFileSync } from 'node:fs';

/**
 * Environment -> typed Config. Every variable of DESIGN.md's table is read here and nowhere else; a bad value
 * stops start-up with one line naming the variable and what is wrong with it.
 */

import { isKnownTimeZone } from './domain/zoned-time.js';
import { DEFAULT_DNA_NAMESPACES } from './providers/domain-name-api/soap.js';

export type RegistryMode = 'sync' | 'webhook';
export type GatewayMode = 'sandbox' | 'live';

export interface ApiKeyGrant {
  /** Shown in audit trails (a submission's `submittedBy`) and logs instead of the key: `name=key:scopes`, else key-N. */
  name: string;
  key: string;
  scopes: string[];
}

export interface RealtimeRegisterConfig {
  apiKey: string;
  customer: string;
  baseUrl: string;
  webhookSecret: string | null;
  pollIntervalMs: number;
  /**
   * REALTIME_REGISTER_POLL (default on): off leaves the account-wide notification queue to another consumer (the
   * gateway then learns of notifications by webhook only).
   */
  poll?: boolean;
  /** REALTIME_REGISTER_WEBHOOK_BASIC=user:password: Basic credentials every webhook delivery must carry. */
  webhookBasic?: BasicCredentials | null;
}

/** HTTP Basic credentials (`user:password`). */
export interface BasicCredentials {
  username: string;
  password: string;
}

/** How a verification request is followed to its end (contract revision 2). Every duration is in milliseconds. */
export interface VerificationLifecycleConfig {
  /** First wait before asking Realtime Register about a 202's process; doubles per check. Default 1000. */
  processFollowInitialMs: number;
  /** Cap on that wait. Default 30000. */
  processFollowMaxMs: number;
  /** How often the follower looks for due processes. Default 1000. */
  processFollowTickMs: number;
  /** DEADLINE_REMINDERS: seconds before a deadline at which DEADLINE_APPROACHING is emitted. Default 7d,3d,1d. */
  reminderThresholdsSeconds: number[];
  /** DEADLINE_SCAN_INTERVAL_MS: how often deadlines are checked for reminders and OVERDUE. Default 60000. */
  deadlineScanIntervalMs: number;
}

export interface OpenproviderConfig {
  username: string;
  password: string;
  baseUrl: string;
  /** IANA zone of `expiration_date` wall times (OPENPROVIDER_TIME_ZONE, default Europe/Amsterdam). */
  timeZone: string;
}

export interface DomainNameApiConfig {
  username: string;
  password: string;
  baseUrl: string;
  contactServicePath: string;
  /** Data-contract namespace of the base request (UserName, Password) and result (ErrorCode, ...) members. */
  baseNamespace: string;
  /** Data-contract namespace of the request's own members (ContactEmail, ExternalId) and the result's data. */
  dataNamespace: string;
  /** IANA zone of the offset-less timestamps (DOMAIN_NAME_API_TIME_ZONE, default Europe/Istanbul). */
  timeZone: string;
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

/** Bearer JWTs accepted beside (or instead of) API keys; claims `sub` and `scope` (space-separated). */
export interface JwtConfig {
  /** HS256 shared secret (GATEWAY_JWT_SECRET), at least 32 characters. */
  secret: string | null;
  /** A JWKS URL (GATEWAY_JWKS_URL) for asymmetric tokens (RS256, ES256, EdDSA...). */
  jwksUrl: string | null;
  /** Required `iss` when set (GATEWAY_JWT_ISSUER). */
  issuer: string | null;
  /** Required `aud` when set (GATEWAY_JWT_AUDIENCE). */
  audience: string | null;
}

/** Bounds on one GraphQL request; each rejection is a 400 (413 for the body) naming the limit. */
export interface QueryLimits {
  /** GRAPHQL_MAX_DEPTH, default 12. */
  maxDepth: number;
  /** GRAPHQL_MAX_COST, default 5000 (see src/server/query-cost.ts for the weighting). */
  maxCost: number;
  /** GRAPHQL_MAX_ALIASES, default 30. */
  maxAliases: number;
  /** GRAPHQL_MAX_TOKENS, default 2000. */
  maxTokens: number;
  /** GRAPHQL_MAX_BODY_BYTES, default 102400 (100 KiB). */
  maxBodyBytes: number;
  /** GRAPHQL_BATCHING: false (default) refuses array bodies; true allows up to 10 operations per request. */
  batching: boolean;
}

/** Rate limits (burst and average rate): per API key (or JWT subject) on /graphql, per source IP on webhooks and failed logins. */
export interface RateLimitConfig {
  /** RATE_LIMIT_PER_MINUTE, default 600; 0 turns caller rate limiting off. */
  perMinute: number;
  /** RATE_LIMIT_BURST, default 100: how many requests may come at once before the refill rate applies. */
  burst: number;
  /** WEBHOOK_RATE_LIMIT_PER_MINUTE, default 1200 per source IP (burst a quarter of it); 0 turns it off. */
  webhookPerMinute: number;
}

/**
 * Upstream calls one caller may cause per provider (src/server/upstream-budget.ts). Counted at the point a call is
 * made, after the cache, so cached reads are free.
 */
export interface UpstreamBudgetConfig {
  /** UPSTREAM_CALLS_PER_REQUEST, default 100: calls one request may cause at one provider. */
  callsPerRequest: number;
  /**
   * UPSTREAM_CALLS_PER_MINUTE, default 50 per key and provider; 0 turns the per-minute budget off. 50 keeps even a key
   * that repeats one identical call at 300 in any 300 s (six one-minute windows), never above Openprovider's block at
   * more than 300 identical calls in 300 s (providers/openprovider.md, "Limits").
   */
  callsPerMinute: number;
}

/**
 * Trusted documents (GRAPHQL_TRUSTED_DOCUMENTS): the persisted-documents manifest codegen's client preset writes,
 * `{ "<sha256 hash>": "<document text>" }`. Callers without the `documents:any` scope run only these.
 */
export interface TrustedDocumentsConfig {
  path: string;
  /** Hash -> document text. */
  documents: ReadonlyMap<string, string>;
}

/**
 * OpenTelemetry traces from the standard OTEL_* variables; null (off) unless OTEL_TRACES_EXPORTER names an exporter
 * or an OTLP endpoint is set, and always null with OTEL_SDK_DISABLED=true.
 */
export interface TracingConfig {
  /** OTEL_TRACES_EXPORTER: otlp (default once an endpoint is set) or console. */
  exporter: 'otlp' | 'console';
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (the spec's default) or http/json. */
  protocol: 'http/protobuf' | 'http/json';
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, else localhost:4318. */
  endpoint: string;
  /** OTEL_EXPORTER_OTLP_TRACES_HEADERS / OTEL_EXPORTER_OTLP_HEADERS: `key=value,key2=value2` (values URL-decoded). */
  headers: Record<string, string>;
  /** OTEL_SERVICE_NAME, default verification-gateway. */
  serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES: `key=value,...` added to every span's resource. */
  resourceAttributes: Record<string, string>;
}

export interface Config {
  port: number;
  host: string;
  mode: GatewayMode;
  /** One URL for a single Redis, several for the nodes of a Redis Cluster. Empty: everything in memory. */
  redisUrls: string[];
  /**
   * OUTBOX_SPOOL_DIR: where records of accepted writes wait on disk while Redis is unreachable (replayed by the next
   * gateway started on the same directory). Default `var/outbox` in live mode; null (memory only) in sandbox mode unless set.
   */
  outboxSpoolDir: string | null;
  /** OUTBOX_RETRY_INTERVAL_MS, default 1000: how often kept outbox items are retried. */
  outboxRetryIntervalMs: number;
  apiKeys: ApiKeyGrant[];
  /** Null when neither GATEWAY_JWT_SECRET nor GATEWAY_JWKS_URL is set. */
  jwt: JwtConfig | null;
  providers: ProvidersConfig;
  logLevel: string;
  /**
   * Allowed CORS origins (CORS_ORIGINS, comma-separated origins or "*"); null means the mode's default: any origin in
   * sandbox mode, same-origin only (no CORS headers at all) in live mode.
   */
  corsOrigins: string[] | null;
  introspection: boolean;
  limits: QueryLimits;
  rateLimit: RateLimitConfig;
  upstreamBudget: UpstreamBudgetConfig;
  /** Faults injected into the sandbox simulators (JSON keyed by provider), sandbox mode only. */
  sandboxFaults: string | null;
  /** Veriff's simulated decision delay in sandbox webhook mode. */
  sandboxDecisionDelayMs: number;
  emailWatchIntervalMs: number;
  /**
   * VERIFF_DECISION_POLL_AFTER_MS (default 600000): a registry check still PENDING this long after it was submitted
   * is resolved by polling Veriff's decision endpoint (a lost webhook never leaves it PENDING for good).
   */
  veriffDecisionPollAfterMs: number;
  /** Request follow-up, deadline reminders and the OVERDUE scan. */
  verificationLifecycle: VerificationLifecycleConfig;
  /** VERIFF_REGISTRY_MODE also picks the Veriff simulator's mode in sandbox mode. */
  sandboxRegistryMode: RegistryMode;
  /** GRAPHQL_TRUSTED_DOCUMENTS; null: every caller may send any document (subject to its scopes and the limits). */
  trustedDocuments: TrustedDocumentsConfig | null;
  tracing: TracingConfig | null;
}

export const SCOPES = [
  'contacts:read',
  'contacts:write',
  'email:read',
  'email:write',
  'registry:read',
  'registry:write',
  'events:read',
  // Send any GraphQL document, not only the trusted ones (GRAPHQL_TRUSTED_DOCUMENTS): GraphiQL, operators' tools.
  'documents:any',
] as const;
export type Scope = (typeof SCOPES)[number];

export const PRODUCTION_URLS = {
  realtimeRegister: 'https://api.yoursrs.com',
  openprovider: 'https://api.openprovider.eu',
  domainNameApi: 'https://whmcs.domainnameapi.com',
  veriff: 'https://stationapi.veriff.com',
  veriffSync: 'https://sync-api.veriff.me',
} as const;

/** Relative to the working directory; mount it on a volume where containers are replaced. */
export const DEFAULT_OUTBOX_SPOOL_DIR = 'var/outbox';

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
  const jwt = readJwt(read);
  if (mode === 'live' && apiKeys.length === 0 && jwt === null) {
    throw new ConfigError(
      'GATEWAY_API_KEYS',
      'live mode (provider credentials are set) needs at least one key, e.g. "k1:contacts:read,events:read" (or GATEWAY_JWT_SECRET / GATEWAY_JWKS_URL)',
    );
  }
  return {
    port: parsePort('PORT', read('PORT') ?? '4000'),
    host: read('HOST') ?? '127.0.0.1',
    mode,
    redisUrls: parseRedisUrls(read('REDIS_URL')),
    outboxSpoolDir: read('OUTBOX_SPOOL_DIR') ?? (mode === 'live' ? DEFAULT_OUTBOX_SPOOL_DIR : null),
    outboxRetryIntervalMs: parseCount('OUTBOX_RETRY_INTERVAL_MS', read('OUTBOX_RETRY_INTERVAL_MS') ?? '1000', 10),
    apiKeys,
    jwt,
    providers,
    logLevel: parseChoice('LOG_LEVEL', read('LOG_LEVEL') ?? 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    corsOrigins: parseCorsOrigins(read('CORS_ORIGINS')),
    introspection: parseBoolean('GRAPHQL_INTROSPECTION', read('GRAPHQL_INTROSPECTION') ?? 'true'),
    limits: {
      maxDepth: parseCount('GRAPHQL_MAX_DEPTH', read('GRAPHQL_MAX_DEPTH') ?? '12', 1),
      maxCost: parseCount('GRAPHQL_MAX_COST', read('GRAPHQL_MAX_COST') ?? '5000', 1),
      maxAliases: parseCount('GRAPHQL_MAX_ALIASES', read('GRAPHQL_MAX_ALIASES') ?? '30', 0),
      maxTokens: parseCount('GRAPHQL_MAX_TOKENS', read('GRAPHQL_MAX_TOKENS') ?? '2000', 1),
      maxBodyBytes: parseCount('GRAPHQL_MAX_BODY_BYTES', read('GRAPHQL_MAX_BODY_BYTES') ?? '102400', 1024),
      batching: parseBoolean('GRAPHQL_BATCHING', read('GRAPHQL_BATCHING') ?? 'false'),
    },
    rateLimit: {
      perMinute: parseCount('RATE_LIMIT_PER_MINUTE', read('RATE_LIMIT_PER_MINUTE') ?? '600', 0),
      burst: parseCount('RATE_LIMIT_BURST', read('RATE_LIMIT_BURST') ?? '100', 1),
      webhookPerMinute: parseCount('WEBHOOK_RATE_LIMIT_PER_MINUTE', read('WEBHOOK_RATE_LIMIT_PER_MINUTE') ?? '1200', 0),
    },
    upstreamBudget: {
      callsPerRequest: parseCount('UPSTREAM_CALLS_PER_REQUEST', read('UPSTREAM_CALLS_PER_REQUEST') ?? '100', 1),
      callsPerMinute: parseCount('UPSTREAM_CALLS_PER_MINUTE', read('UPSTREAM_CALLS_PER_MINUTE') ?? '50', 0),
    },
    sandboxFaults: parseJsonText('SANDBOX_FAULTS', read('SANDBOX_FAULTS')),
    sandboxDecisionDelayMs: parseDuration('SANDBOX_DECISION_DELAY_MS', read('SANDBOX_DECISION_DELAY_MS') ?? '1500'),
    emailWatchIntervalMs: parseDuration('EMAIL_WATCH_INTERVAL_MS', read('EMAIL_WATCH_INTERVAL_MS') ?? '60000'),
    veriffDecisionPollAfterMs: parseDuration('VERIFF_DECISION_POLL_AFTER_MS', read('VERIFF_DECISION_POLL_AFTER_MS') ?? '600000'),
    verificationLifecycle: {
      processFollowInitialMs: 1_000,
      processFollowMaxMs: 30_000,
      processFollowTickMs: 1_000,
      reminderThresholdsSeconds: parseReminders('DEADLINE_REMINDERS', read('DEADLINE_REMINDERS') ?? '7d,3d,1d'),
      deadlineScanIntervalMs: parseDuration('DEADLINE_SCAN_INTERVAL_MS', read('DEADLINE_SCAN_INTERVAL_MS') ?? '60000'),
    },
    sandboxRegistryMode: parseChoice('VERIFF_REGISTRY_MODE', read('VERIFF_REGISTRY_MODE') ?? 'webhook', ['sync', 'webhook']),
    trustedDocuments: readTrustedDocuments(read('GRAPHQL_TRUSTED_DOCUMENTS')),
    tracing: readTracing(read),
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
    poll: parseBoolean('REALTIME_REGISTER_POLL', read('REALTIME_REGISTER_POLL') ?? 'on'),
    webhookBasic: parseBasicCredentials('REALTIME_REGISTER_WEBHOOK_BASIC', read('REALTIME_REGISTER_WEBHOOK_BASIC')),
  };
}

/** `user:password` (the password may contain colons; the user may not, as in RFC 7617). */
function parseBasicCredentials(name: string, value: string | undefined): BasicCredentials | null {
  if (value === undefined) return null;
  const separator = value.indexOf(':');
  if (separator <= 0 || separator === value.length - 1) throw new ConfigError(name, 'must be a user name and a password joined by a colon, both non-empty');
  return { username: value.slice(0, separator), password: value.slice(separator + 1) };
}

/** `7d,3d,1d,12h,30m,90s`: distinct positive durations, returned in seconds, largest first; `off` for none. */
function parseReminders(name: string, value: string): number[] {
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

function readOpenprovider(read: Reader): OpenproviderConfig | null {
  const username = read('OPENPROVIDER_USERNAME');
  if (!username) return null;
  return {
    username,
    password: required(read, 'OPENPROVIDER_PASSWORD', 'the Openprovider API password'),
    baseUrl: parseUrl('OPENPROVIDER_BASE_URL', read('OPENPROVIDER_BASE_URL') ?? PRODUCTION_URLS.openprovider),
    timeZone: parseTimeZone('OPENPROVIDER_TIME_ZONE', read('OPENPROVIDER_TIME_ZONE') ?? 'Europe/Amsterdam'),
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
    baseNamespace: parseNamespace('DOMAIN_NAME_API_BASE_NAMESPACE', read('DOMAIN_NAME_API_BASE_NAMESPACE') ?? DEFAULT_DNA_NAMESPACES.base),
    dataNamespace: parseNamespace('DOMAIN_NAME_API_DATA_NAMESPACE', read('DOMAIN_NAME_API_DATA_NAMESPACE') ?? DEFAULT_DNA_NAMESPACES.data),
    timeZone: parseTimeZone('DOMAIN_NAME_API_TIME_ZONE', read('DOMAIN_NAME_API_TIME_ZONE') ?? 'Europe/Istanbul'),
  };
}

/** An XML namespace name: an absolute URI, as data-contract namespaces are. */
function parseNamespace(name: string, value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) throw new ConfigError(name, `must be an absolute URI such as http://schemas.datacontract.org/2004/07/..., got "${value}"`);
  return value;
}

/** An IANA time zone Intl knows, e.g. Europe/Istanbul or UTC. */
function parseTimeZone(name: string, value: string): string {
  if (!isKnownTimeZone(value)) throw new ConfigError(name, `must be an IANA time zone such as Europe/Istanbul or UTC, got "${value}"`);
  return value;
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

function readJwt(read: Reader): JwtConfig | null {
  const secret = read('GATEWAY_JWT_SECRET') ?? null;
  const jwksUrl = read('GATEWAY_JWKS_URL') ?? null;
  const issuer = read('GATEWAY_JWT_ISSUER') ?? null;
  const audience = read('GATEWAY_JWT_AUDIENCE') ?? null;
  if (secret === null && jwksUrl === null) {
    const stray = issuer !== null ? 'GATEWAY_JWT_ISSUER' : audience !== null ? 'GATEWAY_JWT_AUDIENCE' : null;
    if (stray) throw new ConfigError(stray, 'is set, but neither GATEWAY_JWT_SECRET nor GATEWAY_JWKS_URL is');
    return null;
  }
  // HS256 wants a key at least as long as the hash (RFC 7518 section 3.2): 256 bits.
  if (secret !== null && Buffer.byteLength(secret) < 32) throw new ConfigError('GATEWAY_JWT_SECRET', 'needs at least 32 characters (HS256 wants a 256-bit key)');
  return { secret, jwksUrl: jwksUrl === null ? null : parseUrl('GATEWAY_JWKS_URL', jwksUrl), issuer, audience };
}

/** A manifest larger than this is not a client's operations; refuse rather than hold it in memory. */
const MAX_TRUSTED_DOCUMENTS_BYTES = 10 * 1024 * 1024;
/** Hash ids as clients send them: hex digests, optionally `sha256:`-prefixed; nothing that needs escaping. */
const DOCUMENT_ID = /^[\w:.-]{1,128}$/;

/** Reads the persisted-documents manifest once at start-up: `{ "<hash>": "<document text>", ... }`. */
function readTrustedDocuments(path: string | undefined): TrustedDocumentsConfig | null {
  if (path === undefined) return null;
  const name = 'GRAPHQL_TRUSTED_DOCUMENTS';
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_TRUSTED_DOCUMENTS_BYTES) throw new ConfigError(name, `"${path}" is larger than ${MAX_TRUSTED_DOCUMENTS_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(name, `cannot read "${path}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(name, `"${path}" is not valid JSON (${(error as Error).message})`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new ConfigError(name, `"${path}" must be a JSON object of hash -> document text (codegen's persisted-documents.json)`);
  }
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(manifest)) {
    if (!DOCUMENT_ID.test(hash) || typeof document !== 'string' || document.trim() === '') {
      throw new ConfigError(name, `"${path}": entry "${hash.slice(0, 80)}" is not a hash with its document text`);
    }
    documents.set(hash, document);
  }
  if (documents.size === 0) throw new ConfigError(name, `"${path}" holds no documents: every caller without documents:any would be refused`);
  return { path, documents };
}

/** The OTEL_* variables of the OpenTelemetry specification that this gateway reads (see TracingConfig). */
function readTracing(read: Reader): TracingConfig | null {
  if (parseBoolean('OTEL_SDK_DISABLED', read('OTEL_SDK_DISABLED') ?? 'false')) return null;
  const exporterName = read('OTEL_TRACES_EXPORTER');
  const tracesEndpoint = read('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const baseEndpoint = read('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (exporterName === 'none' || (exporterName === undefined && tracesEndpoint === undefined && baseEndpoint === undefined)) return null;
  const exporter = parseChoice('OTEL_TRACES_EXPORTER', exporterName ?? 'otlp', ['otlp', 'console', 'none']);
  if (exporter === 'none') return null;
  const protocolName = read('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = read(protocolName) ?? 'http/protobuf';
  if (protocol === 'grpc') throw new ConfigError(protocolName, 'grpc is not supported here; use http/protobuf (port 4318 on a collector) or http/json');
  const endpoint = tracesEndpoint
    ? parseUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint)
    : `${parseUrl('OTEL_EXPORTER_OTLP_ENDPOINT', baseEndpoint ?? 'http://localhost:4318')}/v1/traces`;
  const headersName = read('OTEL_EXPORTER_OTLP_TRACES_HEADERS') !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_HEADERS' : 'OTEL_EXPORTER_OTLP_HEADERS';
  return {
    exporter,
    protocol: parseChoice(protocolName, protocol, ['http/protobuf', 'http/json']),
    endpoint,
    headers: parseKeyValueList(headersName, read(headersName)),
    serviceName: read('OTEL_SERVICE_NAME') ?? 'verification-gateway',
    resourceAttributes: parseKeyValueList('OTEL_RESOURCE_ATTRIBUTES', read('OTEL_RESOURCE_ATTRIBUTES')),
  };
}

/** The OpenTelemetry list format: `key=value,key2=value2`, values percent-decoded (W3C Baggage octets). */
function parseKeyValueList(name: string, value: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of (value ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    const separator = entry.indexOf('=');
    if (separator <= 0) throw new ConfigError(name, `"${entry.slice(0, 40)}" is not key=value`);
    try {
      result[entry.slice(0, separator).trim()] = decodeURIComponent(entry.slice(separator + 1).trim());
    } catch {
      throw new ConfigError(name, `the value of "${entry.slice(0, separator).trim()}" is not percent-encoded text`);
    }
  }
  return result;
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

/** `https://app.example.com,http://localhost:5173` or `*`; each entry must be a bare origin (no path). */
function parseCorsOrigins(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const origins = value.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') continue;
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin like https://app.example.com (scheme, host, optional port, no path)`);
    }
  }
  return origins.map((origin) => origin.replace(/\/$/, ''));
}

/** A whole number of at least `min` (limits, rates, sizes). */
function parseCount(name: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new ConfigError(name, `must be a whole number of at least ${min}, got "${value}"`);
  }
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
    const { name, key } = splitKeyName(entry.slice(0, separator), index);
    if (key.length < 8) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1}: a key needs at least 8 characters`);
    const scopes = entry.slice(separator + 1).split(',').map((scope) => scope.trim()).filter(Boolean);
    if (scopes.length === 0) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1} names no scopes`);
    const unknown = scopes.filter((scope) => scope !== '*' && !(SCOPES as readonly string[]).includes(scope));
    if (unknown.length) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1}: unknown scope "${unknown[0]}"; known: ${SCOPES.join(' ')} (or *)`);
    if (grants.some((grant) => grant.key === key)) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1} repeats a key`);
    if (grants.some((grant) => grant.name === name)) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1} repeats the name "${name}"`);
    grants.push({ name, key, scopes: scopes.includes('*') ? [...SCOPES] : scopes });
  });
  return grants;
}

/** A key's optional name: `name=key` (the name is 1-64 of [A-Za-z0-9_.-]); without one, `key-<entry number>`. */
const KEY_NAME = /^([A-Za-z][\w.-]{0,63})=(.+)$/;

function splitKeyName(text: string, index: number): { name: string; key: string } {
  const named = KEY_NAME.exec(text);
  return named ? { name: named[1]!, key: named[2]! } : { name: `key-${index + 1}`, key: text };
}

/**
 * Every secret value in a Config (API keys, JWT secret, provider keys, passwords, webhook and HMAC secrets, Redis
 * passwords). The logger masks each of them wherever it appears in a line, as a last line of defence.
 */
export function configSecrets(config: Config): string[] {
  const { realtimeRegister, openprovider, domainNameApi, veriff } = config.providers;
  const values = [
    ...config.apiKeys.map((grant) => grant.key),
    config.jwt?.secret,
    realtimeRegister?.apiKey,
    realtimeRegister?.webhookSecret,
    realtimeRegister?.webhookBasic?.password,
    openprovider?.password,
    domainNameApi?.password,
    veriff?.apiKey,
    veriff?.sharedSecret,
    veriff?.previousSharedSecret,
    ...config.redisUrls.map((url) => redisPassword(url)),
    // Collector headers usually carry an ingest token.
    ...Object.values(config.tracing?.headers ?? {}),
  ];
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value.length > 0))];
}

function redisPassword(url: string): string | null {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : null;
  } catch {
    return null;
  }
}
