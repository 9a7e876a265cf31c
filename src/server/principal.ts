import { createHash, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { ApiKeyGrant } from '../config.js';
import { SCOPES } from '../config.js';
import type { Principal } from '../schema/context.js';

/** The open sandbox: no keys configured, every scope granted (and said so at start-up and in GraphiQL). */
export const OPEN_PRINCIPAL: Principal = { id: 'sandbox', scopes: new Set(SCOPES), authenticated: false };

/**
 * Resolves `Authorization: Bearer <key>` against the configured keys in constant time. Keys are compared as
 * SHA-256 digests so the comparison length never depends on the secret.
 */
export function createKeyAuthenticator(grants: readonly ApiKeyGrant[]) {
  const digests = grants.map((grant, index) => ({ grant, index, digest: sha256(grant.key) }));
  return function authenticate(authorization: string | null | undefined): Principal {
    if (grants.length === 0) return OPEN_PRINCIPAL;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw unauthenticated('Send an API key as "Authorization: Bearer <key>".');
    const presented = sha256(match[1]!);
    let found: (typeof digests)[number] | undefined;
    for (const candidate of digests) if (timingSafeEqual(candidate.digest, presented)) found = candidate;
    if (!found) throw unauthenticated('The API key is not valid.');
    return { id: `key-${found.index + 1}`, scopes: new Set(found.grant.scopes), authenticated: true };
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } } });
}
