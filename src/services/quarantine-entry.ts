import { createHash } from 'node:crypto';
import type { QuarantinedDelivery, QuarantineReason } from '../domain/quarantined-delivery.js';
import { QUARANTINE_BODY_LIMIT } from '../domain/quarantined-delivery.js';
import type { Provider } from '../domain/providers.js';

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

/** The quarantine record of a delivery: keyed `<source>:<sha256 of the body>`, so one body from one source is kept once. */
export function quarantineEntry(delivery: DeliveryToQuarantine): QuarantinedDelivery {
  const sha256 = createHash('sha256').update(delivery.body).digest('hex');
  const text = delivery.keptText ?? delivery.body.toString('utf8');
  return {
    id: `${delivery.source}:${sha256}`,
    provider: delivery.provider,
    source: delivery.source,
    reason: delivery.reason,
    receivedAt: new Date().toISOString(),
    // A delivery only partly kept (TOO_LARGE): its full size; the hash is of the kept part.
    bytes: Math.max(delivery.totalBytes ?? 0, delivery.body.length),
    sha256,
    body: text.slice(0, QUARANTINE_BODY_LIMIT),
    truncated: delivery.keptText !== undefined || text.length > QUARANTINE_BODY_LIMIT || (delivery.totalBytes ?? 0) > delivery.body.length,
    notificationId: delivery.notificationId ?? null,
  };
}
