/** Who may call: API keys with their scopes, JWT verification, and the trusted-documents manifest. */

import { readFileSync } from 'node:fs';
import { SCOPES } from './types.js';
import type { ApiKeyGrant, JwtConfig, TrustedDocumentsConfig } from './types.js';
import { ConfigError, parseUrl } from './values.js';
import type { Reader } from './values.js';

export function readJwt(read: Reader): JwtConfig | null {
  const secret = read('GATEWAY_JWT_SECRET') ?? null;
  const jwksUrl = read('GATEWAY_JWKS_URL') ?? null;
  const issuer = read('GATEWAY_JWT_ISSUER') ?? null;
  const audience = read('GATEWAY_JWT_AUDIENCE') ?? null;
  if (secret === null && jwksUrl === null) {
    const stray = issuer !== null ? 'GATEWAY_JWT_ISSUER' : audience !== null ? 'GATEWAY_JWT_AUDIENCE' : null;
    if (stray) throw new ConfigError(stray, 'is set, but neither GATEWAY_JWT_SECRET nor GATEWAY_JWKS_URL is');
    return null;
  }
  // HS256 wants a key at least as long as the hash (RFC 7518 section 3.2): 256 bits.
  if (secret !== null && Buffer.byteLength(secret) < 32) throw new ConfigError('GATEWAY_JWT_SECRET', 'needs at least 32 characters (HS256 wants a 256-bit key)');
  return { secret, jwksUrl: jwksUrl === null ? null : parseUrl('GATEWAY_JWKS_URL', jwksUrl), issuer, audience };
}

/** `key:scope,scope;key2:scope` -> grants. Every scope must be known; keys must be unique. */
export function parseApiKeys(value: string | undefined): ApiKeyGrant[] {
  if (!value) return [];
  const grants: ApiKeyGrant[] = [];
  value.split(';').map((entry) => entry.trim()).filter(Boolean).forEach((entry, index) => {
    const separator = entry.indexOf(':');
    if (separator <= 0) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1} is not "key:scope,scope"`);
    const { name, key } = splitKeyName(entry.slice(0, separator), index);
    if (key.length < 8) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1}: a key needs at least 8 characters`);
    const scopes = entry.slice(separator + 1).split(',').map((scope) => scope.trim()).filter(Boolean);
    if (scopes.length === 0) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1} names no scopes`);
    const unknown = scopes.findIndex((scope) => scope !== '*' && !(SCOPES as readonly string[]).includes(scope));
    if (unknown >= 0) throw new ConfigError('GATEWAY_API_KEYS', unknownScopeProblem(index, unknown, scopes[unknown]!));
    if (grants.some((grant) => grant.key === key)) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1} repeats a key`);
    if (grants.some((grant) => grant.name === name)) throw new ConfigError('GATEWAY_API_KEYS', `entry ${index + 1} repeats the name "${name}"`);
    grants.push({ name, key, scopes: scopes.includes('*') ? [...SCOPES] : scopes });
  });
  return grants;
}

/**
 * The unknown scope is not echoed: an entry written the wrong way round (`contacts:read:<key>`) makes the key its
 * "scope". A near miss of a known scope (a typo) is named by the scope it was probably meant to be.
 */
function unknownScopeProblem(entry: number, position: number, scope: string): string {
  const meant = SCOPES.find((known) => editDistance(known, scope.toLowerCase()) <= 2);
  const hint = meant ? ` (did you mean "${meant}"?)` : '';
  return `entry ${entry + 1}: scope ${position + 1} is not a known scope${hint}; known: ${SCOPES.join(' ')} (or *)`;
}

/** Levenshtein distance, on strings as short as scope names. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** A key's optional name: `name=key` (the name is 1-64 of [A-Za-z0-9_.-]); without one, `key-<entry number>`. */
const KEY_NAME = /^([A-Za-z][\w.-]{0,63})=(.+)$/;

function splitKeyName(text: string, index: number): { name: string; key: string } {
  const named = KEY_NAME.exec(text);
  return named ? { name: named[1]!, key: named[2]! } : { name: `key-${index + 1}`, key: text };
}

/** A manifest larger than this is not a client's operations; refuse rather than hold it in memory. */
const MAX_TRUSTED_DOCUMENTS_BYTES = 10 * 1024 * 1024;

/** Hash ids as clients send them: hex digests, optionally `sha256:`-prefixed; nothing that needs escaping. */
const DOCUMENT_ID = /^[\w:.-]{1,128}$/;

/** Reads the persisted-documents manifest once at start-up: `{ "<hash>": "<document text>", ... }`. */
export function readTrustedDocuments(path: string | undefined): TrustedDocumentsConfig | null {
  if (path === undefined) return null;
  const name = 'GRAPHQL_TRUSTED_DOCUMENTS';
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_TRUSTED_DOCUMENTS_BYTES) throw new ConfigError(name, `"${path}" is larger than ${MAX_TRUSTED_DOCUMENTS_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(name, `cannot read "${path}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(name, `"${path}" is not valid JSON (${(error as Error).message})`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new ConfigError(name, `"${path}" must be a JSON object of hash -> document text (codegen's persisted-documents.json)`);
  }
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(manifest)) {
    if (!DOCUMENT_ID.test(hash) || typeof document !== 'string' || document.trim() === '') {
      throw new ConfigError(name, `"${path}": entry "${hash.slice(0, 80)}" is not a hash with its document text`);
    }
    documents.set(hash, document);
  }
  if (documents.size === 0) throw new ConfigError(name, `"${path}" holds no documents: every caller without documents:any would be refused`);
  return { path, documents };
}
