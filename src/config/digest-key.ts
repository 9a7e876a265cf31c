import { hkdfSync } from 'node:crypto';
import type { Config } from './types.js';
import { credentialSecrets } from '../config.js';

/**
 * The HMAC key of every digest the gateway stores or logs in place of outside text: cache keys (a handle or address
 * asked for, an ID number typed as a handle included), rate-limit budget names (a JWT subject, possibly an ID number,
 * or a source address), quarantined bodies (listed with their digits masked: a plain SHA-256 beside them would let
 * anyone try every masked number until the digest matched), resend cooldown markers (an email address). A plain digest
 * of such text can be confirmed by whoever reads Redis or the log, trying every 11-digit number in an afternoon; keyed
 * by a secret neither holds, it tells nothing.
 *
 * Every instance must derive the same key, so that they share one cache, count one caller's budget and keep one
 * quarantined body once: GATEWAY_DIGEST_SECRET when set, else one derived from the gateway's own credentials (API
 * keys, JWT secret, provider keys and passwords; not the Redis password, which whoever reads Redis knows), which every
 * instance of one deployment shares. Changing one of them (adding an API key too) changes every digest: the shared
 * cache starts cold, budgets afresh, a body quarantined before and again after is kept twice, and the email watch's
 * settled rows are no longer found (its watched rows are moved: RedisEmailWatchStateStore.watched). Live mode always has provider
 * credentials; a sandbox with no credential at all (open, or JWKS-only callers) uses a fixed key, its data being the simulators'.
 */
export function digestKeyOf(config: Config): Buffer {
  const secret = config.digestSecret ?? keyMaterial(credentialSecrets(config));
  // HKDF bound to its purpose, as the sealing keys are (src/store/sealed-value.ts): one secret never keys two uses alike.
  return Buffer.from(hkdfSync('sha256', secret, 'verification-gateway', 'stored-digests', 32));
}

/** Length-prefixed and sorted: the same set of credentials gives the same key whatever order the settings list them in. */
function keyMaterial(credentials: string[]): string {
  return [...credentials].sort().map((credential) => `${Buffer.byteLength(credential)}:${credential}`).join('\0');
}

