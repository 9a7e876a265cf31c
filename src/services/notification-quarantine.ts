import type { QuarantinedDelivery, QuarantineReason } from '../domain/quarantined-delivery.js';
import type { Logger } from '../observability/logger.js';
import type { RealtimeRegisterMetrics } from '../observability/realtime-register-metrics.js';
import type { QuarantineStore } from '../store/index.js';
import type { NotificationSource } from './notification-ingest.js';
import { quarantineEntry } from './quarantine-entry.js';

export interface QuarantineDeps {
  store: QuarantineStore;
  /** The stores' keyed digest (Stores.digest). */
  digest: (data: Buffer) => string;
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
  const entry = quarantineEntry({ provider: 'REALTIME_REGISTER', ...delivery }, deps.digest);
  const added = await deps.store.add(entry);
  if (added) {
    deps.metrics.quarantined.inc({ source: delivery.source, reason: delivery.reason });
    // The body stays out of the log (it may name people); its digest finds it in the quarantine.
    deps.logger.warn(
      { source: delivery.source, reason: delivery.reason, bytes: entry.bytes, digest: entry.digest, notificationId: entry.notificationId },
      'quarantined a Realtime Register delivery the gateway cannot use (see GET /operator/quarantine)',
    );
  }
  return entry;
}
