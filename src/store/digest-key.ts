import { createHmac, randomBytes } from 'node:crypto';

// Keyed digests of outside text (a handle, an address, a JWT subject, a delivery's body) for what the stores keep in
// its place, under the deployment's digest key (src/config/digest-key.ts): whoever reads Redis or the log cannot
// confirm a guess against one.

/** A key of this process's own: for stores made without one (tests, tools), whose digests no other process reads. */
export function processDigestKey(): Buffer {
  return randomBytes(32);
}

/** HMAC-SHA256 of `data` under `key`, base64url (43 characters). */
export function keyedDigest(key: Buffer, data: string | Buffer): string {
  return createHmac('sha256', key).update(data).digest('base64url');
}
