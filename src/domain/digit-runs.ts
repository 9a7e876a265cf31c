/**
 * Text that may quote a national ID number (a provider's free text, a token's subject, a body kept for operators)
 * loses every number of six or more digits before it is stored, logged or shown: no word, code or handle such text
 * needs holds that many, and an ID number always does (DESIGN.md: last four at most). A number is a run of digits or
 * groups of digits joined by single spaces, dots, slashes or hyphens, because that is how ID numbers are written:
 * "123-45-6789", "1234.56.782", "12 345 678 901", "1 85 05 78 006 084 36" hold no run of six, yet each is the number.
 * Calendar dates (2026-11-28, 28.11.2026, 28/11/2026) are the one grouped shape kept: DENIC notices and provider errors
 * need them, and a date is never an ID number on its own.
 */
export function maskLongDigitRuns(text: string): string {
  return text.replace(NUMBER, maskUnlessDate);
}

/**
 * The first `limit` characters of `text` as they are kept, numbers masked. Masked a little past the cut, then cut: a
 * number that crosses the cut is seen with enough of its digits to be masked, never left behind as a short tail.
 */
export function maskedHead(text: string, limit: number): string {
  return maskLongDigitRuns(text.slice(0, limit + CUT_MARGIN)).slice(0, limit);
}

/** What a masked number reads. */
export const ID_NUMBER_MASK = '[redacted]';

function maskUnlessDate(match: string, date: string | undefined): string {
  if (date !== undefined && isCalendarDate(date)) return match;
  return countDigits(match) >= MASKED_DIGITS ? ID_NUMBER_MASK : match;
}

/** A date's shape with a month of 1-12 and a day of 1-31: "12.34.5678" is shaped like one, but is a number. */
function isCalendarDate(date: string): boolean {
  const [first = '', second = '', third = ''] = date.split(/[-/.]/);
  const month = Number(second);
  const day = Number(first.length === 4 ? third : first);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function countDigits(number: string): number {
  let digits = 0;
  for (const char of number) if (!SEPARATOR.test(char)) digits++;
  return digits;
}

/** Fewer digits than this are left alone: codes, counts, years, a last four. */
const MASKED_DIGITS = 6;
/** One character between two groups of a number: spaces (no-break and thin ones too), dot, slash, hyphens. */
const SEPARATOR_CLASS = '[ \\t\\u00A0\\u2007\\u2009\\u202F./\\-\\u2010\\u2011\\u2012\\u2013]';
const SEPARATOR = new RegExp(SEPARATOR_CLASS, 'u');
const D = '\\p{Nd}';
/**
 * A date's shape standing alone, in ASCII digits: year first with - / . or day first with . / -, not glued to more
 * digits by one of those (a space may follow: "2026-11-28 10:00" is a date and a time). isCalendarDate then checks it.
 */
const DATE = `(?<!${D})(?:[0-9]{4}([-/.])[0-9]{2}\\2[0-9]{2}|[0-9]{2}([./-])[0-9]{2}\\3[0-9]{4})(?!${D}|[-/.]${D})`;
/**
 * A date (group 1, kept) or a number: digits, then any groups each after one separator. Linear: a digit never is a
 * separator, so every character has one reading and a number is consumed whole from its first digit; the date branch
 * looks at a bounded number of characters. Any script's decimal digits (\p{Nd}: full-width ０-９, Arabic-Indic,
 * Devanagari ...), alone or mixed with ASCII ones: a number written in them is still the number.
 */
const NUMBER = new RegExp(`(${DATE})|${D}+(?:${SEPARATOR_CLASS}${D}+)*`, 'gu');
/** Characters past a cut that are looked at, so that a number crossing it shows six or more digits. */
const CUT_MARGIN = 16;
