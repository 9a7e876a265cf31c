import { describe, expect, it } from 'vitest';
import { isKnownTimeZone, utcToWallTime, wallTimeToUtc } from '../../src/domain/zoned-time.js';

const toUtc = (value: string | null) => wallTimeToUtc(value, 'Europe/Amsterdam');
const toWall = (instant: string | Date) => utcToWallTime(instant, 'Europe/Amsterdam');

describe('wallTimeToUtc in Europe/Amsterdam (Openprovider)', () => {
  it('reads winter wall time as UTC+1 and summer wall time as UTC+2', () => {
    expect(toUtc('2026-01-15 10:00:00')).toBe('2026-01-15T09:00:00.000Z');
    expect(toUtc('2026-07-15 10:00:00')).toBe('2026-07-15T08:00:00.000Z');
  });

  it('switches offset exactly at the spring-forward edge (last Sunday of March, 02:00 -> 03:00)', () => {
    expect(toUtc('2026-03-29 01:59:59')).toBe('2026-03-29T00:59:59.000Z');
    expect(toUtc('2026-03-29 03:00:00')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('moves a wall time inside the skipped spring hour forward by that hour', () => {
    // 02:30 never happens; read with the winter offset it is 01:30Z, which is 03:30 summer time.
    expect(toUtc('2026-03-29 02:30:00')).toBe('2026-03-29T01:30:00.000Z');
    expect(toWall('2026-03-29T01:30:00Z')).toBe('2026-03-29 03:30:00');
  });

  it('takes the earlier (summer-time) instant for a wall time repeated at the autumn edge', () => {
    expect(toUtc('2026-10-25 01:59:59')).toBe('2026-10-24T23:59:59.000Z');
    expect(toUtc('2026-10-25 02:30:00')).toBe('2026-10-25T00:30:00.000Z');
    expect(toUtc('2026-10-25 03:00:00')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('round-trips every hour across both 2026 transitions outside the ambiguous hour', () => {
    for (const start of [Date.UTC(2026, 2, 28, 12), Date.UTC(2026, 9, 24, 12)]) {
      for (let hour = 0; hour < 36; hour++) {
        const instant = new Date(start + hour * 3_600_000);
        const wall = toWall(instant);
        if (wall.startsWith('2026-10-25 02:')) continue; // the repeated hour maps back to its first occurrence
        expect(toUtc(wall)).toBe(instant.toISOString());
      }
    }
  });

  it('gives null for the zero date, empty values and text that is not a calendar time', () => {
    expect(toUtc('')).toBeNull();
    expect(toUtc(null)).toBeNull();
    expect(toUtc('2026-02-30 10:00:00')).toBeNull();
    expect(toUtc('2026-01-01 24:00:00')).toBeNull();
    expect(toUtc('tomorrow')).toBeNull();
  });
});

describe('wallTimeToUtc in other zones (Domain Name API)', () => {
  it('reads Istanbul wall time as UTC+3 all year, with or without T and fractions', () => {
    expect(wallTimeToUtc('2026-04-05T10:00:00', 'Europe/Istanbul')).toBe('2026-04-05T07:00:00.000Z');
    expect(wallTimeToUtc('2026-12-05 10:00', 'Europe/Istanbul')).toBe('2026-12-05T07:00:00.000Z');
    expect(wallTimeToUtc('2026-04-05T10:00:00.1234567', 'Europe/Istanbul')).toBe('2026-04-05T07:00:00.123Z');
    expect(utcToWallTime('2026-04-05T07:00:00Z', 'Europe/Istanbul', 'T')).toBe('2026-04-05T10:00:00');
  });

  it('reads UTC as itself and knows which zone names exist', () => {
    expect(wallTimeToUtc('2026-04-05T10:00:00', 'UTC')).toBe('2026-04-05T10:00:00.000Z');
    expect(isKnownTimeZone('Europe/Istanbul')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
