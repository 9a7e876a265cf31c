import { toUtcIso } from '../../domain/dates.js';

/** `2026-04-16T08:30:00Z`, optionally with milliseconds. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/**
 * An instant Realtime Register sent (createdDate, verificationDate, fireDate, a DENIC deadline) in UTC ISO form, or
 * null. The documents say ISO 8601 and their examples end in `Z`; a value without an offset is read as UTC (an
 * assumption, kept here), never in the time zone of the machine the gateway runs on, which would shift it by hours
 * from one deployment to the next. A date alone means the start of that day in UTC; a space may stand for the `T`.
 */
export function rtrInstant(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  // The spelling the documents show and the provider sends: nothing to normalise before the parse (a contact read
  // has two or three of these per contact, so the general path below was a visible share of a cache miss).
  if (CANONICAL_UTC.test(raw)) return toUtcIso(new Date(raw)) ?? null;
  if (raw.trim() === '') return null;
  const value = extendedSpelling(raw.trim());
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return toUtcIso(`${value}T00:00:00Z`) ?? null;
  // The offset in any ISO 8601 spelling (Z, +02, +0200, +02:00), a space before it allowed; bounded, anchored at the end.
  const offset = /(Z|[+-]\d{2}(?::?\d{2})?)$/i.exec(value);
  const local = (offset ? value.slice(0, offset.index) : value).trimEnd().replace(' ', 'T');
  if (!/T\d{2}:\d{2}/.test(local)) return toUtcIso(value) ?? null;
  return toUtcIso(`${local}${offset ? zoneOf(offset[1]!) : 'Z'}`) ?? null;
}

/** ISO 8601 basic format (`20261201T100000Z`, `20261201`), which Date does not read. */
const BASIC_FORMAT = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?([.,]\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The same instant in the extended format with a point before any fraction: ISO 8601 also allows the basic format
 * and a comma as the decimal sign, neither of which Date reads, and a deadline lost to the spelling would never make
 * its request OVERDUE or remind anyone of it.
 */
function extendedSpelling(value: string): string {
  const basic = BASIC_FORMAT.exec(value);
  if (basic) {
    const [, year, month, day, hour, minute, second, fraction, offset] = basic;
    const time = hour ? `T${hour}:${minute}:${second ?? '00'}${fraction ?? ''}` : '';
    return `${year}-${month}-${day}${time}${offset ?? ''}`.replace(',', '.');
  }
  return value.replace(/([T ]\d{2}:\d{2}:\d{2}),(\d)/i, '$1.$2');
}

/** `Z`, or the offset as `+HH:MM`, which every Date parser reads. */
function zoneOf(offset: string): string {
  if (offset.toUpperCase() === 'Z') return 'Z';
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2) || '00'}`;
}
