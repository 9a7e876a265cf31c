import type { QuarantinedDelivery } from '../domain/quarantined-delivery.js';
import type { Logger } from '../observability/logger.js';
import type { VeriffMetrics } from '../observability/veriff-metrics.js';
import type { VeriffDecision } from '../providers/veriff/map.js';
import type { QuarantineStore } from '../store/index.js';
import { maskLongDigitRuns } from '../domain/digit-runs.js';
import { quarantineEntry } from './quarantine-entry.js';

export interface VeriffQuarantineDeps {
  store: QuarantineStore;
  /** The stores' keyed digest (Stores.digest). */
  digest: (data: Buffer) => string;
  metrics: VeriffMetrics;
  logger: Logger;
}

/** Longest session id or reason text kept: Veriff's are a UUID and a short sentence. */
const KEPT_TEXT_LIMIT = 200;

/** How Veriff writes a session id. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The session id as the entry and the logs name it: a UUID as it came (the operator looks it up at Veriff, and a UUID's
 * groups are often long runs of digits), anything else with its long digit runs masked. A session the gateway does
 * not know is only the sender's word, and one that is an ID number was named in clear in the entry and the log.
 */
export function keptSessionId(raw: string): string {
  const id = raw.slice(0, KEPT_TEXT_LIMIT);
  return UUID.test(id) ? id : maskLongDigitRuns(id);
}

/**
 * Keeps a correctly signed Veriff decision for a session the gateway has no check of (another system on the same
 * integration, or a store that lost the check), so the webhook can answer 200: Veriff retries any other answer hourly
 * for a week, and no retry makes the session known. The raw body is not kept, because it names the person and their
 * national ID number (providers/veriff.md, "Privacy"): only the session, status, code, reason and decision time, with
 * the body's size and digest. Operators see it in the log, in gateway_veriff_quarantined_total and on
 * GET /operator/quarantine. Throws StoreUnavailable when it could not be kept (the webhook then answers 503 and Veriff
 * delivers again).
 */
export async function quarantineUnknownSessionDecision(
  deps: VeriffQuarantineDeps,
  delivery: { body: Buffer; sessionId: string; decision: VeriffDecision },
): Promise<QuarantinedDelivery> {
  const { decision } = delivery;
  const sessionId = keptSessionId(delivery.sessionId);
  const summary = {
    verification: {
      id: sessionId,
      status: decision.status,
      code: decision.code,
      reason: decision.reason?.slice(0, KEPT_TEXT_LIMIT) ?? null,
      reasonCode: decision.reasonCode,
      decisionTime: decision.decidedAt,
    },
  };
  const entry = quarantineEntry({
    provider: 'VERIFF',
    source: 'veriff-webhook',
    reason: 'UNKNOWN_SESSION',
    body: delivery.body,
    keptText: JSON.stringify(summary),
    notificationId: sessionId,
  }, deps.digest);
  const added = await deps.store.add(entry);
  if (added) {
    deps.metrics.quarantined.inc({ reason: 'UNKNOWN_SESSION' });
    deps.logger.warn(
      { provider: 'VERIFF', sessionId, status: decision.status, digest: entry.digest },
      'quarantined a Veriff decision for a session this gateway does not know, and acknowledged it (see GET /operator/quarantine)',
    );
  }
  return entry;
}
