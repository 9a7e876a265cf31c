import { describe, expect, it } from 'vitest';
import { ConfigError, configSecrets, loadConfig } from '../../src/config.js';
import { digestKeyOf } from '../../src/config/digest-key.js';

const LIVE = {
  GATEWAY_API_KEYS: 'first-api-key-1:contacts:read;second-api-key-2:*',
  REALTIME_REGISTER_API_KEY: 'rtr-api-key-value',
  REALTIME_REGISTER_CUSTOMER: 'acme',
  REDIS_URL: 'redis://:redis-password@localhost:6379',
};

describe('the key of the digests the gateway stores in place of outside text', () => {
  it('is the same on every instance of one deployment, whatever order its settings list the keys in', () => {
    const one = digestKeyOf(loadConfig(LIVE));
    const other = digestKeyOf(loadConfig({ ...LIVE, GATEWAY_API_KEYS: 'second-api-key-2:*;first-api-key-1:contacts:read' }));
    expect(other.equals(one)).toBe(true);
  });

  it('changes with any credential (a deployment that rotates one starts its cache and budgets afresh)', () => {
    const before = digestKeyOf(loadConfig(LIVE));
    expect(digestKeyOf(loadConfig({ ...LIVE, REALTIME_REGISTER_API_KEY: 'rtr-api-key-rotated' })).equals(before)).toBe(false);
    expect(digestKeyOf(loadConfig({ ...LIVE, GATEWAY_API_KEYS: 'first-api-key-1:contacts:read' })).equals(before)).toBe(false);
  });

  it('is not derived from the Redis password, which whoever reads Redis knows', () => {
    const before = digestKeyOf(loadConfig(LIVE));
    expect(digestKeyOf(loadConfig({ ...LIVE, REDIS_URL: 'redis://:another-password@localhost:6379' })).equals(before)).toBe(true);
  });

  it('is derived from GATEWAY_DIGEST_SECRET alone when that is set, which the logger masks like every secret', () => {
    const secret = 'a digest secret of 32+ characters, shared';
    const config = loadConfig({ ...LIVE, GATEWAY_DIGEST_SECRET: secret });
    expect(digestKeyOf(config).equals(digestKeyOf(loadConfig({ GATEWAY_DIGEST_SECRET: secret })))).toBe(true);
    expect(digestKeyOf(config).equals(digestKeyOf(loadConfig(LIVE)))).toBe(false);
    expect(configSecrets(config)).toContain(secret);
  });

  it('refuses a GATEWAY_DIGEST_SECRET shorter than an HMAC-SHA256 key, without echoing it', () => {
    const attempt = () => loadConfig({ ...LIVE, GATEWAY_DIGEST_SECRET: 'short-secret' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/GATEWAY_DIGEST_SECRET.*32 characters/);
    expect(attempt).not.toThrow(/short-secret/);
  });

  it('is one fixed key for every sandbox without a credential, so sandbox instances on one Redis still share', () => {
    const open = loadConfig({ REDIS_URL: 'redis://localhost:6379' });
    expect(open.mode).toBe('sandbox');
    expect(digestKeyOf(open).equals(digestKeyOf(loadConfig({ GATEWAY_JWKS_URL: 'https://issuer.example/jwks.json' })))).toBe(true);
  });
});
