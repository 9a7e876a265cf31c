import { describe, expect, it } from 'vitest';
import { decodeJsonDigitEscapes } from '../../src/domain/json-digit-escapes.js';
import { maskLongDigitRuns } from '../../src/domain/digit-runs.js';

describe('decodeJsonDigitEscapes', () => {
  it('writes escaped decimal digits as digits, so a run of them is masked like one written plainly', () => {
    const escaped = '"id \\u0034\\u0039\\u0039\\u0031\\u0032\\u0033\\u0031\\u0039\\u0039\\u0039\\u0039"';
    expect(decodeJsonDigitEscapes(escaped)).toBe('"id 49912319999"');
    expect(maskLongDigitRuns(decodeJsonDigitEscapes(escaped))).toBe('"id [redacted]"');
    // Upper-case hex, full-width digits, and a digit beyond the BMP written as a surrogate pair.
    expect(decodeJsonDigitEscapes('\\u003A\\u0030\\uFF14\\ud835\\udfce')).toBe('\\u003A0４𝟎');
  });

  it('leaves every other escape as it came, lone and mismatched surrogates included', () => {
    for (const text of ['\\u0041\\n\\"', '\\ud835', '\\udfce', '\\ud835\\u0041', '\\u00', 'no escapes 123456']) expect(decodeJsonDigitEscapes(text)).toBe(text);
    // A low surrogate after a character that is no high one is judged alone, and a digit after it still decoded.
    expect(decodeJsonDigitEscapes('\\u0034\\udfce\\u0035')).toBe('4\\udfce5');
  });

  it('reads a long escaped text in one pass', () => {
    const text = '\\u0034'.repeat(100_000);
    expect(decodeJsonDigitEscapes(text)).toBe('4'.repeat(100_000));
  });
});
