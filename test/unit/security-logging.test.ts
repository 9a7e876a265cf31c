import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { configSecrets, loadConfig } from '../../src/config.js';
import { createLineMasker, createLogger, lazyChild } from '../../src/observability/logger.js';
import { graphiqlDefaultQuery } from '../../src/server/graphiql-default-query.js';
import { logStartupNotices, OPEN_SANDBOX_NOTICE } from '../../src/startup-notices.js';
import { TRUSTED_DOCUMENTS_MANIFEST } from '../helpers/trusted-documents-manifest.js';

function capturedLogger(secrets: readonly string[] = []) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination, secrets }), text: () => lines.join('') };
}

/** Every secret variable set to a recognisable value (this is live mode: provider credentials are set). */
const PLANTED_ENV = {
  GATEWAY_API_KEYS: 'planted-caller-key-1:*',
  GATEWAY_JWT_SECRET: 'planted-jwt-secret-planted-jwt-secret',
  REALTIME_REGISTER_API_KEY: 'planted-rtr-api-key',
  REALTIME_REGISTER_CUSTOMER: 'acme',
  REALTIME_REGISTER_WEBHOOK_SECRET: 'planted-rtr-webhook-secret',
  OPENPROVIDER_USERNAME: 'op-user',
  OPENPROVIDER_PASSWORD: 'planted-op-password',
  DOMAIN_NAME_API_USERNAME: 'dna-user',
  DOMAIN_NAME_API_PASSWORD: 'planted-dna-password',
  VERIFF_API_KEY: 'planted-veriff-api-key',
  VERIFF_SHARED_SECRET: 'planted-veriff-shared-secret',
  VERIFF_PREVIOUS_SHARED_SECRET: 'planted-veriff-old-secret',
  REDIS_URL: 'redis://default:planted-redis-password@127.0.0.1:6390',
};

describe('log redaction', () => {
  it('masks every secret of the configuration wherever it appears in a line', () => {
    const config = loadConfig(PLANTED_ENV);
    const secrets = configSecrets(config);
    expect(secrets).toHaveLength(10);
    const { logger, text } = capturedLogger(secrets);
    for (const secret of secrets) {
      logger.error({ err: new Error(`upstream echoed ${secret}`), detail: { nested: [`x${secret}y`] }, url: `https://h/?k=${encodeURIComponent(secret)}` }, `saw ${secret}`);
      logger.warn({ basic: Buffer.from(secret).toString('base64') }, 'basic header');
    }
    logger.info({ config }, 'the whole config, by mistake');
    const output = text();
    for (const secret of secrets) expect(output, secret).not.toContain(secret);
    expect(output).not.toContain('planted-');
    expect(output).toContain('[redacted]');
    expect(output).toContain('op-user'); // usernames are not secrets
  });

  it('blanks sensitive fields at any depth: passwords, tokens, signatures, ID numbers, dates of birth', () => {
    const { logger, text } = capturedLogger();
    logger.info(
      {
        a: { b: { c: { d: { idNumber: '38001085718', dateOfBirth: '1980-01-08', password: 'p4ss', token: 'tok-123', signature: 'sig', hmac: 'mac' } } } },
        headers: { authorization: 'Bearer live-key', 'x-hmac-signature': 'abc', cookie: 'sid=1' },
        variables: { input: { idNumber: '38001085718' } },
        idNumberLast4: '5718',
      },
      'request',
    );
    const output = text();
    for (const leaked of ['38001085718', '1980-01-08', 'p4ss', 'tok-123', 'live-key', 'sid=1', '"sig"', '"mac"', '"abc"']) expect(output, leaked).not.toContain(leaked);
    expect(output).toContain('"idNumberLast4":"5718"');
  });

  it('masks JSON-escaped, URL-encoded and base64 forms of a secret, and ignores too-short ones', () => {
    const mask = createLineMasker(['we"ird/secret+1', 'abc']);
    expect(mask(JSON.stringify({ msg: 'we"ird/secret+1' }))).toBe('{"msg":"[redacted]"}');
    expect(mask(`u=${encodeURIComponent('we"ird/secret+1')}`)).toBe('u=[redacted]');
    expect(mask(Buffer.from('we"ird/secret+1').toString('base64'))).toBe('[redacted]');
    expect(mask('abc stays')).toBe('abc stays');
  });
});

