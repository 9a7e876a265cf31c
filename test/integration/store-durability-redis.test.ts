import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerificationEventPayload } from '../../src/domain/events.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createEventService, type EventService } from '../../src/services/events.js';
import { createOutboxService } from '../../src/services/outbox.js';
import { appendEventEffect, registerStoreEffects } from '../../src/services/outbox-effects.js';
import { createStores, EventLogUnavailable, type RedisDataLoss, type Stores } from '../../src/store/index.js';
import { DURABILITY_MARKER_KEY } from '../../src/store/redis-durability.js';
import { EVENT_STREAM_KEY } from '../../src/store/redis-event-log.js';
import { notification } from '../helpers/event-fixtures.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

/**
 * The Redis side of durability: the shared outbox (a stream any instance drains) and the marker that tells a Redis
 * which lost its data from one that did not.
 */

let server: RedisServerHandle;
let admin: Redis;
const opened: Stores[] = [];

function stores(): Stores {
  const made = createStores({ redisUrls: [server.url], metrics: createMetrics(), logger: silentLogger() });
  opened.push(made);
  return made;
}

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
  admin.on('error', () => undefined);
});

afterAll(async () => {
  await Promise.all(opened.map((made) => made.close()));
  admin?.disconnect();
  await server?.stop();
});

describe('the shared outbox in Redis', () => {
  it('keeps items in order, and any instance can apply and remove them', async () => {
    const a = stores();
    const b = stores();
    expect(await a.redis!.ready()).toBe(true);
    expect(await b.redis!.ready()).toBe(true);
    const metrics = createMetrics();
    // A's event log refuses the write (as in the moment Redis fails); the stream still takes the item.
    const refusing = { record: async () => Promise.reject(new EventLogUnavailable('the event log is unavailable')) } as unknown as EventService;
    const outboxA = createOutboxService({ shared: a.outbox, local: a.localOutbox, locks: a.locks, logger: silentLogger(), metrics });
    registerStoreEffects(outboxA, { events: refusing, verificationRequests: { recordSubmission: async () => null }, registryChecks: a.registryChecks });
    const payload = (n: number): VerificationEventPayload => notification(n, { message: `kept ${n}` });
    expect(await outboxA.settle('write 1', [appendEventEffect(payload(1), 'mutation:redis-1')])).toMatchObject({ pending: true });
    expect(await outboxA.settle('write 2', [appendEventEffect(payload(2), 'mutation:redis-2')])).toMatchObject({ pending: true });
    expect((await b.outbox.peek(10)).map(({ item }) => item.label)).toEqual(['write 1', 'write 2']);
    expect(a.localOutbox.size).toBe(0);

    const eventsB = createEventService({ stores: b, metrics, logger: silentLogger() });
    const outboxB = createOutboxService({ shared: b.outbox, local: b.localOutbox, locks: b.locks, logger: silentLogger(), metrics, intervalMs: 50 });
    registerStoreEffects(outboxB, { events: eventsB, verificationRequests: { recordSubmission: async () => null }, registryChecks: b.registryChecks });
    await outboxB.start();
    await expect.poll(async () => b.outbox.size(), { timeout: 5_000 }).toBe(0);
    await outboxB.stop();
    const stored = await b.eventLog.read({ limit: 10 });
    expect(stored.map((event) => (event as { message: string }).message)).toEqual(['kept 1', 'kept 2']);
  });
});

