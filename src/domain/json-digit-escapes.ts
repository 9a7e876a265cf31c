/**
 * JSON `\u` escapes (a pair for a character beyond the BMP), one at a time. Linear: fixed-width pieces, no nesting.
 */
const UNICODE_ESCAPE = /\\u([0-9a-fA-F]{4})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?/g;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/**
 * `text` with every JSON `\u` escape that stands for a decimal digit written as that digit, everything else as it came.
 * Free text kept from outside (a quarantined body) loses its long digit runs before it is stored (digit-runs.ts), but
 * `"\u0034\u0039..."` is a run of digits to every JSON reader while the masking saw letters and backslashes: decoded
 * first, the run is masked like one written plainly. Only digits are decoded, so the text still reads as sent.
 */
export function decodeJsonDigitEscapes(text: string): string {
  if (!text.includes('\\u')) return text;
  return text.replace(UNICODE_ESCAPE, (whole, first: string, low: string | undefined) => {
    const high = Number.parseInt(first, 16);
    if (low !== undefined && high >= 0xd800 && high <= 0xdbff) {
      const pair = String.fromCharCode(high, Number.parseInt(low, 16));
      return DECIMAL_DIGIT.test(pair) ? pair : whole;
    }
    const single = String.fromCharCode(high);
    // A low surrogate escape matched after a character that is no high one: judged on its own, at its own place.
    const rest = low === undefined ? '' : decodeJsonDigitEscapes(`\\u${low}`);
    return DECIMAL_DIGIT.test(single) ? `${single}${rest}` : `\\u${first}${rest}`;
  });
}
