import { InputRejected } from '../domain/errors.js';
import { providerHandleProblems } from '../domain/handle-problems.js';
import type { VerificationEvent, VerificationEventFilter, VerificationEventPayload } from '../domain/events.js';
import { problem } from '../domain/field-problem.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Stores } from '../store/index.js';
import { compareEventIds, isEventId } from '../store/index.js';
import { EventStream, FILTERED_SCAN_LIMIT, type BudgetDecision, type ReadinessSignal, type ResumePoint, type SubscriptionInterrupted } from './event-stream.js';
import { eventsTrimmedAfter, type EventsTrimmed } from './events-trimmed.js';
import type { Page, PageArgs } from './page.js';

export { FILTERED_SCAN_LIMIT, SubscriptionInterrupted, type BudgetDecision, type ReadinessSignal, type ResumePoint } from './event-stream.js';
export { EventsTrimmed } from './events-trimmed.js';

/** What record() may be told besides the payload. */
export interface RecordOptions {
  /** The provider's delivery id (e.g. `rtr:<notification id>`): a redelivery returns the earlier event. */
  dedupeKey?: string;
  /** Labels gateway_event_log_lag_seconds (e.g. rtr-webhook, rtr-poll); the provider when absent. */
  source?: string;
}

/** The event log's face to the rest of the gateway: append (with dedupe) and publish, read, subscribe. */
export interface EventService {
  /**
   * Appends to the log (deduplicated on dedupeKey); the log delivers it to every instance's subscribers.
   * Throws EventLogUnavailable when the log cannot be written: callers must then not ack upstream.
   */
  record(payload: VerificationEventPayload, options?: RecordOptions): Promise<{ event: VerificationEvent; duplicate: boolean }>;
  /**
   * Oldest first; `after` and every cursor are event ids. Throws InputRejected for a bad page size or id. An `after`
   * the log trimmed past gives what is kept after it plus an EventsTrimmed in `failures`.
   */
  list(filter: VerificationEventFilter | null, page: PageArgs): Promise<Page<VerificationEvent>>;
  /**
   * Replays stored events after `after`, then live ones, without gap or duplicate. A subscriber that lets more than
   * the buffer limit pile up (or whose replay cannot read the log) gets a SubscriptionInterrupted as its last item;
   * one whose `after` is older than what the log keeps gets an EventsTrimmed as its only item.
   * `lastEventId` is an SSE client's Last-Event-ID header (the `id:` of the last event an EventSource received before
   * it reconnected to the same URL): the stream resumes after the later of the two. Throws InputRejected for a
   * malformed `after` or `lastEventId`. `chargeScan` takes from the caller's budget for a long filtered replay
   * (EventStreamOptions.chargeScan).
   */
  subscribe(
    filter: VerificationEventFilter | null,
    after: string | null,
    lastEventId?: string | null,
    chargeScan?: () => Promise<BudgetDecision>,
  ): AsyncIterable<VerificationEvent | SubscriptionInterrupted | EventsTrimmed> & ReadinessSignal & ResumePoint;
  /** Ends every live subscription (graceful shutdown completes them instead of cutting them). */
  stop(): Promise<void>;
  /** Subscriptions whose stream is still open (listening to the log): what a dropped client must not leave behind. */
  openSubscriptions(): number;
}

export interface EventServiceDeps {
  stores: Stores;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Undelivered events one subscriber may hold before it is ended. Default 1000. */
  subscriberBufferLimit?: number;
  /** Drops what an event makes stale from the cache; runs before the append, so subscribers then read fresh data. */
  invalidate?: (payload: VerificationEventPayload) => Promise<void>;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

export function createEventService(deps: EventServiceDeps): EventService {
  const log = deps.stores.eventLog;
  const bufferLimit = deps.subscriberBufferLimit ?? 1000;
  const streams = new Set<EventStream>();
  const forget = (ended: EventStream) => streams.delete(ended);

  return {
    async record(payload, options = {}) {
      await deps.invalidate?.(payload);
      const result = await log.append(payload, options.dedupeKey === undefined ? {} : { dedupeKey: options.dedupeKey });
      if (!result.duplicate) {
        const lagSeconds = (Date.now() - Date.parse(payload.occurredAt)) / 1000;
        if (Number.isFinite(lagSeconds)) deps.metrics.eventLogLag.observe({ source: options.source ?? payload.provider }, Math.max(0, lagSeconds));
      }
      return result;
    },

    async list(filter, page) {
      rejectUnknowableHandle(filter);
      const first = pageSize(page.first);
      const after = eventIdArgument(page.after, 'after');
      // A filter that matches few events would otherwise read the whole log (100,000 kept) for one page: the scan
      // stops after FILTERED_SCAN_LIMIT, and the page (fewer edges than asked, maybe none) pages on from where it did.
      const { events, scannedTo } = await log.scan({ after, limit: first + 1, filter, scanLimit: FILTERED_SCAN_LIMIT });
      // Partial data rather than a refusal: the page holds exactly what is kept after `after`, and its cursors page on
      // from there, while the error beside it (EVENTS_TRIMMED, the oldest id kept) says that older ones are gone. A
      // client paging through history keeps what can still be read; one that was only resuming learns to re-read state.
      const trimmed = after === null ? null : await eventsTrimmedAfter(log, after);
      const items = events.slice(0, first).map((event) => ({ cursor: event.id, node: event }));
      // The log does not count; the connection has no totalCount (contract).
      const result: Page<VerificationEvent> = {
        items,
        totalCount: items.length,
        hasNextPage: events.length > first || scannedTo !== null,
        hasPreviousPage: after !== null,
        ...(scannedTo !== null ? { endCursor: scannedTo } : {}),
      };
      return trimmed ? { ...result, failures: [trimmed] } : result;
    },

    subscribe(filter, after, lastEventId = null, chargeScan) {
      rejectUnknowableHandle(filter);
      const from = laterEventId(eventIdArgument(after, 'after'), eventIdArgument(lastEventId, 'Last-Event-ID'));
      const stream = new EventStream({ log, filter, after: from, bufferLimit, logger: deps.logger, onEnd: forget, chargeScan });
      streams.add(stream);
      return stream;
    },

    async stop() {
      await Promise.all([...streams].map((stream) => stream.return()));
    },

    openSubscriptions: () => streams.size,
  };
}

function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  // Relay's cursor connections spec refuses only a negative first: first: 0 asks whether there is a next page alone.
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new InputRejected([problem(['first'], 'INVALID_VALUE', `first must be between 0 and ${MAX_PAGE_SIZE}.`)]);
  }
  return first;
}

function rejectUnknowableHandle(filter: VerificationEventFilter | null): void {
  const problems = providerHandleProblems(filter?.contactHandle, ['filter', 'contactHandle']);
  if (problems.length) throw new InputRejected(problems);
}

function laterEventId(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return compareEventIds(a, b) >= 0 ? a : b;
}

function eventIdArgument(value: string | null | undefined, name: string): string | null {
  if (value === null || value === undefined) return null;
  if (!isEventId(value)) {
    throw new InputRejected([problem([name], 'INVALID_FORMAT', `${name} must be an event id such as 1700000000000-0.`)]);
  }
  return value;
}
