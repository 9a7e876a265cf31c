import { expect } from 'vitest';
import type { EventLog } from '../../src/store/event-log.js';
import { notification } from './event-fixtures.js';

/**
 * What every event log's scan() must do, checked on a log holding nothing yet: a filter that matches two of 25 events
 * is read 10 at a time, each scan stopping where it looked last, until one reaches the end; a scan that finds its limit
 * or looks at the very last event says it went all the way (scannedTo null).
 */
export async function expectBoundedScans(log: EventLog): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < 25; i++) ids.push((await log.append(notification(i, { provider: i === 3 || i === 21 ? 'VERIFF' : 'REALTIME_REGISTER' }))).event.id);
  const veriff = { providers: ['VERIFF' as const] };
  const handles = (events: { contactHandle: string | null }[]) => events.map((event) => event.contactHandle);

  const first = await log.scan({ limit: 5, filter: veriff, scanLimit: 10 });
  expect({ handles: handles(first.events), scannedTo: first.scannedTo }).toEqual({ handles: ['handle-3'], scannedTo: ids[9] });
  const second = await log.scan({ after: first.scannedTo, limit: 5, filter: veriff, scanLimit: 10 });
  expect({ handles: handles(second.events), scannedTo: second.scannedTo }).toEqual({ handles: [], scannedTo: ids[19] });
  const last = await log.scan({ after: second.scannedTo, limit: 5, filter: veriff, scanLimit: 10 });
  expect({ handles: handles(last.events), scannedTo: last.scannedTo }).toEqual({ handles: ['handle-21'], scannedTo: null });

  // Exactly the last ten looked at: the end was reached, nothing is left to page on to.
  const toTheEnd = await log.scan({ after: ids[14], limit: 5, filter: veriff, scanLimit: 10 });
  expect({ handles: handles(toTheEnd.events), scannedTo: toTheEnd.scannedTo }).toEqual({ handles: ['handle-21'], scannedTo: null });
  // Enough found before the limit.
  const enough = await log.scan({ limit: 3, scanLimit: 10 });
  expect({ count: enough.events.length, scannedTo: enough.scannedTo }).toEqual({ count: 3, scannedTo: null });
  // read() is not bounded.
  expect(handles(await log.read({ limit: 5, filter: veriff }))).toEqual(['handle-3', 'handle-21']);
}