describe("a request's logger (made on first use)", () => {
  it('writes lines with its bindings, redacted and masked like any other line', () => {
    const { logger, text } = capturedLogger(['planted-secret-value']);
    const requestLogger = lazyChild(logger, { requestId: 'req-lazy-1' });
    expect(text()).toBe('');
    requestLogger.warn({ password: 'hunter2', note: 'saw planted-secret-value' }, 'first line');
    requestLogger.child({ component: 'inner' }).error('second line');
    const [first, second] = text().trim().split('\n').map((line) => JSON.parse(line));
    expect(first).toMatchObject({ level: 40, requestId: 'req-lazy-1', password: '[redacted]', note: 'saw [redacted]', msg: 'first line' });
    expect(second).toMatchObject({ level: 50, requestId: 'req-lazy-1', component: 'inner', msg: 'second line' });
    expect(requestLogger.isLevelEnabled('debug')).toBe(true);
  });
});

describe('the open sandbox says so', () => {
  const sandbox = { url: 'http://127.0.0.1:4000', sandbox: null };

  it('warns at start-up when no keys are configured', () => {
    const { logger, text } = capturedLogger();
    logStartupNotices(logger, loadConfig({}), sandbox);
    const warning = text().split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((line) => line.level === 40);
    expect(warning?.msg).toBe(OPEN_SANDBOX_NOTICE);
    expect(warning?.msg).toMatch(/OPEN/);
  });

  it('does not warn, and names no key, when keys are configured', () => {
    const config = loadConfig({ GATEWAY_API_KEYS: 'startup-key-0001:events:read' });
    const { logger, text } = capturedLogger(configSecrets(config));
    logStartupNotices(logger, config, sandbox);
    expect(text()).not.toContain('OPEN');
    expect(text()).toContain('1 API key(s)');
    expect(text()).not.toContain('startup-key-0001');
  });

  describe('with GRAPHQL_TRUSTED_DOCUMENTS', () => {
    const manifest = TRUSTED_DOCUMENTS_MANIFEST;
    const warnings = (env: Record<string, string>) => {
      const { logger, text } = capturedLogger();
      logStartupNotices(logger, loadConfig({ GRAPHQL_TRUSTED_DOCUMENTS: manifest, ...env }), sandbox);
      const lines = text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string });
      return { warned: lines.filter((line) => line.level === 40 && line.msg.includes('GRAPHQL_TRUSTED_DOCUMENTS')), all: lines };
    };

    it('warns that the manifest binds nobody in the open sandbox, where every caller may send any document', () => {
      const { warned } = warnings({});
      expect(warned).toHaveLength(1);
      expect(warned[0]!.msg).toContain('binds nobody');
      expect(warned[0]!.msg).toContain('GATEWAY_API_KEYS without documents:any');
    });

    it('warns the same when every key has documents:any (or *)', () => {
      expect(warnings({ GATEWAY_API_KEYS: 'ops=startup-key-0001:*;tool=startup-key-0002:documents:any,events:read' }).warned).toHaveLength(1);
    });

    it('says how many documents bind the keys without documents:any, and does not warn', () => {
      const { warned, all } = warnings({ GATEWAY_API_KEYS: 'app=startup-key-0001:events:read;ops=startup-key-0002:*' });
      expect(warned).toHaveLength(0);
      expect(all.some((line) => /^trusted documents: callers without documents:any run only the \d+ documents/.test(line.msg))).toBe(true);
    });
  });

  it('opens GraphiQL on a tab that says the gateway is open, or how to send a key', () => {
    expect(graphiqlDefaultQuery(loadConfig({}))).toMatch(/This gateway is OPEN/);
    const keyed: Config = loadConfig({ GATEWAY_API_KEYS: 'startup-key-0001:events:read' });
    const tab = graphiqlDefaultQuery(keyed);
    expect(tab).not.toMatch(/OPEN/);
    expect(tab).toContain('"Authorization": "Bearer <key>"');
    expect(tab).not.toContain('startup-key-0001');
  });
});