describe('the data-loss marker', () => {
  it('is written on first sight without reporting a loss, and reports one when Redis lost it', async () => {
    const watched = stores();
    expect(await watched.redis!.ready()).toBe(true);
    const losses: RedisDataLoss[] = [];
    watched.durability!.onDataLoss((loss) => losses.push(loss));
    await watched.durability!.check();
    expect(await admin.get(DURABILITY_MARKER_KEY)).toEqual(expect.any(String));
    await watched.durability!.check();
    expect(losses).toEqual([]);

    await admin.flushall();
    await watched.durability!.check();
    expect(losses).toEqual([{ detectedAt: expect.any(String), epoch: await admin.get(DURABILITY_MARKER_KEY), resumed: false }]);
    expect(watched.durability!.status().dataLossDetectedAt).toBe(losses[0]!.detectedAt);
  });

  it('reports a loss another instance noticed first (it wrote a new marker)', async () => {
    const first = stores();
    const second = stores();
    expect(await first.redis!.ready()).toBe(true);
    expect(await second.redis!.ready()).toBe(true);
    await first.durability!.check();
    await second.durability!.check();
    const seen: string[] = [];
    first.durability!.onDataLoss(() => seen.push('first'));
    second.durability!.onDataLoss(() => seen.push('second'));

    await admin.flushall();
    await first.durability!.check();
    await second.durability!.check();
    expect(seen).toEqual(['first', 'second']);
  });

  it('reports the newest event it stored vanishing (a Redis back from an older snapshot) once, and one trimmed away never', async () => {
    const writer = stores();
    const other = stores();
    expect(await writer.redis!.ready()).toBe(true);
    expect(await other.redis!.ready()).toBe(true);
    await writer.durability!.check();
    await other.durability!.check();
    // Newly noticed losses only (an owed one is told again at every check until recovered: see below).
    const told: string[] = [];
    writer.durability!.onDataLoss((loss) => loss.resumed || told.push(`writer ${loss.epoch}`));
    other.durability!.onDataLoss((loss) => loss.resumed || told.push(`other ${loss.epoch}`));

    // Trimmed by the stream's own retention (newer events behind it): kept as far as durability goes.
    const { event: trimmed } = await writer.eventLog.append(notification(901, { message: 'trimmed later' }));
    await admin.xadd(EVENT_STREAM_KEY, '*', 'event', '{}');
    await admin.xtrim(EVENT_STREAM_KEY, 'MAXLEN', 1);
    expect(await admin.xrange(EVENT_STREAM_KEY, trimmed.id, trimmed.id)).toEqual([]);
    await writer.durability!.check();
    expect(told).toEqual([]);

    // Gone from inside the kept range, marker untouched: Redis went back to a state from before that append.
    await writer.eventLog.append(notification(902, { message: 'kept' }));
    const { event: vanished } = await writer.eventLog.append(notification(903, { message: 'vanishes' }));
    const marker = await admin.get(DURABILITY_MARKER_KEY);
    expect(await admin.xdel(EVENT_STREAM_KEY, vanished.id)).toBe(1);
    await writer.durability!.check();
    const epoch = await admin.get(DURABILITY_MARKER_KEY);
    expect(epoch).not.toBe(marker);
    await writer.durability!.check();
    await other.durability!.check();
    expect(told).toEqual([`writer ${epoch}`, `other ${epoch}`]);
  });

  it('tells a loss again at every check until a recovery of it is recorded, on any instance, then never again', async () => {
    const noticer = stores();
    expect(await noticer.redis!.ready()).toBe(true);
    await noticer.durability!.check();
    await admin.flushall();
    const told: RedisDataLoss[] = [];
    noticer.durability!.onDataLoss((loss) => told.push(loss));
    await noticer.durability!.check();
    await noticer.durability!.check();
    const epoch = await admin.get(DURABILITY_MARKER_KEY);
    expect(told.map(({ epoch: e, resumed }) => [e, resumed])).toEqual([[epoch, false], [epoch, true]]);

    // An instance that first looks now (this one restarted, or another) takes the owed loss over.
    const late = stores();
    expect(await late.redis!.ready()).toBe(true);
    const toldLate: RedisDataLoss[] = [];
    late.durability!.onDataLoss((loss) => toldLate.push(loss));
    await late.durability!.check(); // after the one its connection ran by itself
    expect(toldLate.length).toBeGreaterThan(0);
    expect(toldLate.every(({ epoch: e, resumed }) => e === epoch && resumed)).toBe(true);
    const toldLateBefore = toldLate.length;

    expect(await late.durability!.recoveryFinished(epoch!)).toBe(false);
    await late.durability!.markRecovered(epoch!);
    expect(await noticer.durability!.recoveryFinished(epoch!)).toBe(true);
    await noticer.durability!.check();
    await late.durability!.check();
    expect(told).toHaveLength(2);
    expect(toldLate).toHaveLength(toldLateBefore);
  });
});
