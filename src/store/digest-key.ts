import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { credentialSecrets } from '../config.js';

/**
 * The HMAC key of every digest the gateway stores or logs in place of outside text: rate-limit budget names (which
 * carry a JWT subject, possibly an ID number, or a source address), quarantined bodies (listed with their digits
 * masked: a plain SHA-256 beside them would let anyone try every masked number until the digest matched), resend
 * cooldown markers (an email address). A plain digest of such text can be confirmed by whoever reads Redis or the log,
 * trying every 11-digit number in an afternoon; keyed by a secret neither holds, it tells nothing.
 *
 * Every instance must derive the same key, so that they count one caller's budget and keep one quarantined body once:
 * GATEWAY_DIGEST_SECRET when set, else a digest of the gateway's own credentials (API keys, JWT secret, provider keys
 * and passwords; not the Redis password, which whoever reads Redis knows), which every instance of one deployment
 * shares. Rotating one of them changes every digest: budgets start afresh (a caller's window at most), and a body
 * quarantined before and again after is kept twice. With no credential at all (the open sandbox, or JWKS-only callers
 * and no provider), a random key per process (`shared: false`), which start-up reports when Redis is shared.
 */
export interface DigestKey {
  key: Buffer;
  /** False when the key is this process's own (nothing to derive it from): instances' digests differ. */
  shared: boolean;
}

export function digestKeyOf(config: Config): DigestKey {
  if (config.digestSecret) return { key: Buffer.from(config.digestSecret, 'utf8'), shared: true };
  const credentials = credentialSecrets(config);
  if (credentials.length === 0) return processDigestKey();
  // Length-prefixed and sorted: the same set of credentials gives the same key whatever order the settings list them in.
  const material = [...credentials].sort().map((credential) => `${Buffer.byteLength(credential)}:${credential}`).join('\0');
  // HKDF bound to its purpose, as the sealing keys are (src/store/sealed-value.ts): one secret never keys two uses alike.
  return { key: Buffer.from(hkdfSync('sha256', material, 'verification-gateway', 'stored-digests', 32)), shared: true };
}

/** A key of this process's own: for a gateway with nothing to derive one from, and stores made without one (tests). */
export function processDigestKey(): DigestKey {
  return { key: randomBytes(32), shared: false };
}

/** HMAC-SHA256 of `data` under `key`, base64url (43 characters). */
export function keyedDigest(key: Buffer, data: string | Buffer): string {
  return createHmac('sha256', key).update(data).digest('base64url');
}
