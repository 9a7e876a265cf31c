/**
 * Text that may quote a national ID number (a provider's free text, a token's subject, a body kept for operators)
 * loses every run of six or more digits before it is stored, logged or shown: no word, code, date or handle such text
 * needs is that long a run of digits, and an ID number always is (DESIGN.md: last four at most).
 */
export function maskLongDigitRuns(text: string): string {
  return text.replace(LONG_DIGIT_RUN, ID_NUMBER_MASK);
}

/**
 * The first `limit` characters of `text` as they are kept, long digit runs masked. Masked a little past the cut, then
 * cut: a run that crosses the cut is seen whole and masked, never left behind as a tail of five digits or fewer.
 */
export function maskedHead(text: string, limit: number): string {
  return maskLongDigitRuns(text.slice(0, limit + CUT_MARGIN)).slice(0, limit);
}

/** What a masked run reads. */
export const ID_NUMBER_MASK = '[redacted]';

/**
 * Linear: a run is taken whole from its first digit; a shorter run fails within five steps. Any script's decimal digits
 * (\p{Nd}: full-width ０-９, Arabic-Indic, Devanagari ...), alone or mixed with ASCII ones: a number written in them is
 * still the number, and a plain \d would let it through.
 */
const LONG_DIGIT_RUN = /\p{Nd}{6,}/gu;
/** Characters past a cut that are looked at, so that a run crossing it counts six or more. */
const CUT_MARGIN = 16;
