import type { EventLog } from '../store/event-log.js';

/**
 * `after: "0-0"` asks for everything the log still keeps (README, "Events and subscriptions"): an id the log never
 * issues, older than any trim, so it is never "too old".
 */
export const EVERYTHING_KEPT = '0-0';

/**
 * A resume point older than what the event log keeps: events after it were trimmed (the Redis stream keeps about
 * 100,000, the memory ring 10,000), so reading on from there would skip them without a word. Clients see it as
 * EVENTS_TRIMMED with `extensions.oldestKeptId` (src/server/error-codes.ts). Deliberately no `resumeAfter`: that
 * extension means "subscribe again here and lose nothing", and no such point exists any more.
 */
export class EventsTrimmed extends Error {
  constructor(
    /** The `after` the client asked to resume from (an event id, checked before it gets here). */
    readonly after: string,
    /** The oldest event still kept; null when the log keeps none. */
    readonly oldestKeptId: string | null,
  ) {
    const next = oldestKeptId === null ? 'subscribe without after' : `resume with after: ${oldestKeptId}`;
    // The caller's `after` is not quoted: any well-formed id older than the log passes here, and its digits may be an
    // ID number (`<ID number>-0` is an event id). oldestKeptId is the log's own.
    super(`events after the given resume point are no longer kept in the event log; re-read state with queries, then ${next}`);
    this.name = 'EventsTrimmed';
  }
}

/**
 * EventsTrimmed when the log dropped events after `after`, else null. Call it AFTER reading from `after`: what that
 * read returned is then known to be complete (drops only move forward). Throws EventLogUnavailable as the log does.
 */
export async function eventsTrimmedAfter(log: EventLog, after: string): Promise<EventsTrimmed | null> {
  if (after === EVERYTHING_KEPT) return null;
  const trimmed = await log.trimmedAfter(after);
  return trimmed ? new EventsTrimmed(after, trimmed.oldestKeptId) : null;
}
