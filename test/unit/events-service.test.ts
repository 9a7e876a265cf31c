import { describe, expect, it } from 'vitest';
import type { VerificationEvent, VerificationEventPayload } from '../../src/domain/events.js';
import { InputRejected } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { eventIdBefore } from '../../src/services/event-stream.js';
import { createEventService, EventsTrimmed, FILTERED_SCAN_LIMIT, SubscriptionInterrupted, type EventService } from '../../src/services/events.js';
import { createStores, EventLogUnavailable, type Stores } from '../../src/store/index.js';
import type { EventLog } from '../../src/store/event-log.js';
import { MemoryEventLog } from '../../src/store/memory-event-log.js';

function note(n: number, contactHandle = `h-${n}`): VerificationEventPayload {
  return {
    type: 'PROVIDER_NOTIFICATION',
    provider: 'REALTIME_REGISTER',
    occurredAt: new Date().toISOString(),
    contactHandle,
    notificationId: String(n),
    kind: 'INFO',
    message: `message ${n}`,
  };
}

function setup(options: { bufferLimit?: number; capacity?: number; eventLog?: (log: EventLog) => EventLog } = {}): { stores: Stores; events: EventService } {
  const metrics = createMetrics();
  const stores = createStores({ redisUrls: [], metrics, logger: silentLogger(), eventLogCapacity: options.capacity });
  if (options.eventLog) stores.eventLog = options.eventLog(stores.eventLog);
  const events = createEventService({ stores, metrics, logger: silentLogger(), subscriberBufferLimit: options.bufferLimit });
  return { stores, events };
}

type Item = VerificationEvent | SubscriptionInterrupted | EventsTrimmed;

async function take(iterator: AsyncIterator<Item>, count: number): Promise<Item[]> {
  const items: Item[] = [];
  while (items.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    items.push(next.value);
  }
  return items;
}

const messages = (items: unknown[]) => items.map((item) => (item as { message: string }).message);

describe('event service record', () => {
  it('appends once per dedupe key and returns the earlier event for a repeat', async () => {
    const { events } = setup();
    const first = await events.record(note(1), { dedupeKey: 'rtr:acme:1' });
    const again = await events.record(note(1), { dedupeKey: 'rtr:acme:1' });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ event: first.event, duplicate: true });
    expect((await events.list(null, {})).items).toHaveLength(1);
  });
});

describe('event service list', () => {
  it('pages oldest first with event ids as cursors', async () => {
    const { events } = setup();
    for (let n = 1; n <= 5; n++) await events.record(note(n));
    const page1 = await events.list(null, { first: 2 });
    expect(messages(page1.items.map((item) => item.node))).toEqual(['message 1', 'message 2']);
    expect(page1.hasNextPage).toBe(true);
    const page3 = await events.list(null, { first: 2, after: page1.items[1]!.cursor });
    const last = await events.list(null, { first: 2, after: page3.items[1]!.cursor });
    expect(messages(last.items.map((item) => item.node))).toEqual(['message 5']);
    expect(last.hasNextPage).toBe(false);
  });

  it('applies the filter', async () => {
    const { events } = setup();
    for (let n = 1; n <= 4; n++) await events.record(note(n, n % 2 ? 'odd' : 'even'));
    const page = await events.list({ contactHandle: 'even' }, {});
    expect(messages(page.items.map((item) => item.node))).toEqual(['message 2', 'message 4']);
  });

  it('looks at no more than FILTERED_SCAN_LIMIT events for a filtered page, which pages on from where it stopped', async () => {
    const { events } = setup({ capacity: 3 * FILTERED_SCAN_LIMIT });
    const rare = [FILTERED_SCAN_LIMIT + 1_000, 2 * FILTERED_SCAN_LIMIT + 10];
    for (let n = 1; n <= 2 * FILTERED_SCAN_LIMIT + 100; n++) await events.record(note(n, rare.includes(n) ? 'rare' : 'common'));
    const found: string[] = [];
    const pages: { edges: number; hasNextPage: boolean }[] = [];
    let after: string | null = null;
    for (let hasNextPage = true; hasNextPage && pages.length < 10; ) {
      const page: Awaited<ReturnType<EventService['list']>> = await events.list({ contactHandle: 'rare' }, { first: 50, after });
      found.push(...messages(page.items.map((item) => item.node)));
      pages.push({ edges: page.items.length, hasNextPage: page.hasNextPage });
      hasNextPage = page.hasNextPage;
      after = page.endCursor ?? page.items.at(-1)?.cursor ?? null;
    }
    // 10,100 events looked at 5,000 at a time: an empty first page, then each match, and nothing lost or repeated.
    expect(pages).toEqual([
      { edges: 0, hasNextPage: true },
      { edges: 1, hasNextPage: true },
      { edges: 1, hasNextPage: false },
    ]);
    expect(found).toEqual(rare.map((n) => `message ${n}`));
  });

  it('rejects a malformed after and an out-of-range first', async () => {
    const { events } = setup();
    await expect(events.list(null, { after: 'yesterday' })).rejects.toBeInstanceOf(InputRejected);
    await expect(events.list(null, { first: -1 })).rejects.toBeInstanceOf(InputRejected);
    // Relay's spec allows first: 0: no events, only whether there are any.
    expect((await events.list(null, { first: 0 })).items).toEqual([]);
    await expect(events.list(null, { first: 1001 })).rejects.toBeInstanceOf(InputRejected);
    expect(() => events.subscribe(null, 'not-an-id')).toThrow(InputRejected);
  });
});

