import { describe, expect, it } from 'vitest';
import { ConfigError, configSecrets, loadConfig, parseApiKeys } from '../../src/config.js';
import { TRUSTED_DOCUMENTS_MANIFEST } from '../helpers/trusted-documents-manifest.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('starts in sandbox mode with the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('sandbox');
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.redisUrls).toEqual([]);
    expect(Object.values(config.providers).every((provider) => provider === null)).toBe(true);
  });

  it('names PORT and the bad value in one line', () => {
    const message = configError({ PORT: 'abc' });
    expect(message).toMatch(/^PORT: /);
    expect(message).toContain('"abc"');
    expect(message).not.toContain('\n');
  });

  it('rejects a malformed REDIS_URL without echoing its password', () => {
    expect(configError({ REDIS_URL: 'http://localhost:6379' })).toMatch(/^REDIS_URL: must use redis:\/\//);
    // Passwords holding "/" or "@" (unencoded) and URLs missing "//" are where a redaction up to the first "@" fails.
    for (const url of ['redis//user:hunter2@host', 'redis://:hun/ter2@host', 'redis://:hun@ter2@host:x', 'redis://u:hunter2@h:99999']) {
      const message = configError({ REDIS_URL: url });
      expect(message).toMatch(/^REDIS_URL: /);
      expect(message).not.toContain('ter2');
    }
  });

  it('refuses provider, JWKS and OTLP URLs that carry a password, without echoing it', () => {
    const live = { REALTIME_REGISTER_API_KEY: 'k', REALTIME_REGISTER_CUSTOMER: 'acme', GATEWAY_API_KEYS: 'live-key-1:*' };
    const cases: Record<string, string>[] = [
      { ...live, REALTIME_REGISTER_BASE_URL: 'https://user:hunter2@api.yoursrs.com' },
      { GATEWAY_JWKS_URL: 'https://user:hunter2@idp.example/jwks' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:hunter2@collector:4318' },
      { OPENPROVIDER_USERNAME: 'u', OPENPROVIDER_PASSWORD: 'p', GATEWAY_API_KEYS: 'live-key-1:*', OPENPROVIDER_BASE_URL: 'https://u:hunter2@/' },
      { CORS_ORIGINS: 'https://user:hunter2@app.example.com' },
    ];
    for (const env of cases) {
      const message = configError(env);
      expect(message).toMatch(/^(REALTIME_REGISTER_BASE_URL|GATEWAY_JWKS_URL|OTEL_EXPORTER_OTLP_ENDPOINT|OPENPROVIDER_BASE_URL|CORS_ORIGINS): /);
      expect(message).not.toContain('hunter2');
    }
  });

  it('never echoes a key written where a scope belongs, and names the scope a typo was meant to be', () => {
    const reversed = configError({ GATEWAY_API_KEYS: 'contacts:read:my-secret-key-1' });
    expect(reversed).toMatch(/^GATEWAY_API_KEYS: entry 1: scope 1 is not a known scope; known: /);
    expect(reversed).not.toContain('my-secret-key-1');
    expect(configError({ GATEWAY_API_KEYS: 'reader-key-1:events:read,contacts:raed' })).toMatch(/^GATEWAY_API_KEYS: entry 1: scope 2 is not a known scope \(did you mean "contacts:read"\?\)/);
  });

  it('names a malformed collector header by its position, never echoing the token in it', () => {
    const message = configError({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_HEADERS: 'tenant=t1,Authorization: Bearer ingest-token-1' });
    expect(message).toBe('OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value (e.g. authorization=Bearer%20<token>)');
  });

  it('spools the outbox under var/outbox in live mode, keeps it in memory in the sandbox, and takes OUTBOX_SPOOL_DIR in either', () => {
    const live = { REALTIME_REGISTER_API_KEY: 'k', REALTIME_REGISTER_CUSTOMER: 'acme', GATEWAY_API_KEYS: 'key-12345678:*' };
    expect(loadConfig(live).outboxSpoolDir).toBe('var/outbox');
    expect(loadConfig({}).outboxSpoolDir).toBeNull();
    expect(loadConfig({ OUTBOX_SPOOL_DIR: '/data/outbox' }).outboxSpoolDir).toBe('/data/outbox');
    expect(loadConfig({ ...live, OUTBOX_SPOOL_DIR: '/data/outbox' }).outboxSpoolDir).toBe('/data/outbox');
  });

  it('reads the outbox retry interval, and names a bad one', () => {
    expect(loadConfig({}).outboxRetryIntervalMs).toBe(1000);
    expect(loadConfig({ OUTBOX_RETRY_INTERVAL_MS: '250' }).outboxRetryIntervalMs).toBe(250);
    expect(configError({ OUTBOX_RETRY_INTERVAL_MS: 'soon' })).toMatch(/^OUTBOX_RETRY_INTERVAL_MS: must be a whole number of milliseconds from 10 to 2147483647/);
  });

  it('accepts a comma list of Redis Cluster nodes', () => {
    expect(loadConfig({ REDIS_URL: 'redis://a:7000, redis://b:7001' }).redisUrls).toEqual(['redis://a:7000', 'redis://b:7001']);
  });

  it('rejects an API key list that does not parse, naming the entry', () => {
    expect(configError({ GATEWAY_API_KEYS: 'justakeywithoutscopes' })).toMatch(/^GATEWAY_API_KEYS: entry 1 /);
    expect(configError({ GATEWAY_API_KEYS: 'key-one-long:contacts:read;key-two-long:bogus:scope' })).toMatch(/^GATEWAY_API_KEYS: entry 2: scope 1 is not a known scope; known: contacts:read /);
    expect(configError({ GATEWAY_API_KEYS: 'short:events:read' })).toContain('at least 8 characters');
  });

  it('parses keys with their scopes, * meaning every scope', () => {
    const grants = parseApiKeys('reader-key-1:contacts:read,events:read;admin-key-1:*');
    expect(grants[0]).toEqual({ name: 'key-1', key: 'reader-key-1', scopes: ['contacts:read', 'events:read'] });
    expect(grants[1]!.scopes).toContain('registry:write');
  });

  it('takes an optional key name for audit trails, never confusing it with the key', () => {
    const grants = parseApiKeys('dashboard=reader-key-1:contacts:read;plain-key-22:events:read');
    expect(grants.map((grant) => [grant.name, grant.key])).toEqual([['dashboard', 'reader-key-1'], ['key-2', 'plain-key-22']]);
    expect(configError({ GATEWAY_API_KEYS: 'ops=first-key-1:events:read;ops=second-key-2:events:read' })).toContain('repeats the name "ops"');
  });

  it('switches to live mode when a provider credential is set, and then demands API keys', () => {
    expect(configError({ OPENPROVIDER_USERNAME: 'u', OPENPROVIDER_PASSWORD: 'p' })).toMatch(/^GATEWAY_API_KEYS: live mode/);
    const config = loadConfig({ OPENPROVIDER_USERNAME: 'u', OPENPROVIDER_PASSWORD: 'p', GATEWAY_API_KEYS: 'live-key-1:email:read' });
    expect(config.mode).toBe('live');
    expect(config.providers.openprovider?.baseUrl).toBe('https://api.openprovider.eu');
    expect(config.providers.realtimeRegister).toBeNull();
  });

  it('requires the companion variables of a configured provider', () => {
    expect(configError({ REALTIME_REGISTER_API_KEY: 'k', GATEWAY_API_KEYS: 'live-key-1:*' })).toMatch(/^REALTIME_REGISTER_CUSTOMER: is required/);
    expect(configError({ VERIFF_API_KEY: 'k', VERIFF_SHARED_SECRET: 's', VERIFF_REGISTRY_MODE: 'later', GATEWAY_API_KEYS: 'live-key-1:*' })).toMatch(
      /^VERIFF_REGISTRY_MODE: must be one of sync, webhook/,
    );
    expect(configError({ DOMAIN_NAME_API_USERNAME: 'u', DOMAIN_NAME_API_PASSWORD: 'p', DOMAIN_NAME_API_BASE_URL: 'not a url', GATEWAY_API_KEYS: 'live-key-1:*' })).toMatch(
      /^DOMAIN_NAME_API_BASE_URL: is not a URL/,
    );
  });

  it('rejects a poll interval that is not a number of milliseconds', () => {
    expect(configError({ REALTIME_REGISTER_API_KEY: 'k', REALTIME_REGISTER_CUSTOMER: 'acme', REALTIME_REGISTER_POLL_INTERVAL_MS: '5s', GATEWAY_API_KEYS: 'live-key-1:*' })).toMatch(
      /^REALTIME_REGISTER_POLL_INTERVAL_MS: /,
    );
  });

  it('reads the Domain Name API namespaces and time zone next to the service path, with their defaults', () => {
    const base = { GATEWAY_API_KEYS: 'k1234567:*', DOMAIN_NAME_API_USERNAME: 'u', DOMAIN_NAME_API_PASSWORD: 'p' };
    expect(loadConfig(base).providers.domainNameApi).toMatchObject({
      baseNamespace: 'http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts',
      dataNamespace: 'http://schemas.datacontract.org/2004/07/Olipso.ExternalApi.Core.DataContracts.ContactApiContracts',
      timeZone: 'Europe/Istanbul',
    });
    const set = loadConfig({ ...base, DOMAIN_NAME_API_DATA_NAMESPACE: 'urn:contacts', DOMAIN_NAME_API_BASE_NAMESPACE: 'urn:base', DOMAIN_NAME_API_TIME_ZONE: 'UTC' });
    expect(set.providers.domainNameApi).toMatchObject({ dataNamespace: 'urn:contacts', baseNamespace: 'urn:base', timeZone: 'UTC' });
    expect(configError({ ...base, DOMAIN_NAME_API_TIME_ZONE: 'Istanbul' })).toMatch(/^DOMAIN_NAME_API_TIME_ZONE: .*"Istanbul"/);
    expect(configError({ ...base, DOMAIN_NAME_API_DATA_NAMESPACE: 'ContactApiContracts' })).toMatch(/^DOMAIN_NAME_API_DATA_NAMESPACE: /);
  });

  it('reads the Openprovider time zone and the Veriff decision poll delay with their defaults', () => {
    const op = { GATEWAY_API_KEYS: 'k1234567:*', OPENPROVIDER_USERNAME: 'u', OPENPROVIDER_PASSWORD: 'p' };
    expect(loadConfig(op).providers.openprovider?.timeZone).toBe('Europe/Amsterdam');
    expect(configError({ ...op, OPENPROVIDER_TIME_ZONE: 'CET+1' })).toMatch(/^OPENPROVIDER_TIME_ZONE: /);
    expect(loadConfig({}).veriffDecisionPollAfterMs).toBe(600_000);
    expect(loadConfig({ VERIFF_DECISION_POLL_AFTER_MS: '5000' }).veriffDecisionPollAfterMs).toBe(5000);
    expect(configError({ VERIFF_DECISION_POLL_AFTER_MS: '10m' })).toMatch(/^VERIFF_DECISION_POLL_AFTER_MS: /);
  });

  it('reads the query limits with their documented defaults', () => {
    expect(loadConfig({}).limits).toEqual({ maxDepth: 12, maxCost: 5000, maxAliases: 30, maxTokens: 2000, maxBodyBytes: 102400, wsInitTimeoutMs: 3000, wsAwaitingInitPerAddress: 256, batching: false });
    const limits = loadConfig({ GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_COST: '100', GRAPHQL_MAX_ALIASES: '0', GRAPHQL_MAX_TOKENS: '500', GRAPHQL_MAX_BODY_BYTES: '4096', GRAPHQL_WS_INIT_TIMEOUT_MS: '10000', GRAPHQL_WS_AWAITING_INIT_PER_ADDRESS: '8', GRAPHQL_BATCHING: 'true' }).limits;
    expect(limits).toEqual({ maxDepth: 8, maxCost: 100, maxAliases: 0, maxTokens: 500, maxBodyBytes: 4096, wsInitTimeoutMs: 10000, wsAwaitingInitPerAddress: 8, batching: true });
  });

  it('names each bad limit in one line', () => {
    for (const [name, value] of [['GRAPHQL_MAX_DEPTH', '0'], ['GRAPHQL_MAX_COST', 'lots'], ['GRAPHQL_MAX_TOKENS', '-5'], ['GRAPHQL_MAX_BODY_BYTES', '100'], ['GRAPHQL_WS_AWAITING_INIT_PER_ADDRESS', '0'], ['RATE_LIMIT_PER_MINUTE', '1.5'], ['RATE_LIMIT_BURST', '0']] as const) {
      const message = configError({ [name]: value });
      expect(message).toMatch(new RegExp(`^${name}: must be a whole number of at least \\d+, got "${value}"$`));
    }
    expect(configError({ GRAPHQL_BATCHING: 'sometimes' })).toMatch(/^GRAPHQL_BATCHING: must be true or false/);
  });

  it('names a HOST that is neither an address nor a host name, and takes addresses and names as they are', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '::', 'gateway.internal', 'localhost']) expect(loadConfig({ HOST: host }).host).toBe(host);
    expect(loadConfig({ HOST: '[::1]' }).host).toBe('::1');
    for (const host of ['not a host', '999.1.1.1', 'http://0.0.0.0', '-gateway']) {
      expect(configError({ HOST: host })).toBe(`HOST: must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name, got "${host}"`);
    }
  });

  it('refuses an interval of 0, which would run its loop back to back, and one longer than a timer can wait', () => {
    const live = { REALTIME_REGISTER_API_KEY: 'k', REALTIME_REGISTER_CUSTOMER: 'acme', GATEWAY_API_KEYS: 'live-key-1:*' };
    for (const name of ['REALTIME_REGISTER_POLL_INTERVAL_MS', 'EMAIL_WATCH_INTERVAL_MS', 'DEADLINE_SCAN_INTERVAL_MS', 'OUTBOX_RETRY_INTERVAL_MS']) {
      expect(configError({ ...live, [name]: '0' })).toBe(`${name}: must be a whole number of milliseconds from 10 to 2147483647, got "0"`);
    }
    // A Node timer longer than 2^31-1 ms fires after 1 ms instead: a hot loop, or a timeout that never waits.
    for (const name of ['EMAIL_WATCH_INTERVAL_MS', 'SANDBOX_DECISION_DELAY_MS', 'GRAPHQL_WS_INIT_TIMEOUT_MS', 'VERIFF_DECISION_POLL_AFTER_MS']) {
      expect(configError({ [name]: '2147483648' })).toMatch(new RegExp(`^${name}: must be a whole number of milliseconds from \\d+ to 2147483647, got "2147483648"$`));
    }
    expect(configError({ GRAPHQL_WS_INIT_TIMEOUT_MS: '10' })).toMatch(/^GRAPHQL_WS_INIT_TIMEOUT_MS: must be a whole number of milliseconds from 100 /);
    // Compared with a process's age only, so longer than a timer is fine: "never slow down" is a year.
    expect(loadConfig({ PROCESS_FOLLOW_SLOW_AFTER_MS: '31536000000' }).verificationLifecycle.processFollowSlowAfterMs).toBe(31_536_000_000);
  });

  it('reads the rate limits with their defaults, 0 meaning off', () => {
    expect(loadConfig({}).rateLimit).toEqual({ perMinute: 600, burst: 100, webhookPerMinute: 1200, trustProxyHops: 0 });
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_BURST: '5', WEBHOOK_RATE_LIMIT_PER_MINUTE: '60', TRUST_PROXY_HOPS: '2' }).rateLimit).toEqual({
      perMinute: 0,
      burst: 5,
      webhookPerMinute: 60,
      trustProxyHops: 2,
    });
  });

  it('reads the upstream budget with its defaults, 0 turning the per-minute budget off', () => {
    expect(loadConfig({}).upstreamBudget).toEqual({ callsPerRequest: 100, callsPerMinute: 50 });
    expect(loadConfig({ UPSTREAM_CALLS_PER_REQUEST: '20', UPSTREAM_CALLS_PER_MINUTE: '0' }).upstreamBudget).toEqual({ callsPerRequest: 20, callsPerMinute: 0 });
    expect(configError({ UPSTREAM_CALLS_PER_REQUEST: '0' })).toMatch(/^UPSTREAM_CALLS_PER_REQUEST: must be a whole number of at least 1, got "0"$/);
  });

  it('reads the per-key caps on open subscriptions and WebSockets (100 each), refusing 0 and non-numbers', () => {
    expect(loadConfig({}).perKey).toEqual({ subscriptions: 100, sockets: 100 });
    expect(loadConfig({ SUBSCRIPTIONS_PER_KEY: '5', SOCKETS_PER_KEY: '2' }).perKey).toEqual({ subscriptions: 5, sockets: 2 });
    expect(configError({ SUBSCRIPTIONS_PER_KEY: '0' })).toMatch(/^SUBSCRIPTIONS_PER_KEY: must be a whole number of at least 1, got "0"$/);
    expect(configError({ SOCKETS_PER_KEY: 'many' })).toMatch(/^SOCKETS_PER_KEY: must be a whole number of at least 1, got "many"$/);
  });

  it('reads JWT settings and rejects a short HS256 secret, a bad JWKS URL and a stray issuer', () => {
    expect(loadConfig({}).jwt).toBeNull();
    const secret = 'a-jwt-secret-of-at-least-32-chars!!';
    expect(loadConfig({ GATEWAY_JWT_SECRET: secret, GATEWAY_JWT_ISSUER: 'https://idp', GATEWAY_JWT_AUDIENCE: 'gateway' }).jwt).toEqual({
      secret,
      jwksUrl: null,
      issuer: 'https://idp',
      audience: 'gateway',
    });
    expect(loadConfig({ GATEWAY_JWKS_URL: 'https://idp.example/.well-known/jwks.json' }).jwt?.jwksUrl).toBe('https://idp.example/.well-known/jwks.json');
    expect(configError({ GATEWAY_JWT_SECRET: 'short' })).toMatch(/^GATEWAY_JWT_SECRET: needs at least 32 characters/);
    expect(configError({ GATEWAY_JWT_SECRET: 'short' })).not.toContain('short');
    expect(configError({ GATEWAY_JWKS_URL: 'ftp://idp/jwks' })).toMatch(/^GATEWAY_JWKS_URL: must be an http\(s\) URL/);
    expect(configError({ GATEWAY_JWT_ISSUER: 'https://idp' })).toMatch(/^GATEWAY_JWT_ISSUER: is set, but neither GATEWAY_JWT_SECRET nor GATEWAY_JWKS_URL is$/);
  });

  it('lets live mode start with JWT verification instead of API keys', () => {
    const config = loadConfig({ OPENPROVIDER_USERNAME: 'u', OPENPROVIDER_PASSWORD: 'p', GATEWAY_JWKS_URL: 'https://idp.example/jwks' });
    expect(config.mode).toBe('live');
    expect(config.apiKeys).toEqual([]);
  });

  it('accepts CORS origins or *, and names a value that is not an origin', () => {
    expect(loadConfig({}).corsOrigins).toBeNull();
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/' }).corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(configError({ CORS_ORIGINS: 'https://app.example.com/path' })).toMatch(/^CORS_ORIGINS: "https:\/\/app.example.com\/path" is not an origin/);
    expect(configError({ CORS_ORIGINS: 'app.example.com' })).toMatch(/^CORS_ORIGINS: /);
  });

  it('collects every secret value of a configuration, and nothing that is not one', () => {
    const config = loadConfig({
      GATEWAY_API_KEYS: 'first-api-key-1:*;second-api-key-2:events:read',
      GATEWAY_JWT_SECRET: 'jwt-secret-jwt-secret-jwt-secret-32',
      REALTIME_REGISTER_API_KEY: 'rtr-api-key-value',
      REALTIME_REGISTER_CUSTOMER: 'acme',
      REALTIME_REGISTER_WEBHOOK_SECRET: 'rtr-webhook-secret',
      OPENPROVIDER_USERNAME: 'op-user',
      OPENPROVIDER_PASSWORD: 'op-password-value',
      DOMAIN_NAME_API_USERNAME: 'dna-user',
      DOMAIN_NAME_API_PASSWORD: 'dna-password-value',
      VERIFF_API_KEY: 'veriff-api-key-value',
      VERIFF_SHARED_SECRET: 'veriff-shared-secret',
      VERIFF_PREVIOUS_SHARED_SECRET: 'veriff-previous-secret',
      REDIS_URL: 'redis://:redis-p%40ssword@localhost:6379',
    });
    expect(configSecrets(config).sort()).toEqual(
      [
        'first-api-key-1',
        'second-api-key-2',
        'jwt-secret-jwt-secret-jwt-secret-32',
        'rtr-api-key-value',
        'rtr-webhook-secret',
        'op-password-value',
        'dna-password-value',
        'veriff-api-key-value',
        'veriff-shared-secret',
        'veriff-previous-secret',
        // The Redis password as written in the URL and as sent.
        'redis-p%40ssword',
        'redis-p@ssword',
      ].sort(),
    );
  });
});

