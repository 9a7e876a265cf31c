/**
 * Environment -> typed Config. Every variable of DESIGN.md's table is read here (with the readers in src/config/)
 * and nowhere else; a bad value stops start-up with one line naming the variable and what is wrong with it.
 */

import { DEFAULT_OUTBOX_SPOOL_DIR } from './config/types.js';
import type { Config, GatewayMode, ProvidersConfig } from './config/types.js';
import { ConfigError, parseBoolean, parseChoice, parseCorsOrigins, parseCount, parseDuration, parseHost, parseJsonText, parsePort, parseRedisUrls, parseReminders } from './config/values.js';
import type { Env } from './config/values.js';
import { parseApiKeys, readJwt, readTrustedDocuments } from './config/access.js';
import { readDomainNameApi, readOpenprovider, readRealtimeRegister, readVeriff } from './config/providers.js';
import { readTracing } from './config/tracing.js';
import { parseFaults } from './sandbox/faults.js';

export * from './config/types.js';
export { ConfigError, parsePort, parseRedisUrls } from './config/values.js';
export { parseApiKeys } from './config/access.js';

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
    host: parseHost('HOST', read('HOST') ?? '127.0.0.1'),
    mode,
    redisUrls: parseRedisUrls(read('REDIS_URL')),
    digestSecret: readDigestSecret(read('GATEWAY_DIGEST_SECRET')),
    outboxSpoolDir: read('OUTBOX_SPOOL_DIR') ?? (mode === 'live' ? DEFAULT_OUTBOX_SPOOL_DIR : null),
    outboxRetryIntervalMs: parseDuration('OUTBOX_RETRY_INTERVAL_MS', read('OUTBOX_RETRY_INTERVAL_MS') ?? '1000', { min: 10 }),
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
      wsInitTimeoutMs: parseDuration('GRAPHQL_WS_INIT_TIMEOUT_MS', read('GRAPHQL_WS_INIT_TIMEOUT_MS') ?? '3000', { min: 100 }),
      wsAwaitingInitPerAddress: parseCount('GRAPHQL_WS_AWAITING_INIT_PER_ADDRESS', read('GRAPHQL_WS_AWAITING_INIT_PER_ADDRESS') ?? '256', 1),
      batching: parseBoolean('GRAPHQL_BATCHING', read('GRAPHQL_BATCHING') ?? 'false'),
    },
    rateLimit: {
      perMinute: parseCount('RATE_LIMIT_PER_MINUTE', read('RATE_LIMIT_PER_MINUTE') ?? '600', 0),
      burst: parseCount('RATE_LIMIT_BURST', read('RATE_LIMIT_BURST') ?? '100', 1),
      webhookPerMinute: parseCount('WEBHOOK_RATE_LIMIT_PER_MINUTE', read('WEBHOOK_RATE_LIMIT_PER_MINUTE') ?? '1200', 0),
      trustProxyHops: parseCount('TRUST_PROXY_HOPS', read('TRUST_PROXY_HOPS') ?? '0', 0),
    },
    upstreamBudget: {
      callsPerRequest: parseCount('UPSTREAM_CALLS_PER_REQUEST', read('UPSTREAM_CALLS_PER_REQUEST') ?? '100', 1),
      callsPerMinute: parseCount('UPSTREAM_CALLS_PER_MINUTE', read('UPSTREAM_CALLS_PER_MINUTE') ?? '50', 0),
    },
    perKey: {
      subscriptions: parseCount('SUBSCRIPTIONS_PER_KEY', read('SUBSCRIPTIONS_PER_KEY') ?? '100', 1),
      sockets: parseCount('SOCKETS_PER_KEY', read('SOCKETS_PER_KEY') ?? '100', 1),
    },
    sandboxFaults: readSandboxFaults(read('SANDBOX_FAULTS')),
    sandboxDecisionDelayMs: parseDuration('SANDBOX_DECISION_DELAY_MS', read('SANDBOX_DECISION_DELAY_MS') ?? '1500'),
    emailWatchIntervalMs: parseDuration('EMAIL_WATCH_INTERVAL_MS', read('EMAIL_WATCH_INTERVAL_MS') ?? '60000', { min: 10 }),
    veriffDecisionPollAfterMs: parseDuration('VERIFF_DECISION_POLL_AFTER_MS', read('VERIFF_DECISION_POLL_AFTER_MS') ?? '600000'),
    verificationLifecycle: {
      processFollowInitialMs: 1_000,
      processFollowMaxMs: 30_000,
      processFollowTickMs: 1_000,
      // Compared with a process's age, never a timer's delay: any safe integer.
      processFollowSlowAfterMs: parseDuration('PROCESS_FOLLOW_SLOW_AFTER_MS', read('PROCESS_FOLLOW_SLOW_AFTER_MS') ?? '86400000', { max: Number.MAX_SAFE_INTEGER }),
      processFollowSlowIntervalMs: parseCount('PROCESS_FOLLOW_SLOW_INTERVAL_MS', read('PROCESS_FOLLOW_SLOW_INTERVAL_MS') ?? '900000', 1000),
      reminderThresholdsSeconds: parseReminders('DEADLINE_REMINDERS', read('DEADLINE_REMINDERS') ?? '7d,3d,1d'),
      deadlineScanIntervalMs: parseDuration('DEADLINE_SCAN_INTERVAL_MS', read('DEADLINE_SCAN_INTERVAL_MS') ?? '60000', { min: 10 }),
    },
    sandboxRegistryMode: parseChoice('VERIFF_REGISTRY_MODE', read('VERIFF_REGISTRY_MODE') ?? 'webhook', ['sync', 'webhook']),
    trustedDocuments: readTrustedDocuments(read('GRAPHQL_TRUSTED_DOCUMENTS')),
    tracing: readTracing(read),
  };
}

