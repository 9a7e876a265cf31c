import type { Provider } from './providers.js';

/**
 * Why a correctly authenticated delivery could not be used. UNKNOWN_SESSION: a Veriff decision for a session this
 * gateway has no check of (another system on the same integration, or a store that lost it).
 */
export const QUARANTINE_REASONS = ['NOT_JSON', 'UNKNOWN_SHAPE', 'UNPROCESSABLE', 'TOO_LARGE', 'UNKNOWN_SESSION'] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/**
 * A provider delivery the gateway accepted (answered 2xx, or acked) but could not use: a test ping, a notification
 * shape it does not know, a body that is not JSON, a Veriff decision for a session it does not know. Kept for operators
 * instead of refused, because refusing would make the provider redeliver it: Realtime Register then stalls the
 * account's whole queue, Veriff retries hourly for a week.
 */
export interface QuarantinedDelivery {
  /** `<source>:<digest of the body>`: the same body from the same source is kept once. */
  id: string;
  provider: Provider;
  /** e.g. rtr-webhook, rtr-poll, veriff-webhook. */
  source: string;
  reason: QuarantineReason;
  receivedAt: string;
  /**
   * The body's size in bytes and its digest, whatever was kept of it: an HMAC-SHA256 (base64url) under the gateway's
   * digest key, not a plain hash (src/config/digest-key.ts), since the body is kept with its digit runs masked.
   */
  bytes: number;
  digest: string;
  /**
   * The body as UTF-8 text, cut at QUARANTINE_BODY_LIMIT characters; for a Veriff decision only what identifies it
   * (session, status, code, reason, time), never the person or their ID number (truncated is then true).
   */
  body: string;
  truncated: boolean;
  /** The provider's id for the item when the body named one: an RTR notification id (a poll item is acked by it), a Veriff session id. */
  notificationId: string | null;
}

/** Characters of a quarantined body that are kept: enough to see what it was and replay most of them. */
export const QUARANTINE_BODY_LIMIT = 16_384;
