import { LRUCache } from 'lru-cache';
import { eventMatches, type VerificationEvent, type VerificationEventPayload } from '../domain/events.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import {
  DEDUPE_TTL_MS,
  EventLogUnavailable,
  compareEventIds,
  isOrigin,
  parseEventId,
  type AppendOptions,
  type AppendResult,
  type EventLog,
  type ReadOptions,
  type ScanOptions,
  type ScanResult,
  type TrimmedEvents,
} from './event-log.js';

/** Options for the in-process event log. */
export interface MemoryEventLogOptions {
  /** Events kept; when full the oldest are dropped (read() no longer returns them). Default 10_000. */
  capacity?: number;
  /** Dedupe keys remembered (each for DEDUPE_TTL_MS); the least recently used go first. Default 100_000. */
  dedupeCapacity?: number;
  /** The clock for ids; tests inject one. Default Date.now. */
  now?: () => number;
  /** Where listener errors are reported. */
  logger?: Logger;
  /** Counts appended events by type. */
  metrics?: GatewayMetrics;
}

/**
 * The event log of a single gateway process (no REDIS_URL): a bounded ring, lost on restart. Ids have the Redis
 * stream shape `<ms>-<seq>`: ms = max(now, last ms), seq counts up within one ms, so ids only ever grow even if the
 * clock steps back.
 */
export class MemoryEventLog implements EventLog {
  readonly durable = false;
  private readonly events: VerificationEvent[] = [];
  private readonly capacity: number;
  private readonly dedupe: LRUCache<string, VerificationEvent>;
  private readonly listeners = new Set<(event: VerificationEvent) => void>();
  private readonly now: () => number;
  private lastMs = 0;
  private lastSeq = -1;
  /** The newest event the ring dropped to make room: a read after an older id would skip it and those before it. */
  private lastDroppedId: string | null = null;
  /** The milliseconds of the first id this log issued: ids before it are not this log's. */
  private firstMs: number | null = null;

  private closed = false;

  constructor(private readonly options: MemoryEventLogOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 10_000);
    this.dedupe = new LRUCache({ max: options.dedupeCapacity ?? 100_000, ttl: DEDUPE_TTL_MS });
    this.now = options.now ?? Date.now;
  }

  private nextId(): string {
    const ms = Math.max(this.now(), this.lastMs);
    this.lastSeq = ms === this.lastMs ? this.lastSeq + 1 : 0;
    this.lastMs = ms;
    this.firstMs ??= ms;
    return `${ms}-${this.lastSeq}`;
  }

  async append(payload: VerificationEventPayload, options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) throw new EventLogUnavailable('the event log is closed');
    const { dedupeKey } = options;
    const earlier = dedupeKey === undefined ? undefined : this.dedupe.get(dedupeKey);
    if (earlier) return { event: earlier, duplicate: true };
    // A JSON copy, as Redis would store it: later changes to the caller's object do not change the log.
    const event = { ...(JSON.parse(JSON.stringify(payload)) as VerificationEventPayload), id: this.nextId() } as VerificationEvent;
    this.events.push(event);
    if (this.events.length > this.capacity) this.lastDroppedId = this.events.splice(0, this.events.length - this.capacity).at(-1)!.id;
    if (dedupeKey !== undefined) this.dedupe.set(dedupeKey, event);
    this.options.metrics?.eventsAppended.inc({ type: event.type });
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.options.logger?.error({ err }, 'event listener threw');
      }
    }
    return { event, duplicate: false };
  }

  async read(options: ReadOptions): Promise<VerificationEvent[]> {
    return (await this.scan({ ...options, scanLimit: Number.POSITIVE_INFINITY })).events;
  }

  async scan({ after, limit, filter, scanLimit }: ScanOptions): Promise<ScanResult> {
    if (after != null) parseEventId(after);
    const events: VerificationEvent[] = [];
    if (limit <= 0) return { events, scannedTo: null };
    const start = after == null ? 0 : this.firstIndexAfter(after);
    for (let i = start, scanned = 0; i < this.events.length && events.length < limit; i++) {
      const event = this.events[i]!;
      if (eventMatches(event, filter)) events.push(event);
      if (++scanned === scanLimit && events.length < limit && i + 1 < this.events.length) return { events, scannedTo: event.id };
    }
    return { events, scannedTo: null };
  }

  async trimmedAfter(after: string): Promise<TrimmedEvents | null> {
    const dropped = this.lastDroppedId !== null && compareEventIds(after, this.lastDroppedId) < 0;
    // An id from before this log's first (or, with none yet, from before now) was issued by an earlier process's
    // memory log, whose events went with it.
    const beforeThisLog = !isOrigin(after) && parseEventId(after)[0] < BigInt(this.firstMs ?? this.now());
    return dropped || beforeThisLog ? { oldestKeptId: this.events[0]?.id ?? null } : null;
  }

  /** Binary search: ids are sorted because they only grow. */
  private firstIndexAfter(after: string): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareEventIds(this.events[mid]!.id, after) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  subscribe(listener: (event: VerificationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }
}
