import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { NotificationFields } from './denic.js';

/**
 * Realtime Register signs each webhook push: header `Signature` = Base64(HMAC-SHA256(shared key, raw body bytes))
 * (providers/realtime-register.md, "Notifications").
 */
export function signRealtimeRegisterBody(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** True when the `Signature` header is the body's HMAC under the secret; compared in constant time. */
export function hasValidRealtimeRegisterSignature(secret: string, body: Buffer, headers: IncomingHttpHeaders): boolean {
  const header = headers['signature'];
  const given = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!given) return false;
  const expected = Buffer.from(signRealtimeRegisterBody(secret, body), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time independent of where they differ.
  if (actual.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(actual, expected);
}

/**
 * The pushed notification, or null when the body is not JSON or not a notification (an object with an `id` that is
 * an integer or a numeric string, and a string `message` when present).
 */
export function parseRealtimeRegisterPush(body: Buffer): NotificationFields | null {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  return isNotification(value) ? value : null;
}

/** The shape check shared by the webhook and the poller. */
export function isNotification(value: unknown): value is NotificationFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const id = record.id;
  const idOk = (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) || (typeof id === 'string' && /^\d{1,20}$/.test(id));
  if (!idOk) return false;
  for (const field of ['message', 'customer', 'eventType', 'notificationType', 'processIdentifier', 'fireDate'] as const) {
    const fieldValue = record[field];
    if (fieldValue !== undefined && fieldValue !== null && typeof fieldValue !== 'string') return false;
  }
  return true;
}
