import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * A secret kept in a shared store (Redis) only sealed: AES-256-GCM under a key derived from a secret every instance
 * already holds (a provider password), so whoever reads the store (a backup, a replica, a shared Redis) gets nothing
 * usable, and a value altered there fails to open instead of being used.
 */
export interface SealKey {
  readonly key: Buffer;
}

/** A key from `secret` (HKDF-SHA256), bound to `purpose` so one secret never seals two kinds of value alike. */
export function sealKey(secret: string, purpose: string): SealKey {
  return { key: Buffer.from(hkdfSync('sha256', secret, 'verification-gateway', purpose, 32)) };
}

/** base64url of IV (12 bytes), tag (16 bytes) and ciphertext. */
export function seal(plain: string, { key }: SealKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The plain text, or null when `sealed` is not a value sealed under this key (another secret, altered, malformed). */
export function unseal(sealed: unknown, { key }: SealKey): string | null {
  if (typeof sealed !== 'string') return null;
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < 28) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
