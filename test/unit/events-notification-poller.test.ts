import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { realtimeRegisterMetrics } from '../../src/observability/realtime-register-metrics.js';
import type { RtrNotification, RtrPollResult } from '../../src/providers/realtime-register/notification.js';
import { createEventService } from '../../src/services/events.js';
import { createNotificationPoller, POLLER_LOCK, type NotificationQueue } from '../../src/services/notification-poller.js';
import { createStores, EventLogUnavailable, type Stores } from '../../src/store/index.js';
import { denicNotification } from '../helpers/event-fixtures.js';

/** The provider's queue: poll returns the head until it is acked. Records the order of calls. */
class FakeQueue implements NotificationQueue {
  readonly calls: string[] = [];
  constructor(readonly items: RtrNotification[]) {}
  async pollNotification(): Promise<RtrPollResult> {
    const head = this.items[0] ?? null;
    this.calls.push(`poll:${head ? (head.id ?? 'no-id') : 'empty'}`);
    return { count: this.items.length, notification: head };
  }
  async ackNotification(id: number): Promise<void> {
    this.calls.push(`ack:${id}`);
    // The id as it travels in the ack path: a numeric string and its number name the same item.
    const index = this.items.findIndex((item) => String(item.id) === String(id));
    if (index >= 0) this.items.splice(index, 1);
  }
}

const denic = (id: number): RtrNotification => denicNotification(id);

function setup(items: RtrNotification[], durable: boolean, logger = silentLogger()) {
  const metrics = createMetrics();
  const stores: Stores = createStores({ redisUrls: [], metrics, logger: silentLogger() });
  const events = createEventService({ stores, metrics, logger: silentLogger() });
  const queue = new FakeQueue(items);
  const poller = createNotificationPoller({
    queue,
    ingest: { requests: stores.verificationRequests, events, customer: 'acme' },
    quarantine: { store: stores.quarantine, digest: stores.digest, metrics: realtimeRegisterMetrics(metrics.registry), logger: silentLogger() },
    locks: stores.locks,
    durable,
    intervalMs: 60_000,
    logger,
  });
  return { stores, queue, poller, metrics };
}

