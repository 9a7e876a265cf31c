import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { credentialSecrets } from '../config.js';

/**
 * The HMAC key under which budget names become the keys rate-limiter-flexible stores (src/server/rate-limit.ts).
 * A budget's name carries the caller's id (a JWT subject, which may be an ID number) or a source address; a plain
 * digest of it could be confirmed by anyone who reads Redis, trying every 11-digit number in an afternoon. Keyed by a
 * secret Redis never sees, the stored name tells nothing.
 *
 * Every instance must derive the same key to share a caller's budget: RATE_LIMIT_KEY_SECRET when set, else a digest
 * of the gateway's own credentials (API keys, JWT secret, provider keys and passwords), which every instance of one
 * deployment shares. Rotating one of them starts every budget afresh, which costs a caller at most one window. With no
 * credential at all (the open sandbox, or JWKS-only callers and no provider), a random key per process: budgets are
 * then counted per instance even through Redis, which start-up says (`shared: false`).
 */
export interface BudgetKeySecret {
  key: Buffer;
  /** False when the key is this process's own (no secret configured): instances cannot share budgets. */
  shared: boolean;
}

export function budgetKeySecret(config: Config): BudgetKeySecret {
  if (config.rateLimit.keySecret) return { key: Buffer.from(config.rateLimit.keySecret, 'utf8'), shared: true };
  const credentials = credentialSecrets(config);
  if (credentials.length === 0) return { key: randomBytes(32), shared: false };
  // Length-prefixed and sorted: the same set of credentials gives the same key whatever order the settings list them in.
  const digest = createHash('sha256').update('gateway rate-limit budget key v1\0');
  for (const credential of [...credentials].sort()) digest.update(`${Buffer.byteLength(credential)}:${credential}\0`);
  return { key: digest.digest(), shared: true };
}
