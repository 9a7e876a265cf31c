import { createHash } from 'node:crypto';
import type { QuarantinedDelivery, QuarantineReason } from '../domain/quarantined-delivery.js';
import { QUARANTINE_BODY_LIMIT } from '../domain/quarantined-delivery.js';
import { maskedHead } from '../domain/digit-runs.js';
import type { Logger } from '../observability/logger.js';
import type { RealtimeRegisterMetrics } from '../observability/realtime-register-metrics.js';
import type { QuarantineStore } from '../store/index.js';
import type { NotificationSource } from './notification-ingest.js';

export interface QuarantineDeps {
  store: QuarantineStore;
  metrics: RealtimeRegisterMetrics;
  logger: Logger;
}

/**
 * Keeps a correctly authenticated Realtime Register delivery the gateway cannot use (not JSON, a shape it does not
 * know, a test ping, or one whose processing failed), so the caller can still answer 2xx / ack it: refusing would make
 * RTR redeliver it five times and then stall the account's whole queue (providers/realtime-register.md,
 * "Notifications"). Operators see it three ways: a warning in the log, gateway_rtr_quarantined_total, and
 * GET /operator/quarantine. Throws StoreUnavailable when it could not be kept (the caller then answers 503 / does not
 * ack, so nothing is lost).
 */
export async function quarantineDelivery(
  deps: QuarantineDeps,
  delivery: { source: NotificationSource; reason: QuarantineReason; body: Buffer; notificationId?: string | null; totalBytes?: number },
): Promise<QuarantinedDelivery> {
  const sha256 = createHash('sha256').update(delivery.body).digest('hex');
  const text = delivery.body.toString('utf8');
  const entry: QuarantinedDelivery = {
    id: `${delivery.source}:${sha256}`,
    provider: 'REALTIME_REGISTER',
    source: delivery.source,
    reason: delivery.reason,
    receivedAt: new Date().toISOString(),
    // A delivery only partly kept (TOO_LARGE): its full size; the hash is of the kept part.
    bytes: Math.max(delivery.totalBytes ?? 0, delivery.body.length),
    sha256,
    // Masked here, before it is stored, rather than when GET /operator/quarantine shows it: the quarantine lives in
    // Redis beside everything else, and an ID number in a contact's free text must not be stored at all, not only not
    // shown. The cost: a kept body is no longer byte for byte what was sent (its sha256 still is of the bytes
    // received), so a replay carries the mask where numbers were; the notification's id is kept apart.
    body: maskedHead(text, QUARANTINE_BODY_LIMIT),
    truncated: text.length > QUARANTINE_BODY_LIMIT || (delivery.totalBytes ?? 0) > delivery.body.length,
    notificationId: delivery.notificationId ?? null,
  };
  const added = await deps.store.add(entry);
  if (added) {
    deps.metrics.quarantined.inc({ source: delivery.source, reason: delivery.reason });
    // The body stays out of the log (it may name people); its hash finds it in the quarantine.
    deps.logger.warn(
      { source: delivery.source, reason: delivery.reason, bytes: entry.bytes, sha256, notificationId: entry.notificationId },
      'quarantined a Realtime Register delivery the gateway cannot use (see GET /operator/quarantine)',
    );
  }
  return entry;
}

