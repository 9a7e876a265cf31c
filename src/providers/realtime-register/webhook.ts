import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { BasicCredentials } from '../../config.js';
import { encodeSignature, signatureDigestCandidates, type WebhookSignatureReading } from './assumptions.js';
import type { NotificationFields } from './denic.js';

/**
 * Realtime Register signs each webhook push: header `Signature` = HMAC-SHA256(shared key, raw body bytes), encoded in
 * one of the readings of assumptions.ts (WEBHOOK_SIGNATURE_READINGS). Default: Base64 of the digest (the docs' prose).
 */
export function signRealtimeRegisterBody(secret: string, body: Buffer | string, reading: WebhookSignatureReading = 'base64-digest'): string {
  return encodeSignature(createHmac('sha256', secret).update(body).digest(), reading);
}

/**
 * True when the `Signature` header is the body's HMAC under the secret in any documented reading. Every candidate is
 * compared with timingSafeEqual and none is skipped, so the time taken never depends on how close a forgery came.
 */
export function hasValidRealtimeRegisterSignature(secret: string, body: Buffer, headers: IncomingHttpHeaders): boolean {
  const header = headers['signature'];
  const given = Array.isArray(header) ? header[0] : header;
  const expected = createHmac('sha256', secret).update(body).digest();
  const candidates = given ? signatureDigestCandidates(given) : [];
  let valid = false;
  for (const candidate of candidates) valid = timingSafeEqual(candidate, expected) || valid;
  // No candidate: still one comparison, so a malformed header costs what a wrong one does.
  if (candidates.length === 0) timingSafeEqual(expected, expected);
  return valid;
}

/**
 * True when `Authorization: Basic` carries exactly these credentials (RTR's docs allow Basic auth for webhooks).
 * Compared as SHA-256 digests so neither the length nor the content of the secret shows in the timing.
 */
export function hasValidBasicAuth(expected: BasicCredentials, headers: IncomingHttpHeaders): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,1024})\s*$/i.exec(headers.authorization ?? '');
  const presented = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(`${expected.username}:${expected.password}`)) && match !== null;
}

/**
 * The shape check shared by the webhook and the poller: an object with an `id` that is an integer or a numeric string,
 * and the documented text fields strings when present.
 */
export function isNotification(value: unknown): value is NotificationFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const id = record.id;
  const idOk = (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) || (typeof id === 'string' && /^\d{1,20}$/.test(id));
  if (!idOk) return false;
  for (const field of ['message', 'customer', 'eventType', 'notificationType', 'processType', 'processIdentifier', 'fireDate'] as const) {
    const fieldValue = record[field];
    if (fieldValue !== undefined && fieldValue !== null && typeof fieldValue !== 'string') return false;
  }
  return true;
}
