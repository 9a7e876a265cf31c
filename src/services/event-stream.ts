import { eventMatches, type VerificationEvent, type VerificationEventFilter } from '../domain/events.js';
import type { Logger } from '../observability/logger.js';
import { compareEventIds, parseEventId, type EventLog } from '../store/event-log.js';
import { StoreUnavailable } from '../store/store-errors.js';
import { eventsTrimmedAfter, EventsTrimmed } from './events-trimmed.js';

/**
 * The last item of a subscription that had to end early. It is yielded, not thrown, so every transport can send it as
 * an ordinary GraphQL error before completing (a rejected next() would make graphql-ws drop the whole socket).
 */
export class SubscriptionInterrupted extends Error {
  constructor(
    readonly reason: 'FELL_BEHIND' | 'EVENT_LOG_UNAVAILABLE' | 'RATE_LIMITED',
    /** Subscribe again with this `after` to lose nothing. */
    readonly resumeAfter: string | null,
    /** RATE_LIMITED: when the caller's budget has room again. */
    readonly retryAfterSeconds?: number,
  ) {
    const resume = resumeAfter === null ? 'subscribe again' : `resume with after: ${resumeAfter}`;
    super(`${INTERRUPTION_CAUSE[reason](retryAfterSeconds ?? 0)}; ${resume}`);
    this.name = 'SubscriptionInterrupted';
  }
}

const INTERRUPTION_CAUSE: Record<SubscriptionInterrupted['reason'], (retryAfterSeconds: number) => string> = {
  FELL_BEHIND: () => 'subscriber fell behind',
  EVENT_LOG_UNAVAILABLE: () => 'the event log is unavailable',
  RATE_LIMITED: (seconds) => `the replay looked through more stored events than this key's budget allows (RATE_LIMIT_PER_MINUTE); in ${seconds} s`,
};

/** The answer of a caller's request budget (src/server/rate-limit.ts RateDecision). */
export interface BudgetDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Stored events one step of a filtered read looks at, at most (the query's page, a subscription's replay step): about
 * 20 ms from Redis, where the whole log of 50,000 took 190 ms.
 */
export const FILTERED_SCAN_LIMIT = 5_000;

export interface EventStreamOptions {
  log: EventLog;
  filter: VerificationEventFilter | null;
  /** Replay stored events with a greater id first; live only when null. */
  after: string | null;
  /** Undelivered live events held before the subscriber is ended as fallen behind. */
  bufferLimit: number;
  logger: Logger;
  /** Called once when the stream ends. One function for every stream (it is told which), not a closure per stream. */
  onEnd: (stream: EventStream) => void;
  /**
   * Takes one request from the caller's budget for each further FILTERED_SCAN_LIMIT stored events a filtered replay
   * looks through (the subscribe itself paid for the first): a filter that matches little, resumed from far back, read
   * the whole log for nothing sent, as often as the key could subscribe. Absent: not charged (the open sandbox).
   */
  chargeScan?: () => Promise<BudgetDecision>;
}

/**
 * A subscription source that can say when its next() would not wait. A consumer that waits here, rather than in a
 * pending next(), holds nothing of the layers between it and the source while no event comes (every GraphQL and
 * plugin wrapper keeps a promise, a reaction and a frame alive for a pending next(): about 4 KB per idle SSE
 * subscriber; bench/README.md, fan-out).
 */
export interface ReadinessSignal {
  /** Calls `ready` once: at once when next() would not wait, else when that becomes so. */
  whenReady(ready: () => void): void;
}

/** A subscription source that can say where a new subscription would resume to miss nothing it handed out. */
export interface ResumePoint {
  /** The id of the last event handed out (or the `after` it started from); null when neither exists yet. */
  resumeAfter(): string | null;
}

/** Events read from the log per replay step. */
const REPLAY_PAGE = 200;

type Item = VerificationEvent | SubscriptionInterrupted | EventsTrimmed;

/**
 * One subscription: listens to the log FIRST, then replays stored events after `after` page by page as the consumer
 * pulls, then hands out the live events that arrived meanwhile and after. The seam is exact because ids only grow:
 * a live event is skipped when its id is not above the last one taken from the log. Each replay page is checked
 * against what the log dropped (after reading it, so a trim during the read is seen): a position the log trimmed past
 * ends the stream with EventsTrimmed instead of that page, so a resume from too old an `after` ends before replaying.
 */