describe('event service subscribe', () => {
  it('charges the caller one request per further FILTERED_SCAN_LIMIT events a filtered replay looks through, and ends RATE_LIMITED where it stopped', async () => {
    const { events } = setup({ capacity: 4 * FILTERED_SCAN_LIMIT });
    const rare = [10, FILTERED_SCAN_LIMIT + 10, 2 * FILTERED_SCAN_LIMIT + 10];
    for (let n = 1; n <= 3 * FILTERED_SCAN_LIMIT; n++) await events.record(note(n, rare.includes(n) ? 'rare' : 'common'));
    const decisions = [{ allowed: true, retryAfterSeconds: 0 }, { allowed: false, retryAfterSeconds: 7 }];
    let charged = 0;
    const chargeScan = async () => decisions[charged++]!;
    const iterator = events.subscribe({ contactHandle: 'rare' }, '0-0', null, chargeScan)[Symbol.asyncIterator]();
    const items = await take(iterator, 4);
    // The subscribe paid for the first 5,000 looked at, one charge for the next 5,000; the third was refused.
    expect(charged).toBe(2);
    expect(messages(items.slice(0, 2))).toEqual(['message 10', `message ${FILTERED_SCAN_LIMIT + 10}`]);
    const interrupted = items[2] as SubscriptionInterrupted;
    expect(interrupted).toBeInstanceOf(SubscriptionInterrupted);
    expect({ reason: interrupted.reason, retryAfterSeconds: interrupted.retryAfterSeconds }).toEqual({ reason: 'RATE_LIMITED', retryAfterSeconds: 7 });
    expect(items).toHaveLength(3);
    // Resumed where it stopped (the 10,000th event), the third match comes next and nothing is repeated.
    const resumed = events.subscribe({ contactHandle: 'rare' }, interrupted.resumeAfter, null, async () => ({ allowed: true, retryAfterSeconds: 0 }))[Symbol.asyncIterator]();
    expect(messages(await take(resumed, 1))).toEqual([`message ${2 * FILTERED_SCAN_LIMIT + 10}`]);
    await resumed.return!();
  });

  it('charges nothing for a replay whose every step finds its page of events', async () => {
    const { events } = setup();
    for (let n = 1; n <= 450; n++) await events.record(note(n));
    let charged = 0;
    const iterator = events.subscribe({ contactHandle: null }, '0-0', null, async () => (charged++, { allowed: false, retryAfterSeconds: 1 }))[Symbol.asyncIterator]();
    expect(await take(iterator, 450)).toHaveLength(450);
    expect(charged).toBe(0);
    await iterator.return!();
  });

  it('replays stored events after `after`, then goes live', async () => {
    const { events } = setup();
    const stored = [];
    for (let n = 1; n <= 3; n++) stored.push((await events.record(note(n))).event);
    const iterator = events.subscribe(null, stored[0]!.id)[Symbol.asyncIterator]();
    expect(messages(await take(iterator, 2))).toEqual(['message 2', 'message 3']);
    const pending = iterator.next();
    await events.record(note(4));
    expect(messages([(await pending).value])).toEqual(['message 4']);
    await iterator.return!();
  });

  it('loses nothing and repeats nothing when events are appended during the replay', async () => {
    let next = 1;
    let readsWithAppends = 3;
    const { events, stores } = setup({
      eventLog: (log) => ({
        durable: log.durable,
        append: (payload, options) => log.append(payload, options),
        subscribe: (listener) => log.subscribe(listener),
        close: () => log.close(),
        trimmedAfter: (after) => log.trimmedAfter(after),
        read: (options) => log.read(options),
        // Three events land right after each replay read: later reads and the live buffer both see some of them, and
        // those after the last read only the live buffer.
        scan: async (options) => {
          const page = await log.scan(options);
          if (readsWithAppends-- > 0) for (const end = next + 3; next < end; next++) await log.append(note(next));
          return page;
        },
      }),
    });
    for (; next <= 450; next++) await stores.eventLog.append(note(next));
    const iterator = events.subscribe(null, '0-0')[Symbol.asyncIterator]();
    const received = messages(await take(iterator, 459));
    await events.record(note(next++));
    received.push(...messages(await take(iterator, 1)));
    expect(received).toEqual(Array.from({ length: 460 }, (_, i) => `message ${i + 1}`));
    await iterator.return!();
  });

  it('drops a live event the replay already delivered', async () => {
    const { events, stores } = setup();
    // A log whose live delivery repeats the last stored event (Redis may, for an append just before subscribe).
    const first = (await stores.eventLog.append(note(1))).event;
    const second = (await stores.eventLog.append(note(2))).event;
    const original = stores.eventLog.subscribe.bind(stores.eventLog);
    stores.eventLog.subscribe = (listener) => {
      const unsubscribe = original(listener);
      queueMicrotask(() => listener(second));
      return unsubscribe;
    };
    const iterator = events.subscribe(null, first.id)[Symbol.asyncIterator]();
    expect(messages(await take(iterator, 1))).toEqual(['message 2']);
    const pending = iterator.next();
    await events.record(note(3));
    expect(messages([(await pending).value])).toEqual(['message 3']);
    await iterator.return!();
  });

  it('delivers only matching events, replayed and live', async () => {
    const { events } = setup();
    await events.record(note(1, 'a'));
    await events.record(note(2, 'b'));
    const iterator = events.subscribe({ contactHandle: 'b' }, '0-0')[Symbol.asyncIterator]();
    expect(messages(await take(iterator, 1))).toEqual(['message 2']);
    const pending = iterator.next();
    await events.record(note(3, 'a'));
    await events.record(note(4, 'b'));
    expect(messages([(await pending).value])).toEqual(['message 4']);
    await iterator.return!();
  });

  it('ends a subscriber that falls behind with a resume point, after what it already received', async () => {
    const { events } = setup({ bufferLimit: 5 });
    const iterator = events.subscribe(null, null)[Symbol.asyncIterator]();
    const pending = iterator.next();
    const first = (await events.record(note(1))).event;
    expect((await pending).value).toEqual(first);
    for (let n = 2; n <= 7; n++) await events.record(note(n));
    const last = await iterator.next();
    expect(last.value).toBeInstanceOf(SubscriptionInterrupted);
    expect((last.value as SubscriptionInterrupted).message).toBe(`subscriber fell behind; resume with after: ${first.id}`);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    // Resuming there loses nothing.
    const resumed = events.subscribe(null, first.id)[Symbol.asyncIterator]();
    expect(messages(await take(resumed, 6))).toEqual(['message 2', 'message 3', 'message 4', 'message 5', 'message 6', 'message 7']);
    await resumed.return!();
  });

  it('names the id just before the first missed event when nothing was received yet', async () => {
    const { events } = setup({ bufferLimit: 2 });
    const iterator = events.subscribe(null, null)[Symbol.asyncIterator]();
    const first = (await events.record(note(1))).event;
    for (let n = 2; n <= 3; n++) await events.record(note(n));
    const item = (await iterator.next()).value as SubscriptionInterrupted;
    expect(item.resumeAfter).toBe(eventIdBefore(first.id));
  });

  it('ends with a resume point when the replay cannot read the log', async () => {
    const { events } = setup({
      eventLog: (log) => ({ ...log, durable: false, append: log.append.bind(log), subscribe: log.subscribe.bind(log), close: log.close.bind(log), trimmedAfter: log.trimmedAfter.bind(log), read: async () => { throw new EventLogUnavailable(); }, scan: async () => { throw new EventLogUnavailable(); } }),
    });
    const iterator = events.subscribe(null, '5-0')[Symbol.asyncIterator]();
    const item = (await iterator.next()).value as SubscriptionInterrupted;
    expect(item).toBeInstanceOf(SubscriptionInterrupted);
    expect(item.reason).toBe('EVENT_LOG_UNAVAILABLE');
    expect(item.resumeAfter).toBe('5-0');
  });

  it('unsubscribes on return() and completes every subscription on stop()', async () => {
    const { events } = setup();
    const a = events.subscribe(null, null)[Symbol.asyncIterator]();
    const b = events.subscribe(null, null)[Symbol.asyncIterator]();
    const waiting = a.next();
    await b.return!();
    expect(await b.next()).toEqual({ value: undefined, done: true });
    await events.stop();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });
});

