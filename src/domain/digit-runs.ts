/**
 * Text that may quote a national ID number (a provider's free text, a token's subject, a body kept for operators)
 * loses every run of six or more digits before it is stored, logged or shown: no word, code, date or handle such text
 * needs is that long a run of digits, and an ID number always is (DESIGN.md: last four at most).
 */
export function maskLongDigitRuns(text: string): string {
  return text.replace(LONG_DIGIT_RUN, ID_NUMBER_MASK);
}

/** Whether `text` holds such a run. */
export function hasLongDigitRun(text: string): boolean {
  return LONG_DIGIT_RUN_TEST.test(text);
}

/** What a masked run reads. */
export const ID_NUMBER_MASK = '[redacted]';

/** Linear: a run is taken whole from its first digit; a shorter run fails within five steps. */
const LONG_DIGIT_RUN = /\d{6,}/g;
const LONG_DIGIT_RUN_TEST = /\d{6}/;
