import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VerificationEventPayload } from '../../src/domain/events.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createEventService, type EventService } from '../../src/services/events.js';
import { createOutboxService, type OutboxService } from '../../src/services/outbox.js';
import { appendEventEffect, registerStoreEffects } from '../../src/services/outbox-effects.js';
import { LocalOutbox, createStores, EventLogUnavailable, StoreUnavailable, type SharedOutbox, type Stores } from '../../src/store/index.js';
import { MemorySharedOutbox } from '../../src/store/outbox.js';
import { pendingItems } from '../../src/store/outbox-spool.js';
import { notification } from '../helpers/event-fixtures.js';
import { eventually } from '../faults/support.js';

/**
 * The outbox keeps what an accepted write must record when the store cannot take it, and stores it exactly once
 * later: on the next retry, by another instance through the shared queue, or by the next gateway on the same spool
 * directory after a restart.
 */

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function spoolDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vgw-outbox-test-'));
  dirs.push(dir);
  return dir;
}

/** An event log that refuses every write while `down` is set, as Redis does while it is unreachable. */
function flakyEvents(events: EventService): { events: EventService; setDown(value: boolean): void } {
  let down = false;
  return {
    events: {
      ...events,
      record: async (payload, options) => {
        if (down) throw new EventLogUnavailable('the event log is unavailable: connection is closed');
        return events.record(payload, options);
      },
    },
    setDown: (value) => (down = value),
  };
}

/** A shared queue that is unreachable while `down` is set (Redis gone). */
function flakyShared(inner: SharedOutbox = new MemorySharedOutbox()): SharedOutbox & { setDown(value: boolean): void } {
  let down = false;
  const guard = <T>(call: () => Promise<T>): Promise<T> => (down ? Promise.reject(new StoreUnavailable('the shared outbox is unavailable')) : call());
  return {
    durable: true,
    push: (item) => guard(() => inner.push(item)),
    peek: (limit) => guard(() => inner.peek(limit)),
    remove: (handle) => guard(() => inner.remove(handle)),
    size: () => guard(() => inner.size()),
    setDown: (value) => (down = value),
  };
}

interface Instance {
  stores: Stores;
  events: EventService;
  outbox: OutboxService;
  local: LocalOutbox;
  storeDown(value: boolean): void;
}

/** One gateway's worth: memory stores, an event service whose log can be "down", an outbox over the given queues. */
function instance(options: { shared?: SharedOutbox; local?: LocalOutbox; stores?: Stores } = {}): Instance {
  const metrics = createMetrics();
  const stores = options.stores ?? createStores({ redisUrls: [], metrics, logger: silentLogger() });
  const flaky = flakyEvents(createEventService({ stores, metrics, logger: silentLogger() }));
  const local = options.local ?? new LocalOutbox({ dir: null, logger: silentLogger() });
  const outbox = createOutboxService({ shared: options.shared ?? stores.outbox, local, locks: stores.locks, logger: silentLogger(), metrics, intervalMs: 60_000 });
  registerStoreEffects(outbox, { events: flaky.events, verificationRequests: { recordSubmission: async () => null }, registryChecks: stores.registryChecks });
  return { stores, events: flaky.events, outbox, local, storeDown: flaky.setDown };
}

const submitted = (n: number): VerificationEventPayload => notification(n, { message: `accepted write ${n}` });

async function storedMessages(stores: Stores): Promise<string[]> {
  return (await stores.eventLog.read({ limit: 100 })).map((event) => (event as { message: string }).message);
}

