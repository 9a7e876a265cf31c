import { describe, expect, it } from 'vitest';
import { rtrInstant } from '../../src/providers/realtime-register/dates.js';

describe('rtrInstant', () => {
  it('reads an offset in every ISO 8601 spelling, with or without a space before it', () => {
    for (const spelling of ['2026-12-01T10:00:00+02:00', '2026-12-01T10:00:00+0200', '2026-12-01T10:00:00+02', '2026-12-01T10:00:00 +02:00', '2026-12-01 10:00:00 +02:00']) {
      expect(rtrInstant(spelling), spelling).toBe('2026-12-01T08:00:00.000Z');
    }
    expect(rtrInstant('2026-12-01T10:00:00.250-05:30')).toBe('2026-12-01T15:30:00.250Z');
    expect(rtrInstant('2026-12-01T10:00:00Z')).toBe('2026-12-01T10:00:00.000Z');
    expect(rtrInstant('2026-12-01T10:00:00.5Z')).toBe('2026-12-01T10:00:00.500Z');
    expect(rtrInstant('2026-12-01T10:00:00 z')).toBe('2026-12-01T10:00:00.000Z');
  });

  it('reads the other spellings ISO 8601 allows: a comma before the fraction, and the basic format without separators', () => {
    expect(rtrInstant('2026-12-01T10:00:00,5Z')).toBe('2026-12-01T10:00:00.500Z');
    expect(rtrInstant('2026-12-01T10:00:00,250+02:00')).toBe('2026-12-01T08:00:00.250Z');
    expect(rtrInstant('2026-12-01 10:00:00,75')).toBe('2026-12-01T10:00:00.750Z');
    expect(rtrInstant('20261201T100000Z')).toBe('2026-12-01T10:00:00.000Z');
    expect(rtrInstant('20261201T100000.5+0200')).toBe('2026-12-01T08:00:00.500Z');
    expect(rtrInstant('20261201T1000Z')).toBe('2026-12-01T10:00:00.000Z');
    expect(rtrInstant('20261201T100000')).toBe('2026-12-01T10:00:00.000Z');
    expect(rtrInstant('20261201')).toBe('2026-12-01T00:00:00.000Z');
  });

  it('reads no offset as UTC and a date alone as the start of that day', () => {
    expect(rtrInstant('2026-12-01T10:00:00')).toBe('2026-12-01T10:00:00.000Z');
    expect(rtrInstant('2026-12-01 10:00')).toBe('2026-12-01T10:00:00.000Z');
    expect(rtrInstant('2026-12-01')).toBe('2026-12-01T00:00:00.000Z');
  });

  it('answers null for what is not an instant', () => {
    for (const value of ['', '   ', 'soon', '2026-13-45T99:00:00Z', '20261345T990000Z', '2026120', 42, null]) expect(rtrInstant(value), String(value)).toBeNull();
  });
});
