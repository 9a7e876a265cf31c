import { describe, expect, it } from 'vitest';
import { toUtcIso } from '../../src/domain/dates.js';

describe('toUtcIso', () => {
  it('reads a date and time without an offset as UTC, whatever the machine\'s time zone', () => {
    const zone = process.env.TZ;
    try {
      for (const machine of ['America/New_York', 'Asia/Tokyo', 'UTC']) {
        process.env.TZ = machine;
        expect(toUtcIso('2026-12-01T10:00:00'), machine).toBe('2026-12-01T10:00:00.000Z');
        expect(toUtcIso('2026-12-01 10:00'), machine).toBe('2026-12-01T10:00:00.000Z');
        expect(toUtcIso('2026-12-01T10:00:00.5'), machine).toBe('2026-12-01T10:00:00.500Z');
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('keeps a given offset, and refuses what is not an instant', () => {
    expect(toUtcIso('2026-12-01T10:00:00+02:00')).toBe('2026-12-01T08:00:00.000Z');
    expect(toUtcIso('2026-12-01T10:00:00Z')).toBe('2026-12-01T10:00:00.000Z');
    expect(toUtcIso('2026-12-01')).toBe('2026-12-01T00:00:00.000Z');
    expect(toUtcIso('soon')).toBeUndefined();
    expect(toUtcIso('')).toBeUndefined();
  });
});
