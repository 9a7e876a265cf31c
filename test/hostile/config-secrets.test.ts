import { describe, expect, it } from 'vitest';
import { ConfigError, configSecrets, loadConfig } from '../../src/config.js';

/**
 * The configuration refusals (41174e7) are printed as one line at start-up, often into a log collector: a secret typed
 * into a variable, with any special character in it, is never part of that line, whichever variable and wherever in the
 * value it sits (a URL's user info, an API key entry, a collector header). A secret the gateway accepts is in
 * configSecrets, so the logger masks it.
 */

/** Every printable special character, and the control characters a pasted value may carry. */
const SPECIALS = [...`!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~ `, '\t', '\n', '\r', '\u2028'];
/** A marker no message or variable name holds, around each special character: any piece of the secret is found. */
const secrets = SPECIALS.map((special) => `qzxa${special}qzxb${special}qzxc`);

const PROVIDER_URLS = ['REALTIME_REGISTER_BASE_URL', 'OPENPROVIDER_BASE_URL', 'DOMAIN_NAME_API_BASE_URL', 'VERIFF_BASE_URL', 'VERIFF_SYNC_BASE_URL'];
const LIVE = {
  REALTIME_REGISTER_API_KEY: 'rtr-key-123456',
  REALTIME_REGISTER_CUSTOMER: 'sandbox',
  OPENPROVIDER_USERNAME: 'op-user',
  OPENPROVIDER_PASSWORD: 'op-password-123',
  DOMAIN_NAME_API_USERNAME: 'dna-user',
  DOMAIN_NAME_API_PASSWORD: 'dna-password-123',
  VERIFF_API_KEY: 'veriff-key-123456',
  VERIFF_SHARED_SECRET: 'veriff-secret-123456',
  GATEWAY_API_KEYS: 'ops-key-12345678:*',
};

/** Each variable that may hold a secret, with the secret where an operator could put it. */
function placements(secret: string): [string, Record<string, string>][] {
  return [
    ['REDIS_URL password', { REDIS_URL: `redis://:${secret}@localhost:6379` }],
    ['REDIS_URL user and password', { REDIS_URL: `rediss://user:${secret}@redis.example.com:6380` }],
    ['REDIS_URL password, bad port', { REDIS_URL: `redis://:${secret}@localhost:port` }],
    ['REDIS_URL second node', { REDIS_URL: `redis://a:6379,redis://:${secret}@b:6379` }],
    ['REDIS_URL password without a scheme', { REDIS_URL: `:${secret}@localhost:6379` }],
    ...PROVIDER_URLS.map((name): [string, Record<string, string>] => [`${name} user info`, { ...LIVE, [name]: `https://user:${secret}@api.example.com` }]),
    ['GATEWAY_JWKS_URL user info', { GATEWAY_JWKS_URL: `https://user:${secret}@idp.example.com/jwks` }],
    ['OTEL endpoint user info', { OTEL_EXPORTER_OTLP_ENDPOINT: `https://user:${secret}@collector.example.com` }],
    ['OTEL traces endpoint user info', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `https://user:${secret}@collector.example.com/v1/traces` }],
    ['CORS origin user info', { CORS_ORIGINS: `https://app.example.com,https://user:${secret}@app.example.com` }],
    // A key holding "=" reads as `name=key` (README, GATEWAY_API_KEYS), its head the name audit trails show: not tried.
    ...(secret.includes('=') ? [] : [['API key', { GATEWAY_API_KEYS: `${secret}:contacts:read` }] as [string, Record<string, string>]]),
    ['API key after its scopes', { GATEWAY_API_KEYS: `contacts:read:${secret}` }],
    ['API key with a name', { GATEWAY_API_KEYS: `ops=${secret}:*` }],
    ['API key, second entry', { GATEWAY_API_KEYS: `ops-key-12345678:*;${secret}:email:reed` }],
    ['OTEL header as key=value', { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com', OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${secret}` }],
    ['OTEL header as an HTTP header line', { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com', OTEL_EXPORTER_OTLP_HEADERS: `authorization: Bearer ${secret}` }],
    ['OTEL traces header', { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com', OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-api-key=${secret}` }],
    ['JWT secret too short', { GATEWAY_JWT_SECRET: secret }],
    ['digest secret too short', { GATEWAY_DIGEST_SECRET: secret }],
    ['RTR webhook basic password too short', { ...LIVE, REALTIME_REGISTER_WEBHOOK_BASIC: `webhook-user:${secret}` }],
    ['RTR webhook basic credentials', { ...LIVE, REALTIME_REGISTER_WEBHOOK_BASIC: `webhook-user:${secret}-${secret}` }],
  ];
}

describe('a secret with any special character, in any variable that may hold one', () => {
  it.each(secrets.map((secret) => [JSON.stringify(secret.slice(4, 5)), secret]))('is never part of the refusal line, nor left out of the logger\'s masks: %s', (_shown, secret) => {
    for (const [where, env] of placements(secret)) {
      let config: ReturnType<typeof loadConfig> | null = null;
      try {
        config = loadConfig(env);
      } catch (error) {
        expect(error, where).toBeInstanceOf(ConfigError);
        const message = (error as Error).message;
        expect(message, where).not.toMatch(/qzx/);
        expect(message, where).not.toMatch(/[\n\r\u2028]/);
        continue;
      }
      // Accepted: every piece of the secret the gateway keeps is masked in its logs.
      const masks = configSecrets(config);
      const kept = JSON.stringify({ ...config, providers: config.providers, tracing: config.tracing, redisUrls: config.redisUrls, apiKeys: config.apiKeys });
      for (const piece of kept.match(/qzx[a-c]/g) ?? []) {
        expect(masks.some((mask) => mask.includes(piece)), `${where}: ${piece} kept but not masked`).toBe(true);
      }
    }
  });
});
