import type { QuarantinedDelivery, QuarantineReason } from '../domain/quarantined-delivery.js';
import { QUARANTINE_BODY_LIMIT } from '../domain/quarantined-delivery.js';
import type { Provider } from '../domain/providers.js';
import { maskedHead } from '../domain/digit-runs.js';
import { decodeJsonDigitEscapes } from '../domain/json-digit-escapes.js';

/** A delivery about to be quarantined, as the provider's webhook or poll code received it. */
export interface DeliveryToQuarantine {
  provider: Provider;
  /** e.g. rtr-webhook, rtr-poll, veriff-webhook. */
  source: string;
  reason: QuarantineReason;
  /** The bytes received (or their head, for TOO_LARGE): hashed, and kept as text unless `keptText` is given. */
  body: Buffer;
  /** The full size when only the head was kept. */
  totalBytes?: number;
  notificationId?: string | null;
  /**
   * What to keep instead of the body, when the body must not be stored (a Veriff decision names the person and their
   * national ID number): the entry then counts as truncated, since the kept text is not the delivery.
   */
  keptText?: string;
}

/**
 * The quarantine record of a delivery: keyed `<source>:<digest of the body>`, so one body from one source is kept
 * once. `digest` is the stores' keyed one: the entry shows the body with its digit runs masked, and beside it a plain
 * SHA-256 of the bytes received would let anyone try every masked number until the hash matched.
 */
export function quarantineEntry(delivery: DeliveryToQuarantine, digestOf: (data: Buffer) => string): QuarantinedDelivery {
  const digest = digestOf(delivery.body);
  const text = delivery.keptText ?? delivery.body.toString('utf8');
  return {
    id: `${delivery.source}:${digest}`,
    provider: delivery.provider,
    source: delivery.source,
    reason: delivery.reason,
    receivedAt: new Date().toISOString(),
    // A delivery only partly kept (TOO_LARGE): its full size; the hash is of the kept part.
    bytes: Math.max(delivery.totalBytes ?? 0, delivery.body.length),
    digest,
    // Masked here, before it is stored, rather than when GET /operator/quarantine shows it: the quarantine lives in
    // Redis beside everything else, and an ID number in a contact's free text must not be stored at all, not only not
    // shown. The cost: a kept body is no longer byte for byte what was sent (its digest still is of the bytes
    // received), so a replay carries the mask where numbers were; the notification's id is kept apart.
    // Digits written as JSON escapes are decoded first: any JSON reader of the kept body would read them as a number.
    body: maskedHead(decodeJsonDigitEscapes(text), QUARANTINE_BODY_LIMIT),
    truncated: delivery.keptText !== undefined || text.length > QUARANTINE_BODY_LIMIT || (delivery.totalBytes ?? 0) > delivery.body.length,
    notificationId: delivery.notificationId ?? null,
  };
}
