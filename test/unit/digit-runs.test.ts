import { describe, expect, it } from 'vitest';
import { maskedHead, maskLongDigitRuns } from '../../src/domain/digit-runs.js';

describe('masking long digit runs (ID numbers in text the gateway keeps)', () => {
  it('masks a run of six or more ASCII digits and keeps shorter ones, dates and handles', () => {
    expect(maskLongDigitRuns('id 49912319999, code 12345, on 2026-11-28 for rtr-0002')).toBe('id [redacted], code 12345, on 2026-11-28 for rtr-0002');
  });

  it('masks an ID number written in groups, whatever the separator, as one number', () => {
    expect(maskLongDigitRuns('ssn 123-45-6789.')).toBe('ssn [redacted].');
    expect(maskLongDigitRuns('bsn 1234.56.782 ok')).toBe('bsn [redacted] ok');
    expect(maskLongDigitRuns('steuer-id 12 345 678 901')).toBe('steuer-id [redacted]');
    expect(maskLongDigitRuns('insee 1 85 05 78 006 084 36')).toBe('insee [redacted]');
    expect(maskLongDigitRuns('no-break 499\u00A01231\u202F9999')).toBe('no-break [redacted]');
    expect(maskLongDigitRuns('personnummer 19900101-1234')).toBe('personnummer [redacted]');
    expect(maskLongDigitRuns('full-width ４９９-１２３-１９９９９')).toBe('full-width [redacted]');
  });

  it('keeps short groups, and calendar dates with their times, but not a number shaped like a date', () => {
    expect(maskLongDigitRuns('v1.2.3, page 2 / 3, code 404')).toBe('v1.2.3, page 2 / 3, code 404');
    expect(maskLongDigitRuns('de-delegated 2026-12-01 deleted 2027/01/01 at 2026-11-28 10:00:00Z')).toBe('de-delegated 2026-12-01 deleted 2027/01/01 at 2026-11-28 10:00:00Z');
    expect(maskLongDigitRuns('bis 28.11.2026 oder 01-12-2026')).toBe('bis 28.11.2026 oder 01-12-2026');
    expect(maskLongDigitRuns('on 2026-11-28 id 4991 2319 999')).toBe('on 2026-11-28 id [redacted]');
    expect(maskLongDigitRuns('12.34.5678 and 2026-13-01')).toBe('[redacted] and [redacted]');
    expect(maskLongDigitRuns('1990-01-01-1234')).toBe('[redacted]');
  });

  it('masks a run written in another script\'s digits, or mixed with ASCII ones', () => {
    expect(maskLongDigitRuns('full-width ４９９１２３１９９９９')).toBe('full-width [redacted]');
    expect(maskLongDigitRuns('Arabic-Indic ٤٩٩١٢٣١٩٩٩٩')).toBe('Arabic-Indic [redacted]');
    expect(maskLongDigitRuns('Devanagari ४९९१२३१९९९९')).toBe('Devanagari [redacted]');
    expect(maskLongDigitRuns('mixed 499１２３19999')).toBe('mixed [redacted]');
    expect(maskLongDigitRuns('short ４９９１２')).toBe('short ４９９１２');
  });

  it('sees a run that crosses the cut whole, so no short tail of it is left behind', () => {
    expect(maskedHead(`abc ${'4'.repeat(11)} def`, 8)).toBe('abc [red');
    expect(maskedHead(`abc ${'４'.repeat(11)} def`, 8)).toBe('abc [red');
    expect(maskedHead('abc 499 1231 9999 def', 6)).toBe('abc [r');
  });
});
