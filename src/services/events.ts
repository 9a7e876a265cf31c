import { NotImplemented } from '../domain/errors.js';
import type { VerificationEvent, VerificationEventFilter, VerificationEventPayload } from '../domain/events.js';
import type { Stores } from '../store/index.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Logger } from '../observability/logger.js';
import type { Page, PageArgs } from './page.js';

/** The event log's face to the rest of the gateway: append (with dedupe) and publish, read, subscribe. */
export interface EventService {
  /**
   * Appends to the log (deduplicated on dedupeKey) and publishes to every instance's subscribers.
   * Throws EventLogUnavailable when the log cannot be written: callers must then not ack upstream.
   */
  record(payload: VerificationEventPayload, options?: { dedupeKey?: string }): Promise<{ event: VerificationEvent; duplicate: boolean }>;
  list(filter: VerificationEventFilter | null, page: PageArgs): Promise<Page<VerificationEvent>>;
  /** Replays stored events after `after`, then live ones, without gap or duplicate. */
  subscribe(filter: VerificationEventFilter | null, after: string | null): AsyncIterable<VerificationEvent>;
}

export interface EventServiceDeps {
  stores: Stores;
  metrics: GatewayMetrics;
  logger: Logger;
}

export function createEventService(_deps: EventServiceDeps): EventService {
  return {
    record: async () => {
      throw new NotImplemented('The event log');
    },
    list: async () => {
      throw new NotImplemented('The event log');
    },
    subscribe: () => {
      throw new NotImplemented('Event subscriptions');
    },
  };
}
