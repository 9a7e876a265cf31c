import { eventMatches, type VerificationEvent, type VerificationEventPayload } from '../domain/events.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { sleep } from './deadline.js';
import {
  DEDUPE_TTL_MS,
  EventLogUnavailable,
  MAX_EVENT_ID,
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
import type { RedisConnection } from './redis-connection.js';
import { traceRedis } from './redis-span.js';

/** The stream every instance appends to. The `{events}` hash tag puts it and the dedupe keys in one cluster slot. */
export const EVENT_STREAM_KEY = 'vgw:{events}:stream';

/** Where a dedupe key is remembered; same hash tag as the stream, so the append script may touch both. */
export function eventDedupeKey(dedupeKey: string): string {
  return `vgw:{events}:dedupe:${dedupeKey}`;
}

/** Options for the Redis event log. */
export interface RedisEventLogOptions {
  connection: RedisConnection;
  logger: Logger;
  /** Counts appended events by type. */
  metrics?: GatewayMetrics;
  /** Approximate stream cap (XADD MAXLEN ~); older events are trimmed. Default 100_000. */
  maxLength?: number;
  /** How long one XREAD of the live loop blocks, in ms. Default 2000. Shorter means a faster close, more round trips. */
  blockMs?: number;
  /** How long dedupe keys live, in ms. Default DEDUPE_TTL_MS (8 days). */
  dedupeTtlMs?: number;
}

/**
 * KEYS[1] stream, KEYS[2] dedupe key (absent without one); ARGV[1] event JSON, ARGV[2] max length, ARGV[3] dedupe TTL.
 * Returns {1, id} after appending, or {0, "<id> <json>"} when the dedupe key holds an earlier event. The dedupe key
 * stores the whole event, so a duplicate is answered even after the stream has trimmed the original.
 */
const APPEND_SCRIPT = `
local dedupe = KEYS[2]
if dedupe then
  local earlier = redis.call('GET', dedupe)
  if earlier then return {0, earlier} end
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'event', ARGV[1])
if dedupe then redis.call('SET', dedupe, id .. ' ' .. ARGV[1], 'PX', ARGV[3]) end
return {1, id}
`;

const APPEND_COMMAND = 'vgwAppendEvent';

/**
 * KEYS[1] stream. The XINFO STREAM fields trimmedAfter needs, as name/value pairs; nil when the stream does not exist.
 * A script rather than XINFO itself because ioredis cannot tell XINFO's key, so a cluster client would send it to any
 * node and follow the MOVED; with KEYS it goes to the stream's own node, and the event JSON of first-entry and
 * last-entry stays there.
 */
const RETENTION_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local wanted = { ['length'] = true, ['entries-added'] = true, ['max-deleted-entry-id'] = true, ['recorded-first-entry-id'] = true, ['last-generated-id'] = true }
local out = {}
for i = 1, #info, 2 do
  if wanted[info[i]] then
    out[#out + 1] = info[i]
    out[#out + 1] = info[i + 1]
  end
end
return out
`;

const RETENTION_COMMAND = 'vgwEventLogRetention';

interface ScriptCommands {
  [APPEND_COMMAND](numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<[number, string]>;
  [RETENTION_COMMAND](numberOfKeys: number, key: string): Promise<(string | number)[] | null>;
}

type StreamEntry = [id: string, fields: string[]];

/**
 * The event log shared by every instance: one Redis stream, durable as Redis is. Live delivery runs one blocking
 * XREAD loop per instance on its own connection, from the last id it saw; when Redis goes away the loop retries with
 * backoff (at most 1 s) from that id, so after a restart it delivers everything still in the stream after it.
 */
export class RedisEventLog implements EventLog {
  readonly durable = true;
  private readonly maxLength: number;
  private readonly blockMs: number;
  private readonly dedupeTtlMs: number;
  private readonly listeners = new Set<(event: VerificationEvent) => void>();
  private reader: RedisConnection | undefined;
  private readerLoop: Promise<void> | undefined;
  private closed = false;
  /** The newest id this instance appended: Redis answered it, so Redis must keep holding it (see stillHolds). */
  private newestAppended: string | null = null;

  constructor(private readonly options: RedisEventLogOptions) {
    this.maxLength = options.maxLength ?? 100_000;
    this.blockMs = options.blockMs ?? 2_000;
    this.dedupeTtlMs = options.dedupeTtlMs ?? DEDUPE_TTL_MS;
    // ioredis sends EVALSHA and falls back to EVAL after a restart emptied the script cache.
    options.connection.client.defineCommand(APPEND_COMMAND, { lua: APPEND_SCRIPT });
    options.connection.client.defineCommand(RETENTION_COMMAND, { lua: RETENTION_SCRIPT });
  }

  async append(payload: VerificationEventPayload, options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) throw new EventLogUnavailable('the event log is closed');
    const json = JSON.stringify(payload);
    const keys = options.dedupeKey === undefined ? [EVENT_STREAM_KEY] : [EVENT_STREAM_KEY, eventDedupeKey(options.dedupeKey)];
    const client = this.options.connection.client as unknown as ScriptCommands;
    let reply: [number, string];
    try {
      reply = await traceRedis('event-log.append', payload.type, keys.length, () => client[APPEND_COMMAND](keys.length, ...keys, json, this.maxLength, this.dedupeTtlMs));
    } catch (err) {
      throw new EventLogUnavailable(`the event log is unavailable: ${errorMessage(err)}`, { cause: err });
    }
    const [appended, value] = reply;
    if (appended === 1) {
      if (this.newestAppended === null || compareEventIds(value, this.newestAppended) > 0) this.newestAppended = value;
      this.options.metrics?.eventsAppended.inc({ type: payload.type });
      return { event: { ...(JSON.parse(json) as VerificationEventPayload), id: value } as VerificationEvent, duplicate: false };
    }
    const space = value.indexOf(' ');
    return { event: toEvent(value.slice(0, space), value.slice(space + 1)), duplicate: true };
  }

  /** The newest event id this instance appended, null before its first append. */
  newestAppendedId(): string | null {
    return this.newestAppended;
  }

  /**
   * Whether the stream still holds `id` (or trimmed it: an entry older than the first kept one). False means Redis
   * went back to a state from before that append: a Redis that persists by snapshots only comes back from a crash as
   * of its last snapshot, the durability marker included, so only a vanished event tells that loss. Throws when Redis
   * cannot say.
   */
  async stillHolds(id: string): Promise<boolean> {
    const [exact, first] = await Promise.all([
      this.options.connection.client.xrange(EVENT_STREAM_KEY, id, id, 'COUNT', 1) as Promise<StreamEntry[]>,
      this.options.connection.client.xrange(EVENT_STREAM_KEY, '-', '+', 'COUNT', 1) as Promise<StreamEntry[]>,
    ]);
    if (exact.length > 0) return true;
    const oldestKept = first[0]?.[0];
    return oldestKept !== undefined && compareEventIds(oldestKept, id) > 0;
  }

  async read(options: ReadOptions): Promise<VerificationEvent[]> {
    return (await this.scan({ ...options, scanLimit: Number.POSITIVE_INFINITY })).events;
  }

  async scan({ after, limit, filter, scanLimit }: ScanOptions): Promise<ScanResult> {
    if (after != null) parseEventId(after);
    const events: VerificationEvent[] = [];
    if (limit <= 0 || after === MAX_EVENT_ID) return { events, scannedTo: null };
    // With a filter, read in pages until enough match, the stream ends or scanLimit entries were looked at.
    const page = filter ? Math.max(limit, 500) : limit;
    let start = after == null ? '-' : `(${after}`;
    let scanned = 0;
    for (;;) {
      const count = Math.min(page, scanLimit - scanned);
      const entries = await this.range(start, count);
      for (const [id, fields] of entries) {
        const event = this.decode(id, fields);
        if (event && eventMatches(event, filter)) events.push(event);
        if (events.length === limit) return { events, scannedTo: null };
      }
      scanned += entries.length;
      const last = entries.at(-1);
      if (!last || entries.length < count) return { events, scannedTo: null };
      start = `(${last[0]}`;
      // Stopped by the limit: say where, unless nothing is stored after it (then the scan did reach the end).
      if (scanned >= scanLimit) return { events, scannedTo: (await this.range(start, 1)).length ? last[0] : null };
    }
  }

  private async range(start: string, count: number): Promise<StreamEntry[]> {
    try {
      return (await this.options.connection.client.xrange(EVENT_STREAM_KEY, start, '+', 'COUNT', count)) as StreamEntry[];
    } catch (err) {
      throw new EventLogUnavailable(`the event log is unavailable: ${errorMessage(err)}`, { cause: err });
    }
  }

  /**
   * From XINFO STREAM (Redis 7: entries-added, recorded-first-entry-id, max-deleted-entry-id). Trimming (XADD MAXLEN)
   * does not move max-deleted-entry-id, only XDEL does, so a trim shows as more entries added than kept: the dropped
   * ones are all older than the first kept, but which was the newest of them Redis does not say. An `after` below
   * the first kept id is therefore taken as trimmed past, even the rare one that falls between the newest dropped id
   * and the first kept (that client is told to re-read state when it had missed nothing: the safe mistake). Redis
   * before 7 lacks these fields: null, as before.
   */
  async trimmedAfter(after: string): Promise<TrimmedEvents | null> {
    parseEventId(after);
    const client = this.options.connection.client as unknown as ScriptCommands;
    let reply: (string | number)[] | null;
    try {
      reply = await client[RETENTION_COMMAND](1, EVENT_STREAM_KEY);
    } catch (err) {
      throw new EventLogUnavailable(`the event log is unavailable: ${errorMessage(err)}`, { cause: err });
    }
    // No stream: never written (then no caller holds an id of it but 0-0), or gone with a Redis that lost its data.
    if (reply === null) return isOrigin(after) ? null : { oldestKeptId: null };
    const info = new Map<string, unknown>();
    for (let i = 0; i + 1 < reply.length; i += 2) info.set(String(reply[i]), reply[i + 1]);
    const added = Number(info.get('entries-added'));
    const length = Number(info.get('length'));
    const maxDeleted = info.get('max-deleted-entry-id');
    if (!Number.isFinite(added) || !Number.isFinite(length) || typeof maxDeleted !== 'string') return null;
    if (length === 0) {
      // Everything added was dropped: whatever came after `after` is gone.
      return added > 0 && compareEventIds(after, String(info.get('last-generated-id'))) < 0 ? { oldestKeptId: null } : null;
    }
    const firstKept = String(info.get('recorded-first-entry-id'));
    const deletedPast = compareEventIds(after, maxDeleted) < 0;
    // Below the first kept: trimmed past when the stream dropped entries; when it dropped none, the first kept is the
    // first it ever held, so a (non-origin) id below it was issued by a stream that is gone with a Redis's data.
    const trimmedPast = compareEventIds(after, firstKept) < 0 && (added > length || !isOrigin(after));
    return deletedPast || trimmedPast ? { oldestKeptId: firstKept } : null;
  }

  subscribe(listener: (event: VerificationEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.readerLoop && !this.closed) {
      // The starting point is read on the main connection now, so it is ordered before any read() this instance
      // issues after subscribing: whatever that read misses, the live loop delivers.
      const start = this.latestId(this.options.connection);
      this.readerLoop = this.runReader(start);
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The newest id in the stream, '0-0' when it is empty (so the first event is delivered), null when unknown. */
  private async latestId(connection: RedisConnection): Promise<string | null> {
    try {
      const entries = (await connection.client.xrevrange(EVENT_STREAM_KEY, '+', '-', 'COUNT', 1)) as StreamEntry[];
      return entries[0]?.[0] ?? '0-0';
    } catch {
      return null;
    }
  }

  private async runReader(start: Promise<string | null>): Promise<void> {
    let lastId = await start;
    if (this.closed) return;
    const reader = this.options.connection.duplicate({ role: 'event-reader', commandTimeoutMs: this.blockMs + 2_000 });
    this.reader = reader;
    let failures = 0;
    while (!this.closed) {
      // Outages are logged by the main connection; here we only wait for the reader's own connection to be back.
      if (!reader.healthy) {
        await reader.ready(250);
        continue;
      }
      try {
        // Never seen the stream (Redis was down at subscribe): start from what it holds once it is back.
        lastId ??= await this.latestId(reader);
        if (lastId === null) throw new Error('stream position unknown');
        const reply = (await reader.client.xread('COUNT', 500, 'BLOCK', this.blockMs, 'STREAMS', EVENT_STREAM_KEY, lastId)) as
          | [key: string, entries: StreamEntry[]][]
          | null;
        if (failures > 0) this.options.logger.info('event log live reader recovered');
        failures = 0;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const event = this.decode(id, fields);
            if (event && !this.closed) this.deliver(event);
          }
        }
      } catch (err) {
        if (this.closed) break;
        if (failures === 0 && reader.healthy) this.options.logger.warn({ error: errorMessage(err) }, 'event log live reader failed; retrying');
        failures++;
        await sleep(Math.min(100 * failures, 1_000));
      }
    }
    reader.disconnect();
  }

  private deliver(event: VerificationEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.options.logger.error({ err }, 'event listener threw');
      }
    }
  }

  private decode(id: string, fields: string[]): VerificationEvent | null {
    const index = fields.indexOf('event');
    const json = index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined;
    try {
      if (json === undefined) throw new Error('no event field');
      return toEvent(id, json);
    } catch (err) {
      this.options.logger.warn({ id, error: errorMessage(err) }, 'skipping unreadable event log entry');
      return null;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    // Dropping the reader's socket aborts its blocked XREAD at once instead of waiting out blockMs.
    this.reader?.disconnect();
    await this.readerLoop;
  }
}

function toEvent(id: string, json: string): VerificationEvent {
  return { ...(JSON.parse(json) as VerificationEventPayload), id } as VerificationEvent;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
