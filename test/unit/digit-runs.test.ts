import { describe, expect, it } from 'vitest';
import { maskedHead, maskLongDigitRuns } from '../../src/domain/digit-runs.js';

describe('masking long digit runs (ID numbers in text the gateway keeps)', () => {
  it('masks a run of six or more ASCII digits and keeps shorter ones, dates and handles', () => {
    expect(maskLongDigitRuns('id 49912319999, code 12345, on 2026-11-28 for rtr-0002')).toBe('id [redacted], code 12345, on 2026-11-28 for rtr-0002');
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
  });
});