describe('notification poller', () => {
  it('with a durable log, drains the queue and acks each item only after storing it', async () => {
    const { stores, queue, poller } = setup([denic(1), denic(2), denic(3)], true);
    poller.start();
    expect(await poller.pollNow()).toBe(0); // the start-up tick already drained it
    await poller.stop();
    expect(queue.calls).toEqual(['poll:1', 'ack:1', 'poll:2', 'ack:2', 'poll:3', 'ack:3', 'poll:empty', 'poll:empty']);
    expect((await stores.verificationRequests.list()).map((request) => request.id).sort()).toEqual(['rtr:1', 'rtr:2', 'rtr:3']);
    expect(await stores.eventLog.read({ limit: 10 })).toHaveLength(3);
  });

  it('does not ack an item it could not store, and stores it on a later tick', async () => {
    const { stores, queue, poller } = setup([denic(1), denic(2)], true);
    const append = stores.eventLog.append.bind(stores.eventLog);
    stores.eventLog.append = async () => {
      throw new EventLogUnavailable();
    };
    poller.start();
    await poller.pollNow();
    expect(queue.calls.filter((call) => call.startsWith('ack'))).toEqual([]);
    stores.eventLog.append = append;
    expect(await poller.pollNow()).toBe(2);
    await poller.stop();
    expect(queue.calls.filter((call) => call.startsWith('ack'))).toEqual(['ack:1', 'ack:2']);
  });

  it('logs how many notifications a round stored, and nothing for empty rounds or redeliveries', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
    const durable = setup([denic(1), denic(2), denic(3)], true, logger);
    durable.poller.start();
    await durable.poller.pollNow();
    await durable.poller.stop();
    const progress = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'Realtime Register notifications stored from the queue');
    expect(progress).toEqual([expect.objectContaining({ level: 30, stored: 3, read: 3 })]);

    lines.length = 0;
    const memory = setup([denic(1)], false, logger);
    memory.poller.start();
    await memory.poller.pollNow();
    await memory.poller.pollNow();
    await memory.poller.stop();
    // The in-memory log never acks, so the head comes back every round: stored once, said once.
    expect(lines.filter((line) => line.includes('notifications stored from the queue'))).toHaveLength(1);
  });

  it('with the in-memory log, reads the head once per tick and never acks', async () => {
    const { stores, queue, poller } = setup([denic(1), denic(2)], false);
    poller.start();
    await poller.pollNow();
    await poller.pollNow();
    await poller.stop();
    expect(queue.calls).toEqual(['poll:1', 'poll:1', 'poll:1']);
    expect(await stores.verificationRequests.list()).toHaveLength(1);
    expect(await stores.eventLog.read({ limit: 10 })).toHaveLength(1);
  });

  it('does nothing while another instance holds the lease', async () => {
    const { stores, queue, poller } = setup([denic(1)], true);
    const other = await stores.locks.acquire(POLLER_LOCK, 60_000);
    poller.start();
    expect(await poller.pollNow()).toBe(0);
    await other!.release();
    expect(await poller.pollNow()).toBe(1);
    await poller.stop();
    expect(queue.calls).toEqual(['poll:1', 'ack:1', 'poll:empty']);
  });

  it('stores and acks a queue item whose text member is of another type, leaving that member out', async () => {
    const odd = { id: '7', message: { not: 'text' }, processType: 'contact', processIdentifier: 40471 } as unknown as RtrNotification;
    const { stores, queue, poller } = setup([odd, denic(8)], true);
    poller.start();
    await poller.pollNow();
    await poller.stop();
    expect(queue.calls).toEqual(['poll:7', 'ack:7', 'poll:8', 'ack:8', 'poll:empty', 'poll:empty']);
    expect(await stores.quarantine.list(10)).toEqual([]);
    expect((await stores.verificationRequests.list()).map((request) => request.id)).toEqual(['rtr:8']);
  });

  it('quarantines and acks an item whose ingest fails for a reason other than the store, so the queue moves on', async () => {
    const { stores, queue, poller, metrics } = setup([denic(1), denic(2), denic(3)], true);
    const put = stores.verificationRequests.put.bind(stores.verificationRequests);
    stores.verificationRequests.put = async (request) => {
      if (request.id === 'rtr:2') throw new TypeError('a shape no one planned for');
      return put(request);
    };
    poller.start();
    await poller.pollNow();
    await poller.stop();
    expect(queue.calls.filter((call) => call.startsWith('ack'))).toEqual(['ack:1', 'ack:2', 'ack:3']);
    const [kept] = await stores.quarantine.list(10);
    expect(kept).toMatchObject({ source: 'rtr-poll', reason: 'UNPROCESSABLE', notificationId: '2' });
    expect(JSON.parse(kept!.body)).toMatchObject({ id: 2, processIdentifier: 'h-2' });
    expect(await metrics.registry.getSingleMetricAsString('gateway_rtr_quarantined_total')).toContain('source="rtr-poll",reason="UNPROCESSABLE"} 1');
    expect((await stores.verificationRequests.list()).map((request) => request.id).sort()).toEqual(['rtr:1', 'rtr:3']);
  });

  it('keeps an item without an id in the quarantine once, however often the queue hands it out', async () => {
    const nameless = { message: 'ping' } as unknown as RtrNotification;
    const { stores, queue, poller } = setup([nameless], true);
    poller.start();
    await poller.pollNow();
    await poller.stop();
    // Polled on start and again now, never acked (it names no id), kept once.
    expect(queue.calls).toEqual(['poll:no-id', 'poll:no-id']);
    expect(queue.items).toHaveLength(1);
    expect(await stores.quarantine.list(10)).toHaveLength(1);
  });
});
