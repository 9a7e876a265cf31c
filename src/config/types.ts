/** The typed configuration the gateway runs with (src/config.ts reads it from the environment). */

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
  /**
   * PROCESS_FOLLOW_SLOW_AFTER_MS: how long a process may stay unfinished before it is checked only every
   * processFollowSlowIntervalMs (it is still followed to its end; only the cost is bounded). Default 86400000 (24 h).
   */
  processFollowSlowAfterMs: number;
  /** PROCESS_FOLLOW_SLOW_INTERVAL_MS: the wait between checks of such a long-running process. Default 900000 (15 min). */
  processFollowSlowIntervalMs: number;
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
  /** GRAPHQL_WS_INIT_TIMEOUT_MS, default 3000: time after a WebSocket upgrade to send connection_init (4408 after). */
  wsInitTimeoutMs: number;
  /** GRAPHQL_WS_AWAITING_INIT_PER_ADDRESS, default 256: sockets one address may hold before connection_init is accepted. */
  wsAwaitingInitPerAddress: number;
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
  /** TRUST_PROXY_HOPS, default 0: reverse proxies in front of the gateway whose X-Forwarded-For entries name the client. */
  trustProxyHops: number;
}

/**
 * Long-lived things one key or JWT subject may hold open at once on one instance (counted per process: src/server/
 * per-key-slots.ts). The open sandbox (no keys) is not counted.
 */
export interface PerKeyLimits {
  /** SUBSCRIPTIONS_PER_KEY, default 100: open subscriptions over SSE and WebSocket together (RATE_LIMITED beyond). */
  subscriptions: number;
  /** SOCKETS_PER_KEY, default 100: open graphql-ws sockets past connection_init, busy or idle (closed 4429 beyond). */
  sockets: number;
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
   * GATEWAY_DIGEST_SECRET (optional, at least 32 characters): the HMAC key of digests the gateway stores in place of
   * outside text. Unset, it is derived from the gateway's credentials (src/config/digest-key.ts).
   */
  digestSecret: string | null;
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
  perKey: PerKeyLimits;
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
