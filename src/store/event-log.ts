import type { VerificationEvent, VerificationEventFilter, VerificationEventPayload } from '../domain/events.js';
import { StoreUnavailable } from './store-errors.js';

/** What append did: the stored event, and whether it was a repeat of an earlier dedupeKey. */
export interface AppendResult {
  event: VerificationEvent;
  /** True when dedupeKey was seen before; `event` is then the earlier event and nothing was appended. */
  duplicate: boolean;
}

/** Options for append. */
export interface AppendOptions {
  /**
   * The provider's delivery id (webhook event id, queue notification id). Remembered for DEDUPE_TTL_MS, so a
   * redelivery within that window returns the earlier event instead of appending it again.
   */
  dedupeKey?: string;
}

/** Options for read. */
export interface ReadOptions {
  /** Only events with a greater id; null or absent reads from the oldest retained event. */
  after?: string | null;
  /** At most this many events (after filtering). */
  limit: number;
  /** Only events that match (eventMatches); all when absent. */
  filter?: VerificationEventFilter | null;
}

/** A read that may stop early: at most `scanLimit` stored events are looked at. */
export interface ScanOptions extends ReadOptions {
  scanLimit: number;
}

export interface ScanResult {
  events: VerificationEvent[];
  /**
   * The id of the last stored event looked at when the scan stopped at `scanLimit`, with fewer than `limit` matches
   * and more events after it; a further scan goes on after it. Null when the scan found `limit` or reached the end.
   */
  scannedTo: string | null;
}

/** What trimmedAfter found: events after the given id that the log once held and has dropped. */
export interface TrimmedEvents {
  /**
   * The oldest event the log still keeps; null when it keeps none. Resuming after it skips that one event too: the
   * client re-reads state with queries first (README, "Events and subscriptions"), and that state includes it.
   */
  oldestKeptId: string | null;
}

/**
 * The ordered record of verification events: what subscriptions replay from and what webhooks must write before
 * they acknowledge a delivery.
 */
export interface EventLog {
  /** Durable with Redis (a stream); memory is not. */
  readonly durable: boolean;
  /**
   * Appends unless dedupeKey was seen before (then returns the earlier event, duplicate: true). Throws
   * EventLogUnavailable when the event cannot be stored. Dedupe check+append is atomic (Redis: one Lua script;
   * keys share a hash tag).
   */
  append(payload: VerificationEventPayload, options?: AppendOptions): Promise<AppendResult>;
  /**
   * Events with id > after (all when after is null), oldest first, at most limit, optionally filtered (eventMatches).
   * Throws InvalidEventId for a malformed `after`, EventLogUnavailable when the log cannot be read.
   */
  read(options: ReadOptions): Promise<VerificationEvent[]>;
  /**
   * read() that looks at no more than `scanLimit` stored events: a filter that matches few of them costs at most that
   * much, and the caller pages on from `scannedTo`.
   */
  scan(options: ScanOptions): Promise<ScanResult>;
  /**
   * Whether the log dropped (trimmed for space) an event with an id greater than `after`: a read after `after` would
   * then have a silent gap at its start. Null when it did not, or cannot tell (an `after` the log never issued is
   * judged by where it falls). Whatever a read() returned before this call answers null is complete: drops only
   * ever move forward, so callers check after reading. Throws EventLogUnavailable when the log cannot be asked.
   */
  trimmedAfter(after: string): Promise<TrimmedEvents | null>;
  /**
   * Live events appended by ANY instance, delivered in id order. Every event appended after subscribe() returns is
   * delivered; an event appended just before may be delivered too, so a consumer that replays with read() and then
   * goes live drops ids <= the last one it delivered. Listeners must not throw (errors are logged and ignored).
   * Returns unsubscribe.
   */
  subscribe(listener: (event: VerificationEvent) => void): () => void;
  /** Stops live delivery and releases connections. */
  close(): Promise<void>;
}

/** How long a dedupe key is remembered: 8 days, because Veriff retries an unacknowledged webhook for 7. */
export const DEDUPE_TTL_MS = 8 * 24 * 3600_000;

/** The event could not be appended or read (Redis down or too slow). Webhooks answer 503 so the provider retries. */
export class EventLogUnavailable extends StoreUnavailable {
  constructor(message = 'the event log is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventLogUnavailable';
  }
}

/** A client-supplied event id is not of the form `<ms>-<seq>`. Callers map it to BAD_USER_INPUT. */
export class InvalidEventId extends Error {
  constructor(readonly value: string) {
    super(`"${value.slice(0, 64)}" is not an event id (expected <milliseconds>-<sequence>, e.g. 1700000000000-0)`);
    this.name = 'InvalidEventId';
  }
}

const EVENT_ID = /^(\d{1,20})-(\d{1,20})$/;
const MAX_PART = 2n ** 64n - 1n;

/** Splits an id into its numeric parts; throws InvalidEventId unless both are unsigned 64-bit integers (as in Redis). */
export function parseEventId(id: string): [ms: bigint, seq: bigint] {
  const match = EVENT_ID.exec(id);
  if (!match) throw new InvalidEventId(id);
  const ms = BigInt(match[1]!);
  const seq = BigInt(match[2]!);
  if (ms > MAX_PART || seq > MAX_PART) throw new InvalidEventId(id);
  return [ms, seq];
}

/**
 * True for the id before every event (`0-0`, or `0`): "everything kept", never an id the log issued. Any other id older
 * than the first event a log ever held was issued by a log that is gone (a Redis that lost its data, a process that
 * restarted with its memory log): the events after it are lost, which trimmedAfter says.
 */
export function isOrigin(id: string): boolean {
  const [ms, seq] = parseEventId(id);
  return ms === 0n && seq === 0n;
}

/** True when id has the `<ms>-<seq>` shape the log uses. */
export function isEventId(id: string): boolean {
  try {
    parseEventId(id);
    return true;
  } catch {
    return false;
  }
}

/** The largest possible id; nothing can come after it. */
export const MAX_EVENT_ID = `${MAX_PART}-${MAX_PART}`;

/**
 * Orders ids the way Redis orders stream ids: numerically by milliseconds, then by sequence (string order would put
 * "9-0" after "10-0"). Negative when a < b. Throws InvalidEventId for a malformed id.
 */
export function compareEventIds(a: string, b: string): number {
  const [msA, seqA] = parseEventId(a);
  const [msB, seqB] = parseEventId(b);
  if (msA !== msB) return msA < msB ? -1 : 1;
  if (seqA !== seqB) return seqA < seqB ? -1 : 1;
  return 0;
}
