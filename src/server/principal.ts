import { createHash, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { JWTPayload } from 'jose';
import type { ApiKeyGrant, Config, JwtConfig } from '../config.js';
import { SCOPES } from '../config.js';
import type { Principal } from '../schema/context.js';
import { maskLongDigitRuns } from '../domain/digit-runs.js';

/** The open sandbox: no keys configured, every scope granted (and said so at start-up and in GraphiQL). */
export const OPEN_PRINCIPAL: Principal = { id: 'sandbox', name: null, scopes: new Set(SCOPES), authenticated: false };

/** `Authorization` header (or connection_init value) -> who is calling; throws UNAUTHENTICATED (HTTP 401). */
export type Authenticate = (authorization: string | null | undefined) => Promise<Principal>;

/** True when the gateway asks callers for nothing: no API keys and no JWT verification configured. */
export function isOpen(config: Pick<Config, 'apiKeys' | 'jwt'>): boolean {
  return config.apiKeys.length === 0 && config.jwt === null;
}

/**
 * Authenticates `Authorization: Bearer <credential>`: a configured API key (constant-time), else a JWT when
 * GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL is set. With neither keys nor JWTs configured every caller is the open
 * sandbox principal.
 */
export function createAuthenticator(config: Pick<Config, 'apiKeys' | 'jwt'>): Authenticate {
  const matchKey = createKeyMatcher(config.apiKeys);
  const verifyJwt = config.jwt ? createJwtVerifier(config.jwt) : null;
  // Named after what this gateway takes: a JWT-only gateway that asked for an "API key" sent callers looking for one.
  const missingCredential = !verifyJwt
    ? 'Send an API key as "Authorization: Bearer <key>".'
    : config.apiKeys.length > 0
      ? 'Send an API key or a JWT as "Authorization: Bearer <key or token>".'
      : 'Send a JWT as "Authorization: Bearer <token>".';
  return async function authenticate(authorization) {
    if (isOpen(config)) return OPEN_PRINCIPAL;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw unauthenticated(missingCredential);
    const credential = match[1]!;
    const byKey = matchKey(credential);
    if (byKey) return byKey;
    if (verifyJwt && JWT_SHAPE.test(credential)) return verifyJwt(credential);
    throw unauthenticated(verifyJwt ? 'The API key or token is not valid.' : 'The API key is not valid.');
  };
}

/** Three base64url segments: header.payload.signature. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/**
 * Keys are compared as SHA-256 digests so the comparison length never depends on the secret, and every configured
 * key is compared (no early exit) so timing does not tell which one nearly matched.
 *
 * A credential that matched is remembered with its principal (one per configured key, so the memory is bounded by
 * GATEWAY_API_KEYS), and the next request with it skips the hash: a key's caller sends it on every request, and hashing
 * it was about 2% of a cached request's CPU. The lookup finds only credentials already proven valid; anything else
 * still goes through the constant-time comparison above. A principal is never modified, so one object serves them all.
 */
export function createKeyMatcher(grants: readonly ApiKeyGrant[]): (presented: string) => Principal | null {
  const digests = grants.map((grant, index) => ({ grant, index, digest: sha256(grant.key) }));
  const verified = new Map<string, Principal>();
  return (presented) => {
    const known = verified.get(presented);
    if (known) return known;
    const digest = sha256(presented);
    let found: (typeof digests)[number] | undefined;
    for (const candidate of digests) if (timingSafeEqual(candidate.digest, digest)) found = candidate;
    if (!found) return null;
    const principal: Principal = { id: `key-${found.index + 1}`, name: found.grant.name, scopes: new Set(found.grant.scopes), authenticated: true };
    verified.set(presented, principal);
    return principal;
  };
}

/**
 * HS256 with the shared secret, or any asymmetric algorithm the JWKS publishes. `sub` names the caller, `scope`
 * (space-separated, OAuth 2.0 style; `scp` as a list is accepted too) grants scopes; unknown scopes are ignored.
 * Tokens must carry `exp`.
 */
export function createJwtVerifier(jwt: JwtConfig): (token: string) => Promise<Principal> {
  const secret = jwt.secret ? new TextEncoder().encode(jwt.secret) : null;
  // jose (46 modules) is loaded only where tokens are configured, not at every start.
  const library = import('jose').then((jose) => ({ jose, jwks: jwt.jwksUrl ? jose.createRemoteJWKSet(new URL(jwt.jwksUrl), { timeoutDuration: 3_000 }) : null }));
  const common = {
    requiredClaims: ['sub', 'exp'],
    clockTolerance: JWT_CLOCK_TOLERANCE_S,
    ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
    ...(jwt.audience ? { audience: jwt.audience } : {}),
  };
  return async (token) => {
    const { jose, jwks } = await library;
    let payload: JWTPayload;
    try {
      const alg = tokenAlgorithm(token);
      if (alg === 'HS256' && secret) payload = (await jose.jwtVerify(token, secret, { ...common, algorithms: ['HS256'] })).payload;
      else if (alg !== null && !alg.startsWith('HS') && alg !== 'none' && jwks) payload = (await jose.jwtVerify(token, jwks, common)).payload;
      else throw unauthenticated('The token is signed with an algorithm this gateway does not accept.');
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      throw unauthenticated(jwtProblem(error, jose.errors));
    }
    // jose requires `sub` to be present, not to be text: an object read "[object Object]", and any length was taken.
    // It names the caller in every submission's submittedBy (stored and returned), so it is a short string.
    const subject = payload.sub as unknown;
    if (typeof subject !== 'string' || subject.length === 0 || subject.length > JWT_SUBJECT_MAX) throw unauthenticated('The token\'s "sub" claim is not acceptable.');
    // The name is shown and stored (submittedBy), so a run of six or more digits in it (a subject that is an ID number)
    // is masked. Masked rather than refused: many identity providers issue numeric subjects that are no ID number
    // (Google's are 21 digits), and a 401 would lock those callers out. The id keeps the whole subject, so distinct
    // subjects keep distinct budgets; it is never logged and reaches Redis only inside a digest (rate-limit.ts).
    // Accepted until exp (plus the tolerance), as a new request would be: subscriptions opened with it end then.
    // (jose has checked that exp is a number and not past.)
    const expiresAt = (Number(payload.exp) + JWT_CLOCK_TOLERANCE_S) * 1000;
    return { id: `jwt:${subject}`, name: maskLongDigitRuns(subject), scopes: grantedScopes(payload), authenticated: true, expiresAt };
  };
}

/** Seconds a token is still accepted past its exp (or before its nbf): clocks of issuer and gateway differ a little. */
const JWT_CLOCK_TOLERANCE_S = 30;

/** The longest `sub` taken: an identifier, not a document. */
const JWT_SUBJECT_MAX = 256;

function tokenAlgorithm(token: string): string | null {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof header.alg === 'string' ? header.alg : null;
  } catch {
    return null;
  }
}

function grantedScopes(payload: JWTPayload): Set<string> {
  const raw = typeof payload.scope === 'string' ? payload.scope.split(' ') : Array.isArray(payload.scp) ? payload.scp : [];
  return new Set(raw.filter((scope): scope is string => typeof scope === 'string' && (SCOPES as readonly string[]).includes(scope)));
}

/** A message a client can act on, never the token or the key. */
function jwtProblem(error: unknown, joseErrors: typeof import('jose').errors): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token's "${error.claim}" claim is not acceptable.`;
  if (error instanceof joseErrors.JWKSTimeout || error instanceof TypeError) return 'The token could not be verified: the key set is unreachable.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The token is signed with a key this gateway does not know.';
  return 'The token is not valid.';
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } } });
}