describe('a resume point older than the kept events (memory ring)', () => {
  /** A ring of 5 that has dropped the first 3 of 8 events. */
  async function trimmedLog() {
    const { events, stores } = setup({ capacity: 5 });
    const appended: VerificationEvent[] = [];
    for (let n = 1; n <= 8; n++) appended.push((await events.record(note(n))).event);
    return { events, stores, appended, oldestKept: appended[3]! };
  }

  it('knows the events after a dropped id are gone, and that none after the last dropped one are', async () => {
    const { stores, appended, oldestKept } = await trimmedLog();
    expect(await stores.eventLog.trimmedAfter(appended[0]!.id)).toEqual({ oldestKeptId: oldestKept.id });
    expect(await stores.eventLog.trimmedAfter(eventIdBefore(appended[2]!.id))).toEqual({ oldestKeptId: oldestKept.id });
    expect(await stores.eventLog.trimmedAfter(appended[2]!.id)).toBeNull();
    expect(await stores.eventLog.trimmedAfter(oldestKept.id)).toBeNull();
  });

  it('ends a subscription from a trimmed id at once, before replaying, naming the oldest kept id', async () => {
    const { events, appended, oldestKept } = await trimmedLog();
    const iterator = events.subscribe(null, appended[0]!.id)[Symbol.asyncIterator]();
    const item = (await iterator.next()).value as EventsTrimmed;
    expect(item).toBeInstanceOf(EventsTrimmed);
    expect(item.oldestKeptId).toBe(oldestKept.id);
    expect(item.message).toBe(`events after the given resume point are no longer kept in the event log; re-read state with queries, then resume with after: ${oldestKept.id}`);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(events.openSubscriptions()).toBe(0);
  });

  it('ends a resume by Last-Event-ID from a trimmed id the same way', async () => {
    const { events, appended, oldestKept } = await trimmedLog();
    const iterator = events.subscribe(null, null, appended[1]!.id)[Symbol.asyncIterator]();
    expect(((await iterator.next()).value as EventsTrimmed).oldestKeptId).toBe(oldestKept.id);
  });

  it('still replays from a kept id with no gap, then goes live', async () => {
    const { events, oldestKept } = await trimmedLog();
    const iterator = events.subscribe(null, oldestKept.id)[Symbol.asyncIterator]();
    expect(messages(await take(iterator, 4))).toEqual(['message 5', 'message 6', 'message 7', 'message 8']);
    const pending = iterator.next();
    await events.record(note(9));
    expect(messages([(await pending).value])).toEqual(['message 9']);
    await iterator.return!();
  });

  it('replays everything kept for after "0-0"', async () => {
    const { events } = await trimmedLog();
    const everything = events.subscribe(null, '0-0')[Symbol.asyncIterator]();
    expect(messages(await take(everything, 5))).toEqual(['message 4', 'message 5', 'message 6', 'message 7', 'message 8']);
    await everything.return!();
  });

  it('keeps the current behaviour for an id from the future: nothing until the log passes it', async () => {
    let clock = 1_000;
    const { events } = setup({ eventLog: () => new MemoryEventLog({ capacity: 2, now: () => clock }) });
    for (let n = 1; n <= 4; n++) await events.record(note(n));
    expect((await events.list(null, { after: '5000-0' })).failures).toBeUndefined();
    const future = events.subscribe(null, '5000-0')[Symbol.asyncIterator]();
    const pending = future.next();
    await events.record(note(5));
    clock = 6_000;
    await events.record(note(6));
    expect(messages([(await pending).value])).toEqual(['message 6']);
    await future.return!();
  });

  it('ends a replay that the ring overtakes midway instead of skipping what it dropped', async () => {
    // More appended during the replay than the ring holds, and a buffer large enough not to end it first.
    const { events, stores } = setup({ capacity: 300, bufferLimit: 10_000 });
    for (let n = 1; n <= 300; n++) await stores.eventLog.append(note(n));
    const iterator = events.subscribe(null, '0-0')[Symbol.asyncIterator]();
    expect(messages(await take(iterator, 200))).toEqual(Array.from({ length: 200 }, (_, i) => `message ${i + 1}`));
    for (let n = 301; n <= 700; n++) await stores.eventLog.append(note(n));
    const kept = await stores.eventLog.read({ limit: 1 });
    const item = (await iterator.next()).value as EventsTrimmed;
    expect(item).toBeInstanceOf(EventsTrimmed);
    expect(item.oldestKeptId).toBe(kept[0]!.id);
  });

  it('lists what is kept after a trimmed id with EventsTrimmed beside it, and pages on without it', async () => {
    const { events, appended, oldestKept } = await trimmedLog();
    const page = await events.list(null, { first: 2, after: appended[0]!.id });
    expect(messages(page.items.map((item) => item.node))).toEqual(['message 4', 'message 5']);
    expect(page.failures).toHaveLength(1);
    expect((page.failures![0] as EventsTrimmed).oldestKeptId).toBe(oldestKept.id);
    const next = await events.list(null, { first: 2, after: page.items[1]!.cursor });
    expect(messages(next.items.map((item) => item.node))).toEqual(['message 6', 'message 7']);
    expect(next.failures).toBeUndefined();
    expect((await events.list(null, { after: '0-0' })).failures).toBeUndefined();
  });
});