export class EventStream implements AsyncIterableIterator<Item>, ReadinessSignal, ResumePoint {
  private readonly live: VerificationEvent[] = [];
  private readonly replayed: VerificationEvent[] = [];
  private replaying: boolean;
  /** The greatest id taken from the log (replayed or live); live events up to it are duplicates. */
  private position: string | null;
  /** The last id the consumer received. */
  private delivered: string | null;
  private interruption: SubscriptionInterrupted | EventsTrimmed | null = null;
  private finished = false;
  /** Pending next() calls and whenReady() callers, woken together. */
  private waiters: (() => void)[] = [];
  private replayStep: Promise<void> | null = null;
  /** The last replay step looked through FILTERED_SCAN_LIMIT events: the next one is charged first. */
  private scanToCharge = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: EventStreamOptions) {
    this.replaying = options.after !== null;
    this.position = options.after;
    this.delivered = options.after;
    this.unsubscribe = options.log.subscribe((event) => this.onLive(event));
  }

  whenReady(ready: () => void): void {
    if (this.wouldNotWait()) ready();
    else this.waiters.push(ready);
  }

  resumeAfter(): string | null {
    return this.delivered;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Item>> {
    for (;;) {
      if (this.finished) return { value: undefined, done: true };
      const replayedEvent = this.replayed.shift();
      if (replayedEvent) return this.deliver(replayedEvent);
      if (this.interruption) {
        const item = this.interruption;
        this.end();
        return { value: item, done: false };
      }
      if (this.replaying) {
        // Shared, so overlapping next() calls never read the same page twice.
        this.replayStep ??= this.replayPage().finally(() => (this.replayStep = null));
        await this.replayStep;
        continue;
      }
      const liveEvent = this.takeLive();
      if (liveEvent) return this.deliver(liveEvent);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async return(): Promise<IteratorResult<Item>> {
    this.end();
    return { value: undefined, done: true };
  }

  private onLive(event: VerificationEvent): void {
    if (this.finished || this.interruption || !eventMatches(event, this.options.filter)) return;
    this.live.push(event);
    if (this.live.length > this.options.bufferLimit) this.interrupt('FELL_BEHIND');
    this.signal();
  }

  private async replayPage(): Promise<void> {
    const from = this.position!; // set while replaying: `after`, then the last id replayed or looked at
    if (this.scanToCharge && !(await this.chargeScan())) return;
    let page: VerificationEvent[];
    let scannedTo: string | null;
    let trimmed: EventsTrimmed | null;
    try {
      ({ events: page, scannedTo } = await this.options.log.scan({ after: from, limit: REPLAY_PAGE, filter: this.options.filter, scanLimit: FILTERED_SCAN_LIMIT }));
      trimmed = await eventsTrimmedAfter(this.options.log, from);
    } catch (err) {
      if (!(err instanceof StoreUnavailable)) throw err;
      this.options.logger.warn({ error: err.message }, 'subscription replay failed: event log unavailable');
      this.replaying = false;
      this.interrupt('EVENT_LOG_UNAVAILABLE');
      return;
    }
    if (this.finished || this.interruption) return; // the resume point is already fixed
    if (trimmed) {
      this.replaying = false;
      this.endWith(trimmed);
      return;
    }
    const last = page.at(-1);
    if (last) this.position = last.id;
    // Looked further than the last match: every event up to there is replayed or not this subscription's.
    if (scannedTo !== null) this.position = scannedTo;
    this.scanToCharge = scannedTo !== null;
    if (page.length < REPLAY_PAGE && scannedTo === null) this.replaying = false;
    this.replayed.push(...page);
  }

  /** False after ending the stream RATE_LIMITED: the caller's budget has no room for another step of the scan. */
  private async chargeScan(): Promise<boolean> {
    const decision = await this.options.chargeScan?.();
    if (this.finished || this.interruption) return false;
    this.scanToCharge = false;
    if (!decision || decision.allowed) return true;
    this.replaying = false;
    // Nothing replayed is waiting (a step runs only once the last one's events are handed out): the position loses nothing.
    this.endWith(new SubscriptionInterrupted('RATE_LIMITED', this.position, decision.retryAfterSeconds));
    return false;
  }

  /** next() would settle without waiting for the log: something to hand out, a replay step to take, or the end. */
  private wouldNotWait(): boolean {
    if (this.finished || this.interruption || this.replaying || this.replayed.length > 0) return true;
    // Live events the replay already delivered are dropped here as next() would drop them, so they wake no one.
    while (this.live.length > 0 && this.position !== null && compareEventIds(this.live[0]!.id, this.position) <= 0) this.live.shift();
    return this.live.length > 0;
  }

  /** The next buffered live event above the position, dropping any the replay already delivered. */
  private takeLive(): VerificationEvent | undefined {
    for (let event = this.live.shift(); event; event = this.live.shift()) {
      if (this.position !== null && compareEventIds(event.id, this.position) <= 0) continue;
      this.position = event.id;
      return event;
    }
    return undefined;
  }

  private deliver(event: VerificationEvent): IteratorResult<Item> {
    this.delivered = event.id;
    return { value: event, done: false };
  }

  private interrupt(reason: SubscriptionInterrupted['reason']): void {
    // Resume point: the last event handed out, else the one just before the first the consumer never got.
    const firstMissed = this.replayed[0]?.id ?? this.live[0]?.id ?? null;
    const resumeAfter = this.delivered ?? (firstMissed ? eventIdBefore(firstMissed) : this.position);
    this.endWith(new SubscriptionInterrupted(reason, resumeAfter));
  }

  /** Nothing more is handed out: `last` is the final item. */
  private endWith(last: SubscriptionInterrupted | EventsTrimmed): void {
    this.replayed.length = 0;
    this.live.length = 0;
    this.interruption = last;
  }

  private end(): void {
    if (this.finished) return;
    this.finished = true;
    this.live.length = 0;
    this.replayed.length = 0;
    this.unsubscribe();
    this.signal();
    this.options.onEnd(this);
  }

  private signal(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The greatest id below `id`, so that `after: eventIdBefore(x)` starts at x. */
export function eventIdBefore(id: string): string {
  const [ms, seq] = parseEventId(id);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  if (ms === 0n) return '0-0';
  return `${ms - 1n}-${2n ** 64n - 1n}`;
}