/**
 * Every secret value in a Config (API keys, JWT secret, provider keys, passwords, webhook and HMAC secrets, Redis
 * passwords). The logger masks each of them wherever it appears in a line, as a last line of defence.
 */
export function configSecrets(config: Config): string[] {
  const values = [
    ...credentialSecrets(config),
    config.digestSecret,
    ...config.redisUrls.flatMap((url) => redisPassword(url)),
    // Collector headers usually carry an ingest token.
    ...Object.values(config.tracing?.headers ?? {}),
  ];
  return distinctSecrets(values);
}

/**
 * The secrets of the gateway's own credentials: callers' keys and the JWT secret, provider keys, passwords and webhook
 * secrets. Not the Redis password (whoever reads Redis knows it) nor collector headers. Rate-limit budget keys are
 * derived from these (src/config/digest-key.ts).
 */
export function credentialSecrets(config: Config): string[] {
  const { realtimeRegister, openprovider, domainNameApi, veriff } = config.providers;
  return distinctSecrets([
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
  ]);
}

function distinctSecrets(values: ReadonlyArray<string | null | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value.length > 0))];
}

/**
 * The Redis password as written in the URL and as sent (percent-decoded), both masked: a "%" not followed by two hex
 * digits makes decoding throw, and such a password was left unmasked.
 */
function redisPassword(url: string): string[] {
  let password: string;
  try {
    password = new URL(url).password;
  } catch {
    return [];
  }
  if (!password) return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}

/** GATEWAY_DIGEST_SECRET: an HMAC key, so at least as long as the hash (as GATEWAY_JWT_SECRET). */
function readDigestSecret(text: string | undefined): string | null {
  if (text === undefined) return null;
  if (Buffer.byteLength(text) < 32) throw new ConfigError('GATEWAY_DIGEST_SECRET', 'needs at least 32 characters (an HMAC-SHA256 key of 256 bits)');
  return text;
}

/**
 * SANDBOX_FAULTS checked by the simulators' own parser while the configuration loads, so a typo is one configuration
 * line (exit 2) rather than a start-up failure with a stack once the simulators start.
 */
function readSandboxFaults(text: string | undefined): string | null {
  const json = parseJsonText('SANDBOX_FAULTS', text);
  try {
    parseFaults(json);
  } catch (error) {
    // The parser's messages start with the variable's name, which ConfigError adds itself.
    throw new ConfigError('SANDBOX_FAULTS', (error as Error).message.replace(/^SANDBOX_FAULTS(?:: |\.| )/, ''));
  }
  return json;
}
