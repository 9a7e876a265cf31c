import type { Provider } from './providers.js';

/** Why a correctly authenticated delivery could not be used. */
export const QUARANTINE_REASONS = ['NOT_JSON', 'UNKNOWN_SHAPE', 'UNPROCESSABLE', 'TOO_LARGE'] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/**
 * A provider delivery the gateway accepted (answered 2xx, or acked) but could not use: a test ping, a notification
 * shape it does not know, a body that is not JSON. Kept for operators instead of refused, because refusing would make
 * the provider redeliver it and, at Realtime Register, stall the account's whole queue.
 */
export interface QuarantinedDelivery {
  /** `<source>:<sha256 of the body>`: the same body from the same source is kept once. */
  id: string;
  provider: Provider;
  /** e.g. rtr-webhook, rtr-poll. */
  source: string;
  reason: QuarantineReason;
  receivedAt: string;
  /** The body's size in bytes and its SHA-256 (hex), whatever was kept of it. */
  bytes: number;
  sha256: string;
  /** The body as UTF-8 text, cut at QUARANTINE_BODY_LIMIT characters. */
  body: string;
  truncated: boolean;
  /** The provider's id for the item when the body named one (a poll item must be acked by it). */
  notificationId: string | null;
}

/** Characters of a quarantined body that are kept: enough to see what it was and replay most of them. */
export const QUARANTINE_BODY_LIMIT = 16_384;