describe('event service readiness (whenReady)', () => {
  /** Counts the calls whenReady makes to its callback. */
  function readiness(stream: { whenReady(ready: () => void): void }) {
    let calls = 0;
    stream.whenReady(() => calls++);
    return () => calls;
  }

  it('says so once an event of its filter arrives, not for other events, and next() then has the event', async () => {
    const { events } = setup();
    const stream = events.subscribe({ contactHandle: 'mine' }, null);
    const ready = readiness(stream);
    await events.record(note(1, 'other'));
    expect(ready()).toBe(0);
    await events.record(note(2, 'mine'));
    expect(ready()).toBe(1);
    await events.record(note(3, 'mine'));
    expect(ready()).toBe(1);
    const iterator = stream[Symbol.asyncIterator]();
    expect(messages(await take(iterator, 2))).toEqual(['message 2', 'message 3']);
    await iterator.return!();
  });

  it('is ready at once with an event waiting, with a replay to read, when interrupted and when ended', async () => {
    const { events } = setup({ bufferLimit: 1 });
    const first = (await events.record(note(1))).event;
    expect(readiness(events.subscribe(null, '0-0'))()).toBe(1);
    const live = events.subscribe(null, null);
    await events.record(note(2));
    expect(readiness(live)()).toBe(1);
    const behind = events.subscribe(null, first.id);
    await take(behind[Symbol.asyncIterator](), 1);
    await events.record(note(3));
    await events.record(note(4));
    expect(readiness(behind)()).toBe(1);
    const idle = events.subscribe(null, null);
    const ready = readiness(idle);
    expect(ready()).toBe(0);
    await events.stop();
    expect(ready()).toBe(1);
  });

  it('does not wake for a live event the replay already delivered', async () => {
    const { events } = setup();
    const stream = events.subscribe(null, '0-0');
    // Appended after the stream listens and before its replay reads: it arrives both ways.
    await events.record(note(1));
    const iterator = stream[Symbol.asyncIterator]();
    expect(messages(await take(iterator, 1))).toEqual(['message 1']);
    // The replay is over (a short page); what is left live is the duplicate of what it delivered.
    const ready = readiness(stream);
    expect(ready()).toBe(0);
    await events.record(note(2));
    expect(ready()).toBe(1);
    await iterator.return!();
  });
});

describe('eventIdBefore', () => {
  it('is the greatest id below the given one', () => {
    expect(eventIdBefore('10-3')).toBe('10-2');
    expect(eventIdBefore('10-0')).toBe('9-18446744073709551615');
    expect(eventIdBefore('0-0')).toBe('0-0');
  });
});
