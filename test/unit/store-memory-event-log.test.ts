import { describe, expect, it } from 'vitest';
import type { VerificationEvent } from '../../src/domain/events.js';
import { EventLogUnavailable, InvalidEventId, compareEventIds, isEventId } from '../../src/store/event-log.js';
import { MemoryEventLog } from '../../src/store/memory-event-log.js';
import { notification } from '../helpers/event-fixtures.js';
import { expectBoundedScans } from '../helpers/event-log-scan.js';


describe('compareEventIds', () => {
  it('should compare milliseconds, then sequence, numerically', () => {
    expect(compareEventIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareEventIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareEventIds('10-10', '10-2')).toBeGreaterThan(0);
    expect(compareEventIds('1700000000000-3', '1700000000000-3')).toBe(0);
  });

  it('should throw InvalidEventId for anything but <ms>-<seq>', () => {
    for (const bad of ['', '12', '12-', '-1', 'a-b', '1-2-3', '1.5-0', '99999999999999999999-0']) {
      expect(isEventId(bad)).toBe(false);
      expect(() => compareEventIds(bad, '0-0')).toThrow(InvalidEventId);
    }
    expect(isEventId('0-0')).toBe(true);
  });
});

describe('MemoryEventLog', () => {
  it('scans no more than scanLimit events, and says where it stopped', async () => {
    await expectBoundedScans(new MemoryEventLog());
  });

  it('takes an id from before its first event (an earlier process\'s log, gone with it) as events lost, never the origin', async () => {
    const restarted = new MemoryEventLog({ now: () => 5000 });
    // Nothing appended yet since the restart: a client's id from the last run names events this log never had.
    expect(await restarted.trimmedAfter('4000-7')).toEqual({ oldestKeptId: null });
    expect(await restarted.trimmedAfter('6000-0')).toBeNull();
    const first = (await restarted.append(notification(1))).event.id;
    expect(first).toBe('5000-0');
    expect(await restarted.trimmedAfter('4000-7')).toEqual({ oldestKeptId: '5000-0' });
    expect(await restarted.trimmedAfter('0-0')).toBeNull();
    expect(await restarted.trimmedAfter(first)).toBeNull();
  });

  it('should give ids that only grow, even when the clock steps back', async () => {
    const clock = [1000, 1000, 1000, 999, 1001];
    const log = new MemoryEventLog({ now: () => clock.shift() ?? 2000 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await log.append(notification(i))).event.id);
    expect(ids).toEqual(['1000-0', '1000-1', '1000-2', '1000-3', '1001-0']);
    for (let i = 1; i < ids.length; i++) expect(compareEventIds(ids[i - 1]!, ids[i]!)).toBeLessThan(0);
  });

  it('should keep only the newest events beyond its capacity', async () => {
    const log = new MemoryEventLog({ capacity: 3 });
    for (let i = 0; i < 5; i++) await log.append(notification(i));
    const events = await log.read({ limit: 10 });
    expect(events.map((event) => event.contactHandle)).toEqual(['handle-2', 'handle-3', 'handle-4']);
  });

  it('should return the earlier event for a repeated dedupe key and append nothing', async () => {
    const log = new MemoryEventLog();
    const first = await log.append(notification(1), { dedupeKey: 'veriff:abc' });
    const again = await log.append(notification(2), { dedupeKey: 'veriff:abc' });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ event: first.event, duplicate: true });
    expect(await log.read({ limit: 10 })).toHaveLength(1);
  });

  it('should read after an id, oldest first, within limit and filter', async () => {
    const log = new MemoryEventLog();
    const appended: VerificationEvent[] = [];
    for (let i = 0; i < 6; i++) {
      appended.push((await log.append(notification(i, { provider: i % 2 ? 'VERIFF' : 'REALTIME_REGISTER' }))).event);
    }
    expect((await log.read({ after: appended[1]!.id, limit: 2 })).map((e) => e.id)).toEqual([appended[2]!.id, appended[3]!.id]);
    expect((await log.read({ after: null, limit: 10, filter: { providers: ['VERIFF'] } })).map((e) => e.contactHandle)).toEqual([
      'handle-1',
      'handle-3',
      'handle-5',
    ]);
    expect(await log.read({ limit: 10, filter: { contactHandle: 'handle-4' } })).toEqual([appended[4]]);
    expect(await log.read({ after: appended[5]!.id, limit: 10 })).toEqual([]);
    expect(await log.read({ limit: 0 })).toEqual([]);
  });

  it('should reject a malformed after with InvalidEventId', async () => {
    const log = new MemoryEventLog();
    await expect(log.read({ after: 'yesterday', limit: 1 })).rejects.toThrow(InvalidEventId);
  });

  it('should deliver appended events to subscribers in order until they unsubscribe', async () => {
    const log = new MemoryEventLog();
    const seen: string[] = [];
    const unsubscribe = log.subscribe((event) => seen.push(event.id));
    log.subscribe(() => {
      throw new Error('a broken listener must not break append');
    });
    const a = await log.append(notification(1));
    const b = await log.append(notification(2));
    unsubscribe();
    await log.append(notification(3));
    expect(seen).toEqual([a.event.id, b.event.id]);
  });

  it('should store a copy of the payload', async () => {
    const log = new MemoryEventLog();
    const payload = notification(1);
    await log.append(payload);
    payload.contactHandle = 'changed';
    expect((await log.read({ limit: 1 }))[0]?.contactHandle).toBe('handle-1');
  });

  it('should refuse appends once closed', async () => {
    const log = new MemoryEventLog();
    await log.close();
    await expect(log.append(notification(1))).rejects.toThrow(EventLogUnavailable);
  });
});
