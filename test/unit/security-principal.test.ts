import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JwtConfig } from '../../src/config.js';
import { parseApiKeys, SCOPES } from '../../src/config.js';
import { createAuthenticator, OPEN_PRINCIPAL } from '../../src/server/principal.js';

const SECRET = 'hs256-secret-for-tests-0123456789abcdef';
const keys = parseApiKeys('reader-key-0001:contacts:read,events:read;admin-key-0002:*');

async function failure(promise: Promise<unknown>): Promise<GraphQLError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error('expected authentication to fail');
}

function hs256(claims: Record<string, unknown>, options: { secret?: string; expiresIn?: string | number; alg?: string } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt();
  if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

function jwtConfig(overrides: Partial<JwtConfig> = {}): JwtConfig {
  return { secret: SECRET, jwksUrl: null, issuer: null, audience: null, ...overrides };
}

describe('API keys', () => {
  const authenticate = createAuthenticator({ apiKeys: keys, jwt: null });

  it('resolves a configured key to its scopes', async () => {
    const principal = await authenticate('Bearer reader-key-0001');
    expect(principal).toMatchObject({ id: 'key-1', authenticated: true });
    expect([...principal.scopes].sort()).toEqual(['contacts:read', 'events:read']);
    expect([...(await authenticate('bearer admin-key-0002')).scopes].sort()).toEqual([...SCOPES].sort());
  });

  it('answers a missing header, another scheme and a wrong key with UNAUTHENTICATED and HTTP 401', async () => {
    for (const header of [null, '', 'Basic cmVhZGVyOmtleQ==', 'Bearer', 'Bearer reader-key-000', 'Bearer reader-key-0001x']) {
      const error = await failure(authenticate(header));
      expect(error.extensions.code).toBe('UNAUTHENTICATED');
      expect(error.extensions.http).toMatchObject({ status: 401 });
      expect(error.message).not.toContain('reader-key');
    }
  });

  it('keeps each key to its own principal however often keys alternate (a verified key is remembered)', async () => {
    for (let round = 0; round < 3; round++) {
      expect(await authenticate('Bearer reader-key-0001')).toMatchObject({ id: 'key-1', name: 'key-1' });
      expect((await authenticate('Bearer admin-key-0002')).id).toBe('key-2');
      expect((await failure(authenticate('Bearer reader-key-0002'))).extensions.code).toBe('UNAUTHENTICATED');
    }
    expect([...(await authenticate('Bearer reader-key-0001')).scopes].sort()).toEqual(['contacts:read', 'events:read']);
  });

  it('lets everyone in with every scope when nothing is configured (the open sandbox)', async () => {
    const open = createAuthenticator({ apiKeys: [], jwt: null });
    expect(await open(null)).toBe(OPEN_PRINCIPAL);
    expect(await open('Bearer anything')).toBe(OPEN_PRINCIPAL);
    expect(OPEN_PRINCIPAL.authenticated).toBe(false);
  });
});

describe('HS256 tokens', () => {
  const authenticate = createAuthenticator({ apiKeys: keys, jwt: jwtConfig({ issuer: 'https://idp.test', audience: 'gateway' }) });
  const valid = { sub: 'user-7', scope: 'email:read events:read bogus:scope', iss: 'https://idp.test', aud: 'gateway' };

  it('takes the subject and the space-separated scope claim, ignoring unknown scopes', async () => {
    const principal = await authenticate(`Bearer ${await hs256(valid, { expiresIn: '5m' })}`);
    expect(principal).toMatchObject({ id: 'jwt:user-7', authenticated: true });
    expect([...principal.scopes].sort()).toEqual(['email:read', 'events:read']);
  });

  it('asks a caller without a credential for what the gateway takes: a key or a JWT here, a JWT where only tokens are configured', async () => {
    expect((await failure(authenticate(undefined))).message).toBe('Send an API key or a JWT as "Authorization: Bearer <key or token>".');
    const tokensOnly = createAuthenticator({ apiKeys: [], jwt: jwtConfig() });
    expect((await failure(tokensOnly(undefined))).message).toBe('Send a JWT as "Authorization: Bearer <token>".');
  });

  it('still accepts API keys beside tokens', async () => {
    expect((await authenticate('Bearer admin-key-0002')).id).toBe('key-2');
  });

  it('refuses expired, unsigned, wrongly signed, exp-less and wrong-audience tokens with a reason', async () => {
    const cases: [string, RegExp][] = [
      [await hs256(valid, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
      [await hs256(valid, { expiresIn: '5m', secret: 'another-secret-another-secret-another' }), /not valid/],
      [await hs256(valid), /"exp" claim/],
      [await hs256({ ...valid, aud: 'someone-else' }, { expiresIn: '5m' }), /"aud" claim/],
      [await hs256({ ...valid, iss: 'https://evil.test' }, { expiresIn: '5m' }), /"iss" claim/],
      [`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...valid, exp: 9e9 })).toString('base64url')}.`, /algorithm/],
    ];
    for (const [token, reason] of cases) {
      const error = await failure(authenticate(`Bearer ${token}`));
      expect(error.extensions.code).toBe('UNAUTHENTICATED');
      expect(error.message).toMatch(reason);
      expect(error.message).not.toContain(token);
    }
  });
});

describe('JWKS tokens', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let jwk: JWK;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const rs256 = (claims: Record<string, unknown>, kid = 'k1') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setIssuedAt().setExpirationTime('5m').sign(privateKey);

  it('verifies an RS256 token against the key set and grants its scopes', async () => {
    const authenticate = createAuthenticator({ apiKeys: [], jwt: jwtConfig({ secret: null, jwksUrl }) });
    const principal = await authenticate(`Bearer ${await rs256({ sub: 'svc-1', scope: 'registry:read registry:write' })}`);
    expect(principal.id).toBe('jwt:svc-1');
    expect([...principal.scopes].sort()).toEqual(['registry:read', 'registry:write']);
  });

  it('refuses an HS256 token when only a key set is configured (no algorithm confusion)', async () => {
    const authenticate = createAuthenticator({ apiKeys: [], jwt: jwtConfig({ secret: null, jwksUrl }) });
    const error = await failure(authenticate(`Bearer ${await hs256({ sub: 'x', scope: 'contacts:read' }, { expiresIn: '5m' })}`));
    expect(error.message).toMatch(/algorithm/);
  });

  it('refuses a token signed with a key the set does not hold', async () => {
    const authenticate = createAuthenticator({ apiKeys: [], jwt: jwtConfig({ secret: null, jwksUrl }) });
    const error = await failure(authenticate(`Bearer ${await rs256({ sub: 'x' }, 'unknown-kid')}`));
    expect(error.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 (not a crash) when the key set cannot be reached', async () => {
    const authenticate = createAuthenticator({ apiKeys: [], jwt: jwtConfig({ secret: null, jwksUrl: 'http://127.0.0.1:1/jwks.json' }) });
    const error = await failure(authenticate(`Bearer ${await rs256({ sub: 'x' })}`));
    expect(error.extensions.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/unreachable|not valid/);
  });
});
