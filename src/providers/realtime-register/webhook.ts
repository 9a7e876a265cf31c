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
  return signatureMatchesDigest(createHmac('sha256', secret).update(body).digest(), headers);
}

/** The same check against a digest computed elsewhere (a body digested as it streamed in). */
export function signatureMatchesDigest(expected: Buffer, headers: IncomingHttpHeaders): boolean {
  const header = headers['signature'];
  const given = Array.isArray(header) ? header[0] : header;
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

/** The notification's text fields (providers/realtime-register.md, "Notification object"). */
const TEXT_FIELDS = ['message', 'customer', 'eventType', 'notificationType', 'processType', 'processIdentifier', 'fireDate'] as const;

/**
 * A delivery (webhook body, poll queue item, list entity) as a notification the gateway can store, or null when it is
 * not one: it must be an object whose `id` is a non-negative integer (a number, or a numeric string up to 15 digits
 * so it stays exact when acked). Other fields are read leniently, since a whole DENIC request must not be lost to one
 * odd member: a text field sent as a number is read as its digits (a numeric processIdentifier or customer), one of
 * another type (an object, a list, true) is left out. The id comes back as a number.
 */
export function readNotification(value: unknown): (NotificationFields & { id: number }) | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const raw = record.id;
  const id = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return null;
  const notification: Record<string, unknown> = { ...record, id };
  for (const field of TEXT_FIELDS) {
    const fieldValue = record[field];
    if (fieldValue === undefined || fieldValue === null || typeof fieldValue === 'string') continue;
    if (typeof fieldValue === 'number' && Number.isFinite(fieldValue)) notification[field] = String(fieldValue);
    else delete notification[field];
  }
  return notification as unknown as NotificationFields & { id: number };
}