describe('a provider secret without the credential that switches the provider on', () => {
  // Read as "not configured", each would leave the gateway an open sandbox (or the provider DISABLED) without a word.
  it.each([
    ['OPENPROVIDER_PASSWORD', 'OPENPROVIDER_USERNAME'],
    ['DOMAIN_NAME_API_PASSWORD', 'DOMAIN_NAME_API_USERNAME'],
    ['VERIFF_SHARED_SECRET', 'VERIFF_API_KEY'],
  ])('%s alone names %s, never the secret', (secret, credential) => {
    const message = configError({ [secret]: 'orphaned-secret-value-1' });
    expect(message).toMatch(new RegExp(`^${credential}: is required when ${secret} is set`));
    expect(message).not.toContain('orphaned-secret-value-1');
  });
});

describe('Realtime Register revision 2 settings', () => {
  const live = { REALTIME_REGISTER_API_KEY: 'k', REALTIME_REGISTER_CUSTOMER: 'acme', GATEWAY_API_KEYS: 'live-key-1:*' };

  it('polls the queue unless REALTIME_REGISTER_POLL is off, and takes optional webhook Basic credentials', () => {
    expect(loadConfig(live).providers.realtimeRegister).toMatchObject({ poll: true, webhookBasic: null });
    const config = loadConfig({ ...live, REALTIME_REGISTER_POLL: 'off', REALTIME_REGISTER_WEBHOOK_BASIC: 'rtr:pa:ss-long-enough-1' });
    expect(config.providers.realtimeRegister).toMatchObject({ poll: false, webhookBasic: { username: 'rtr', password: 'pa:ss-long-enough-1' } });
    expect(configSecrets(config)).toContain('pa:ss-long-enough-1');
  });

  it('names a malformed REALTIME_REGISTER_WEBHOOK_BASIC without echoing it', () => {
    for (const value of ['no-colon', ':password-long-enough-1', 'user:', 'user:short-password']) {
      const message = configError({ ...live, REALTIME_REGISTER_WEBHOOK_BASIC: value });
      expect(message).toMatch(/^REALTIME_REGISTER_WEBHOOK_BASIC: /);
      expect(message).not.toContain(value);
    }
    // Documented as on/off: the refusal names those spellings, not only true/false.
    expect(configError({ ...live, REALTIME_REGISTER_POLL: 'sometimes' })).toMatch(/^REALTIME_REGISTER_POLL: .*on\/off.*, got "sometimes"$/);
  });

  it('reads DEADLINE_REMINDERS as thresholds in seconds, largest first, 7d,3d,1d by default, off for none', () => {
    expect(loadConfig({}).verificationLifecycle.reminderThresholdsSeconds).toEqual([7 * 86_400, 3 * 86_400, 86_400]);
    expect(loadConfig({ DEADLINE_REMINDERS: '30m, 12h,2d,90s' }).verificationLifecycle.reminderThresholdsSeconds).toEqual([172_800, 43_200, 1_800, 90]);
    expect(loadConfig({ DEADLINE_REMINDERS: 'off' }).verificationLifecycle.reminderThresholdsSeconds).toEqual([]);
  });

  it('names a bad DEADLINE_REMINDERS entry', () => {
    expect(configError({ DEADLINE_REMINDERS: '7d,soon' })).toBe('DEADLINE_REMINDERS: "soon" is not a duration like 7d, 12h, 30m or 90s');
    expect(configError({ DEADLINE_REMINDERS: '0d' })).toMatch(/^DEADLINE_REMINDERS: "0d"/);
    expect(configError({ DEADLINE_REMINDERS: '1d,24h' })).toBe('DEADLINE_REMINDERS: names the same threshold twice');
  });

  it('follows 202 processes from 1 s doubling to 30 s, and scans deadlines every DEADLINE_SCAN_INTERVAL_MS', () => {
    expect(loadConfig({}).verificationLifecycle).toMatchObject({ processFollowInitialMs: 1_000, processFollowMaxMs: 30_000, deadlineScanIntervalMs: 60_000 });
    expect(loadConfig({ DEADLINE_SCAN_INTERVAL_MS: '5000' }).verificationLifecycle.deadlineScanIntervalMs).toBe(5_000);
    expect(configError({ DEADLINE_SCAN_INTERVAL_MS: '1m' })).toMatch(/^DEADLINE_SCAN_INTERVAL_MS: /);
  });

  it('slows the follow-up of a process unfinished after 24 h to every 15 min, both configurable', () => {
    expect(loadConfig({}).verificationLifecycle).toMatchObject({ processFollowSlowAfterMs: 86_400_000, processFollowSlowIntervalMs: 900_000 });
    const set = loadConfig({ PROCESS_FOLLOW_SLOW_AFTER_MS: '3600000', PROCESS_FOLLOW_SLOW_INTERVAL_MS: '60000' }).verificationLifecycle;
    expect(set).toMatchObject({ processFollowSlowAfterMs: 3_600_000, processFollowSlowIntervalMs: 60_000 });
    expect(configError({ PROCESS_FOLLOW_SLOW_AFTER_MS: '1d' })).toMatch(/^PROCESS_FOLLOW_SLOW_AFTER_MS: /);
    expect(configError({ PROCESS_FOLLOW_SLOW_INTERVAL_MS: '5' })).toMatch(/^PROCESS_FOLLOW_SLOW_INTERVAL_MS: /);
  });
});

