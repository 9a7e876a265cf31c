import { createHmac, timingSafeEqual } from 'node:crypto';

/** A SHA-256 digest written as hex, in either case (Veriff signs in lower case; some tools print upper case). */
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * Veriff's `x-hmac-signature`: lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the integration's
 * shared secret (providers/veriff.md, "Signature"). Callers serialize once and send the very bytes they signed:
 * re-serializing JSON may reorder or re-escape it and break the signature.
 */
export function signVeriffBody(body: string | Uint8Array, sharedSecret: string): string {
  return createHmac('sha256', sharedSecret).update(body).digest('hex');
}

/**
 * True when `signature` is the HMAC-SHA256 of `body` under any of `sharedSecrets` (the current secret and, during a
 * key rotation, the previous one). Upper- or lower-case hex is accepted. Anything that is not 64 hex characters is
 * refused before comparing, and the comparison itself takes the same time wherever the digests differ.
 */
export function verifyVeriffSignature(
  body: string | Uint8Array,
  signature: string | string[] | null | undefined,
  sharedSecrets: readonly (string | null | undefined)[],
): boolean {
  const text = Array.isArray(signature) ? signature[0] : signature;
  if (typeof text !== 'string' || !HEX_SHA256.test(text.trim())) return false;
  const given = Buffer.from(text.trim(), 'hex');
  let matched = false;
  // Every secret is tried (no early exit), so the time taken does not tell which secret matched.
  for (const secret of sharedSecrets) {
    if (!secret) continue;
    const expected = createHmac('sha256', secret).update(body).digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}
