import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { graphiqlDefaultQuery } from '../../src/server/graphiql-default-query.js';
import { LIVE_WITHOUT_REDIS_NOTICE, logStartupNotices } from '../../src/startup-notices.js';

/** What an operator reads when a live gateway comes up, and what a new user's first GraphiQL tab says. */
function startupLines(env: Record<string, string>): { level: number; msg: string }[] {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  logStartupNotices(createLogger({ level: 'debug', destination }), loadConfig(env), { url: 'http://127.0.0.1:4000', sandbox: null });
  return lines.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string });
}

/** Openprovider only: live mode, the other three providers DISABLED. */
const LIVE_OPENPROVIDER = { GATEWAY_API_KEYS: 'startup-key-0001:*', OPENPROVIDER_USERNAME: 'op-user', OPENPROVIDER_PASSWORD: 'startup-op-password' };

describe('start-up in live mode', () => {
  it('warns that without REDIS_URL what the gateway stores lives in its memory only', () => {
    const warnings = startupLines(LIVE_OPENPROVIDER).filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg)).toContain(LIVE_WITHOUT_REDIS_NOTICE);
    expect(LIVE_WITHOUT_REDIS_NOTICE).toContain('REDIS_URL');
  });

  it('does not warn about memory with REDIS_URL, nor in the sandbox', () => {
    const withRedis = startupLines({ ...LIVE_OPENPROVIDER, REDIS_URL: 'redis://127.0.0.1:6390' });
    expect(withRedis.map((line) => line.msg)).not.toContain(LIVE_WITHOUT_REDIS_NOTICE);
    expect(startupLines({}).map((line) => line.msg)).not.toContain(LIVE_WITHOUT_REDIS_NOTICE);
  });

  it('says which providers are live and which are DISABLED', () => {
    const modes = startupLines(LIVE_OPENPROVIDER).find((line) => line.msg.startsWith('providers: '));
    expect(modes?.msg).toBe('providers: Realtime Register DISABLED, Openprovider LIVE, Domain Name API DISABLED, Veriff DISABLED');
  });

  it('asks GraphiQL users for what this gateway takes: a JWT where only JWTs are configured', () => {
    const jwtOnly = graphiqlDefaultQuery(loadConfig({ GATEWAY_JWT_SECRET: 'startup-jwt-secret-startup-jwt-secret' }));
    expect(jwtOnly).toContain('"Authorization": "Bearer <JWT>"');
    expect(jwtOnly).not.toMatch(/\bkey\b/);
    expect(graphiqlDefaultQuery(loadConfig({ GATEWAY_JWT_SECRET: 'startup-jwt-secret-startup-jwt-secret', GATEWAY_API_KEYS: 'startup-key-0001:*' }))).toContain('Bearer <key or JWT>');
  });

  it("opens GraphiQL without the sandbox's seed handles, which the real providers do not have", () => {
    expect(graphiqlDefaultQuery(loadConfig({}))).toContain('rtr-0001');
    const live = graphiqlDefaultQuery(loadConfig(LIVE_OPENPROVIDER));
    expect(live).not.toMatch(/seed|rtr-0001|OP000001-NL|DNA-1001/);
    expect(live).toContain('query Start');
  });
});