describe('the outbox', () => {
  it('stores the records of an accepted write at once when the store takes them', async () => {
    const gateway = instance();
    expect(await gateway.outbox.settle('write 1', [appendEventEffect(submitted(1), 'mutation:1')])).toMatchObject({ pending: false });
    expect(await storedMessages(gateway.stores)).toEqual(['accepted write 1']);
    expect(await gateway.outbox.pending()).toEqual({ local: 0, shared: 0 });
  });

  it('says the records are pending when the store refuses them, and stores them exactly once when it is back', async () => {
    const gateway = instance();
    gateway.storeDown(true);
    expect(await gateway.outbox.settle('write 2', [appendEventEffect(submitted(2), 'mutation:2')])).toMatchObject({ pending: true });
    expect(await gateway.outbox.drainNow()).toBe(0);
    expect(await storedMessages(gateway.stores)).toEqual([]);

    gateway.storeDown(false);
    expect(await gateway.outbox.drainNow()).toBe(1);
    expect(await gateway.outbox.drainNow()).toBe(0);
    expect(await storedMessages(gateway.stores)).toEqual(['accepted write 2']);
  });

  it('appends an event once even when its item is applied twice (a crash between storing and removing it)', async () => {
    const gateway = instance();
    const effect = appendEventEffect(submitted(3), 'mutation:3');
    await gateway.outbox.settle('write 3', [effect]);
    await gateway.outbox.settle('write 3 again', [effect]);
    expect(await storedMessages(gateway.stores)).toEqual(['accepted write 3']);
  });

  it('hands what it keeps to another instance through the shared queue', async () => {
    const shared = new MemorySharedOutbox();
    const stores = createStores({ redisUrls: [], metrics: createMetrics(), logger: silentLogger() });
    const a = instance({ shared, stores });
    const b = instance({ shared, stores });
    a.storeDown(true);
    expect(await a.outbox.settle('write 4', [appendEventEffect(submitted(4), 'mutation:4')])).toMatchObject({ pending: true });
    expect(await shared.size()).toBe(1);
    await a.outbox.stop();
    expect(await b.outbox.drainNow()).toBe(1);
    expect(await storedMessages(stores)).toEqual(['accepted write 4']);
  });

  it('keeps an item in this process while the shared queue is unreachable too, and moves it on once that answers', async () => {
    const shared = flakyShared();
    const gateway = instance({ shared });
    gateway.storeDown(true);
    shared.setDown(true);
    expect(await gateway.outbox.settle('write 5', [appendEventEffect(submitted(5), 'mutation:5')])).toMatchObject({ pending: true });
    expect(gateway.local.size).toBe(1);
    shared.setDown(false);
    await gateway.outbox.drainNow();
    expect(gateway.local.size).toBe(0);
    gateway.storeDown(false);
    expect(await gateway.outbox.drainNow()).toBe(1);
    expect(await storedMessages(gateway.stores)).toEqual(['accepted write 5']);
  });

  it('leaves what it could not store in its spool file on stop, and the next gateway on that directory stores it', async () => {
    const dir = await spoolDir();
    const shared = flakyShared();
    shared.setDown(true);
    const first = instance({ shared, local: new LocalOutbox({ dir, logger: silentLogger() }) });
    await first.outbox.start();
    first.storeDown(true);
    expect(await first.outbox.settle('write 6', [appendEventEffect(submitted(6), 'mutation:6')])).toMatchObject({ pending: true });
    await first.outbox.stop();
    await first.local.close();
    expect((await readdir(dir)).filter((name) => name.startsWith('released-'))).toHaveLength(1);

    const next = instance({ local: new LocalOutbox({ dir, logger: silentLogger() }) });
    await next.outbox.start();
    await next.outbox.drainNow();
    await next.outbox.stop();
    await next.local.close();
    expect(await storedMessages(next.stores)).toEqual(['accepted write 6']);
    expect(await readdir(dir)).toEqual([]);
  });

  it('adopts the spool file of a gateway whose process is gone, skipping a line torn by the crash', async () => {
    const dir = await spoolDir();
    const item = (n: number) => ({ id: `00000000-0000-4000-8000-00000000000${n}`, createdAt: '2026-01-01T00:00:00Z', label: `write ${n}`, effects: [appendEventEffect(submitted(n), `mutation:${n}`)] });
    // Pid 2^22 + 1 is above Linux's pid_max, so no process has it: the gateway that wrote this file crashed.
    const crashed = join(dir, 'outbox-4194305-11111111-2222-4333-8444-555555555555.jsonl');
    await writeFile(crashed, [JSON.stringify({ add: item(7) }), JSON.stringify({ add: item(8) }), JSON.stringify({ done: item(7).id }), '{"add": {"id": "torn'].join('\n'));

    const next = instance({ local: new LocalOutbox({ dir, logger: silentLogger() }) });
    await next.outbox.start();
    await next.outbox.drainNow();
    await next.outbox.stop();
    expect(await storedMessages(next.stores)).toEqual(['accepted write 8']);
  });

  it('never adopts the spool file of a gateway still running', async () => {
    const dir = await spoolDir();
    const running = new LocalOutbox({ dir, logger: silentLogger() });
    await running.add({ id: 'a1b2', createdAt: '2026-01-01T00:00:00Z', label: 'write 9', effects: [] });
    const other = new LocalOutbox({ dir, logger: silentLogger() });
    expect(await other.open()).toBe(0);
    expect(running.size).toBe(1);
    const file = (await readdir(dir)).find((name) => name.startsWith('outbox-'))!;
    expect(pendingItems(await readFile(join(dir, file), 'utf8')).map((kept) => kept.label)).toEqual(['write 9']);
    await running.close();
    await other.close();
  });

  it('tells a live container on another host from a crashed one by its file’s heartbeat, not by its pid', async () => {
    const dir = await spoolDir();
    const item = (n: number) => ({ id: `00000000-0000-4000-8000-00000000001${n}`, createdAt: '2026-01-01T00:00:00Z', label: `write ${n}`, effects: [appendEventEffect(submitted(n), `mutation:${n}`)] });
    // Another container's gateway with this very pid (every container's may be pid 1), not an instance of this process.
    const foreign = join(dir, `outbox-container_a-${process.pid}-11111111-2222-4333-8444-555555555555.jsonl`);
    await writeFile(foreign, `${JSON.stringify({ add: item(1) })}\n`);

    const next = instance({ local: new LocalOutbox({ dir, logger: silentLogger(), host: 'container-b', staleMs: 30_000 }) });
    await next.outbox.start();
    // Freshly written: its owner runs; adopting it would unlink the file it still appends to.
    expect(next.local.size).toBe(0);
    expect(await next.local.adopt()).toBe(0);
    expect(await readdir(dir)).toContain(foreign.slice(dir.length + 1));

    // Untouched for a minute: its owner is gone, and the next look adopts it.
    const past = new Date(Date.now() - 60_000);
    await utimes(foreign, past, past);
    expect(await next.local.adopt()).toBe(1);
    await next.outbox.drainNow();
    await next.outbox.stop();
    await next.local.close();
    expect(await storedMessages(next.stores)).toEqual(['accepted write 1']);
    expect(await readdir(dir)).toEqual([]);
  });

  it('adopts, while running, the file of a gateway that crashed after it started', async () => {
    const dir = await spoolDir();
    const local = new LocalOutbox({ dir, logger: silentLogger() });
    const metrics = createMetrics();
    const stores = createStores({ redisUrls: [], metrics, logger: silentLogger() });
    const outbox = createOutboxService({ shared: stores.outbox, local, locks: stores.locks, logger: silentLogger(), metrics, intervalMs: 20, adoptIntervalMs: 20 });
    registerStoreEffects(outbox, { events: createEventService({ stores, metrics, logger: silentLogger() }), verificationRequests: { recordSubmission: async () => null }, registryChecks: stores.registryChecks });
    await outbox.start();
    const item = { id: '00000000-0000-4000-8000-000000000031', createdAt: '2026-01-01T00:00:00Z', label: 'write 31', effects: [appendEventEffect(submitted(31), 'mutation:31')] };
    await writeFile(join(dir, 'outbox-4194305-11111111-2222-4333-8444-555555555531.jsonl'), `${JSON.stringify({ add: item })}\n`);
    await eventually(async () => (await storedMessages(stores)).length > 0, 5_000, 'the crashed gateway’s item stored');
    await outbox.stop();
    await local.close();
    expect(await storedMessages(stores)).toEqual(['accepted write 31']);
  });

  it('keeps its items on disk when another gateway adopted its file while it was frozen', async () => {
    const dir = await spoolDir();
    const item = (n: number) => ({ id: `00000000-0000-4000-8000-00000000004${n}`, createdAt: '2026-01-01T00:00:00Z', label: `write ${n}`, effects: [] });
    const frozen = new LocalOutbox({ dir, logger: silentLogger(), host: 'container-a' });
    await frozen.add(item(1));
    const [file] = await readdir(dir);
    const past = new Date(Date.now() - 60_000);
    await utimes(join(dir, file!), past, past);
    const adopter = new LocalOutbox({ dir, logger: silentLogger(), host: 'container-b' });
    expect(await adopter.open()).toBe(1);

    // It wakes up and keeps a new item: both it holds are in a file that is there, should it crash now.
    await frozen.add(item(2));
    const own = (await readdir(dir)).filter((name) => name.startsWith('outbox-container_a-'));
    expect(own).toHaveLength(1);
    expect(pendingItems(await readFile(join(dir, own[0]!), 'utf8')).map((kept) => kept.label)).toEqual(['write 1', 'write 2']);
    await frozen.close();
    expect((await readdir(dir)).filter((name) => name.startsWith('released-'))).toHaveLength(1);
    await adopter.close();
  });
});