describe('trusted documents (GRAPHQL_TRUSTED_DOCUMENTS)', () => {
  const manifest = TRUSTED_DOCUMENTS_MANIFEST;

  it('is off unless set, and loads the manifest codegen writes', () => {
    expect(loadConfig({}).trustedDocuments).toBeNull();
    const trusted = loadConfig({ GRAPHQL_TRUSTED_DOCUMENTS: manifest }).trustedDocuments;
    expect(trusted?.documents.size).toBeGreaterThan(5);
    expect([...trusted!.documents.keys()].every((hash) => hash.startsWith('sha256:'))).toBe(true);
  });

  it('names the variable when the file is missing or not a manifest', () => {
    expect(configError({ GRAPHQL_TRUSTED_DOCUMENTS: '/nonexistent/manifest.json' })).toMatch(/^GRAPHQL_TRUSTED_DOCUMENTS: cannot read "\/nonexistent\/manifest.json" \(ENOENT\)$/);
    expect(configError({ GRAPHQL_TRUSTED_DOCUMENTS: new URL('../../package.json', import.meta.url).pathname })).toMatch(/^GRAPHQL_TRUSTED_DOCUMENTS: .* is not a hash with its document text$/);
  });

  it('grants documents:any through *, and accepts it by name', () => {
    expect(parseApiKeys('ops-key-1234:*')[0]!.scopes).toContain('documents:any');
    expect(parseApiKeys('gql-key-1234:documents:any,events:read')[0]!.scopes).toEqual(['documents:any', 'events:read']);
  });
});

