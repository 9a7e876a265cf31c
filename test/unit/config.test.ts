import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseApiKeys } from '../../src/config.js';

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
    const message = configError({ REDIS_URL: 'redis//user:hunter2@host' });
    expect(message).toMatch(/^REDIS_URL: /);
    expect(message).not.toContain('hunter2');
  });

  it('accepts a comma list of Redis Cluster nodes', () => {
    expect(loadConfig({ REDIS_URL: 'redis://a:7000, redis://b:7001' }).redisUrls).toEqual(['redis://a:7000', 'redis://b:7001']);
  });

  it('rejects an API key list that does not parse, naming the entry', () => {
    expect(configError({ GATEWAY_API_KEYS: 'justakeywithoutscopes' })).toMatch(/^GATEWAY_API_KEYS: entry 1 /);
    expect(configError({ GATEWAY_API_KEYS: 'key-one-long:contacts:read;key-two-long:bogus:scope' })).toContain('unknown scope "bogus:scope"');
    expect(configError({ GATEWAY_API_KEYS: 'short:events:read' })).toContain('at least 8 characters');
  });

  it('parses keys with their scopes, * meaning every scope', () => {
    const grants = parseApiKeys('reader-key-1:contacts:read,events:read;admin-key-1:*');
    expect(grants[0]).toEqual({ key: 'reader-key-1', scopes: ['contacts:read', 'events:read'] });
    expect(grants[1]!.scopes).toContain('registry:write');
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
});
