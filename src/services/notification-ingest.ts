import type { VerificationEvent, VerificationEventPayload } from '../domain/events.js';
import type { VerificationRequest } from '../domain/verification-request.js';
import type { Logger } from '../observability/logger.js';
import {
  formerRealtimeRegisterNotificationKeys,
  isDenicNotification,
  notificationContactHandle,
  parseDenicNotification,
  realtimeRegisterNotificationKey,
  STORED_MESSAGE_LIMIT,
  type NotificationFields,
} from '../providers/realtime-register/denic.js';
import { rtrInstant } from '../providers/realtime-register/dates.js';
import type { VerificationRequestStore } from '../store/index.js';
import type { EventService } from './events.js';
import { maskedHead } from '../domain/digit-runs.js';

/** Characters of a notification's type kept as its event's `kind`: a type name, never a document. */
const KIND_LIMIT = 100;

/** Where a notification came from; labels the event-log lag metric. */
export type NotificationSource = 'rtr-webhook' | 'rtr-poll';

export interface NotificationIngestDeps {
  requests: VerificationRequestStore;
  events: EventService;
  /** The configured Realtime Register customer, for notifications that do not name theirs. */
  customer: string;
  /** Says when a DENIC notification names no contact: stored as a plain event, a person must act on it. */
  logger?: Logger;
}

/**
 * Stores one Realtime Register notification durably, whichever way it came (webhook, poll queue, a retry of either):
 * a DENIC one becomes an OPEN VerificationRequest plus a VERIFICATION_REQUIRED event, anything else a
 * PROVIDER_NOTIFICATION event. Idempotent: the request is written only when absent (a redelivery never reopens a
 * SUBMITTED request) and the event is deduplicated on `rtr:<notification id>`, the same key whichever way it came and
 * whatever customer each delivery names (or does not). Throws StoreUnavailable (or its
 * EventLogUnavailable) when it could not store: the caller must then not acknowledge upstream.
 */
export async function ingestRealtimeRegisterNotification(
  deps: NotificationIngestDeps,
  notification: NotificationFields,
  source: NotificationSource,
): Promise<{ event: VerificationEvent; duplicate: boolean }> {
  const customer = notification.customer || deps.customer;
  let dedupeKey = realtimeRegisterNotificationKey(notification.id);
  const parsed = parseDenicNotification(notification, { customer });
  let payload: VerificationEventPayload;
  if (parsed) {
    let stored = await storedRequest(deps, parsed.id, formerRealtimeRegisterNotificationKeys([notification.customer, deps.customer], notification.id));
    if (!stored) {
      await deps.requests.put(parsed);
      stored = parsed;
    }
    // A request stored under a former key had its event deduplicated on that key too.
    dedupeKey = stored.id;
    payload = { type: 'VERIFICATION_REQUIRED', provider: 'REALTIME_REGISTER', occurredAt: stored.receivedAt, contactHandle: stored.contactHandle, request: stored };
  } else {
    if (isDenicNotification(notification)) {
      // The registry's demand, with its deadline, but no contact to make a request of (a domain process whose payload
      // and message name no handle): kept as a provider notification event, and said, since only a person can act.
      // The process type is the sender's word like the notification's type (see `kind`): masked the same way.
      deps.logger?.warn(
        { notificationId: String(notification.id), processType: notification.processType ? maskedHead(notification.processType, KIND_LIMIT) : null },
        'a DENIC verification notification names no contact handle: stored as a PROVIDER_NOTIFICATION event, not as a verification request; find the holder of its domain and send evidence by hand',
      );
    }
    payload = {
      type: 'PROVIDER_NOTIFICATION',
      provider: 'REALTIME_REGISTER',
      occurredAt: occurredAt(notification.fireDate),
      // Never a domain process's identifier (a domain name): only a contact process names a handle there.
      contactHandle: notificationContactHandle(notification),
      notificationId: String(notification.id),
      // The provider's word for the notification, stored and published like the message: masked the same way.
      kind: maskedHead(notification.notificationType || notification.eventType || 'UNKNOWN', KIND_LIMIT),
      // Free text, stored and published: its long digit runs (an ID number quoted by the provider) are masked.
      message: maskedHead(notification.message ?? '', STORED_MESSAGE_LIMIT),
    };
  }
  return deps.events.record(payload, { dedupeKey, source });
}

/** The request a notification made, under its id or, stored before the id left the customer out, a former one. */
async function storedRequest(deps: NotificationIngestDeps, id: string, formerIds: string[]): Promise<VerificationRequest | null> {
  for (const candidate of [id, ...formerIds]) {
    const stored = await deps.requests.get(candidate);
    if (stored) return stored;
  }
  return null;
}

function occurredAt(fireDate: string | null | undefined): string {
  return rtrInstant(fireDate) ?? new Date().toISOString();
}