describe('tracing (OTEL_*)', () => {
  it('is off unless an exporter or an endpoint is set, and with OTEL_SDK_DISABLED', () => {
    expect(loadConfig({}).tracing).toBeNull();
    expect(loadConfig({ OTEL_SERVICE_NAME: 'x' }).tracing).toBeNull();
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toBeNull();
    expect(loadConfig({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toBeNull();
  });

  it('reads the standard variables: endpoint, protocol, headers, service name, resource attributes', () => {
    const tracing = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-token=abc%20def,tenant=t1',
      OTEL_SERVICE_NAME: 'gw-eu',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod',
    }).tracing;
    expect(tracing).toEqual({
      exporter: 'otlp',
      protocol: 'http/protobuf',
      endpoint: 'http://collector:4318/v1/traces',
      headers: { 'x-token': 'abc def', tenant: 't1' },
      serviceName: 'gw-eu',
      resourceAttributes: { 'deployment.environment': 'prod' },
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }).tracing).toMatchObject({
      endpoint: 'http://c:4318/custom',
      protocol: 'http/json',
    });
  });

  it('refuses grpc and unknown exporters in one line, and masks collector headers in logs', () => {
    expect(configError({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatch(/^OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported/);
    expect(configError({ OTEL_TRACES_EXPORTER: 'zipkin' })).toMatch(/^OTEL_TRACES_EXPORTER: must be one of otlp, console, none/);
    expect(configSecrets(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20ingest-token-1' }))).toContain('Bearer ingest-token-1');
  });
});
