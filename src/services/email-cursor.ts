import { createHash } from 'node:crypto';
import type { EmailVerificationFilter } from '../domain/email-verification.js';
import { InputRejected } from '../domain/errors.js';
import { problem } from '../domain/field-problem.js';

/**
 * Cursors of the emailVerifications connection: base64url of `{v: 1, p: position, f: filter fingerprint}`. The
 * position is the row's index in the connection's stable order, so a cursor stays valid from page to page; the
 * fingerprint ties it to its filter, so a cursor used with another filter is rejected instead of skipping rows.
 */

/** Short hash of the normalised filter. */
export function filterFingerprint(filter: EmailVerificationFilter): string {
  const normal = {
    providers: filter.providers?.length ? [...new Set(filter.providers)].sort() : null,
    email: filter.email ?? null,
    handle: filter.handle ?? null,
    domain: filter.domain ?? null,
    status: filter.status?.length ? [...new Set(filter.status)].sort() : null,
    suspended: filter.suspended ?? null,
  };
  return createHash('sha256').update(JSON.stringify(normal)).digest('base64url').slice(0, 12);
}

export function encodeCursor(position: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: 1, p: position, f: fingerprint })).toString('base64url');
}

/** The position a cursor points at. Throws InputRejected (path `after`) for anything that is not one of ours for this filter. */
export function decodeCursor(cursor: string, fingerprint: string): number {
  const rejected = () =>
    new InputRejected([problem(['after'], 'INVALID_VALUE', 'after is not a cursor of this query: it is malformed, or it was issued for another filter.')]);
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw rejected();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw rejected();
  }
  const { v, p, f } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (v !== 1 || typeof p !== 'number' || !Number.isSafeInteger(p) || p < 0 || f !== fingerprint) throw rejected();
  return p;
}
