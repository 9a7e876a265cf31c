import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VerificationEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { eventIdBefore } from '../../src/services/event-stream.js';
import { createEventService, EventsTrimmed, type EventService } from '../../src/services/events.js';
import type { Stores } from '../../src/store/index.js';
import { connectRedis, type RedisConnection } from '../../src/store/redis-connection.js';
import { EVENT_STREAM_KEY, RedisEventLog } from '../../src/store/redis-event-log.js';
import { notification } from '../helpers/event-fixtures.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

/**
 * A resume point older than what the Redis stream keeps, on a real redis-server: the stream is trimmed by appending
 * past a small cap (XADD MAXLEN ~ drops whole blocks of 100 entries, Redis's stream-node-max-entries).
 */

const logger = silentLogger();
let server: RedisServerHandle;
let admin: Redis;
let connection: RedisConnection;
let log: RedisEventLog;
let events: EventService;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
  connection = connectRedis([server.url], logger);
  expect(await connection.ready()).toBe(true);
  log = new RedisEventLog({ connection, logger, maxLength: 100, blockMs: 500 });
  // The event service uses the event log alone, here one with a small cap.
  const stores = { eventLog: log } as Partial<Stores> as Stores;
  events = createEventService({ stores, metrics: createMetrics(), logger });
});

afterEach(async () => {
  await events.stop();
  await admin.del(EVENT_STREAM_KEY);
});

afterAll(async () => {
  await log?.close();
  await connection?.close();
  admin?.disconnect();
  await server?.stop();
});

/** Appends `count` events; returns them all and the ones the stream still keeps. */
async function append(count: number): Promise<{ appended: VerificationEvent[]; kept: VerificationEvent[] }> {
  const appended: VerificationEvent[] = [];
  for (let n = 1; n <= count; n++) appended.push((await log.append(notification(n))).event);
  return { appended, kept: await log.read({ limit: count }) };
}

async function take(iterator: AsyncIterator<unknown>, count: number): Promise<unknown[]> {
  const items: unknown[] = [];
  while (items.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    items.push(next.value);
  }
  return items;
}

const ids = (items: unknown[]) => items.map((item) => (item as VerificationEvent).id);

describe('the Redis event log trimmed past a resume point', () => {
  it('says nothing was dropped while the stream is whole, for every id it issued and for the origin 0-0', async () => {
    const { appended } = await append(5);
    expect(await log.trimmedAfter('0-0')).toBeNull();
    for (const event of appended) expect(await log.trimmedAfter(event.id)).toBeNull();
  });

  it('takes an id from before the first event the stream ever held, or any id once the stream is gone, as events lost with a Redis that lost its data', async () => {
    const { appended } = await append(5);
    // Issued by a stream that is gone: nothing this stream holds is what followed it.
    expect(await log.trimmedAfter('1-0')).toEqual({ oldestKeptId: appended[0]!.id });
    await admin.del(EVENT_STREAM_KEY);
    expect(await log.trimmedAfter(appended[0]!.id)).toEqual({ oldestKeptId: null });
    expect(await log.trimmedAfter('0-0')).toBeNull();
  });

  it('knows the events after a trimmed id are gone and names the oldest kept', async () => {
    const { appended, kept } = await append(250);
    expect(kept.length).toBeLessThan(250);
    expect(kept.at(-1)).toEqual(appended.at(-1));
    const oldestKeptId = kept[0]!.id;
    expect(await log.trimmedAfter(appended[0]!.id)).toEqual({ oldestKeptId });
    expect(await log.trimmedAfter(eventIdBefore(oldestKeptId))).toEqual({ oldestKeptId });
    expect(await log.trimmedAfter(oldestKeptId)).toBeNull();
    expect(await log.trimmedAfter(appended.at(-1)!.id)).toBeNull();
  });

  it('sees a trim made with XTRIM as well', async () => {
    const { appended } = await append(20);
    await admin.xtrim(EVENT_STREAM_KEY, 'MAXLEN', 5);
    expect(await log.trimmedAfter(appended[0]!.id)).toEqual({ oldestKeptId: appended[15]!.id });
    expect(await log.trimmedAfter(appended[15]!.id)).toBeNull();
  });

  it('ends a subscription from a trimmed id at once with the oldest kept id, replaying nothing', async () => {
    const { appended, kept } = await append(250);
    const iterator = events.subscribe(null, appended[0]!.id)[Symbol.asyncIterator]();
    const item = (await iterator.next()).value as EventsTrimmed;
    expect(item).toBeInstanceOf(EventsTrimmed);
    expect(item.oldestKeptId).toBe(kept[0]!.id);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('still replays from a kept id with no gap, then goes live', async () => {
    const { kept } = await append(250);
    const iterator = events.subscribe(null, kept[0]!.id)[Symbol.asyncIterator]();
    expect(ids(await take(iterator, kept.length - 1))).toEqual(ids(kept.slice(1)));
    const pending = iterator.next();
    const live = (await log.append(notification(251))).event;
    expect(((await pending).value as VerificationEvent).id).toBe(live.id);
    await iterator.return!();
  });

  it('lists what is kept after a trimmed id with EventsTrimmed beside it', async () => {
    const { appended, kept } = await append(250);
    const page = await events.list(null, { first: 3, after: appended[0]!.id });
    expect(page.items.map((item) => item.cursor)).toEqual(ids(kept.slice(0, 3)));
    expect((page.failures?.[0] as EventsTrimmed).oldestKeptId).toBe(kept[0]!.id);
  });
});
