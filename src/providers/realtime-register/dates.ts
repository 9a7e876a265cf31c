import { toUtcIso } from '../../domain/dates.js';

/**
 * An instant Realtime Register sent (createdDate, verificationDate, fireDate, a DENIC deadline) in UTC ISO form, or
 * null. The documents say ISO 8601 and their examples end in `Z`; a value without an offset is read as UTC (an
 * assumption, kept here), never in the time zone of the machine the gateway runs on, which would shift it by hours
 * from one deployment to the next. A date alone means the start of that day in UTC; a space may stand for the `T`.
 */
export function rtrInstant(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const value = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return toUtcIso(`${value}T00:00:00Z`) ?? null;
  // The offset in any ISO 8601 spelling (Z, +02, +0200, +02:00), a space before it allowed; bounded, anchored at the end.
  const offset = /(Z|[+-]\d{2}(?::?\d{2})?)$/i.exec(value);
  const local = (offset ? value.slice(0, offset.index) : value).trimEnd().replace(' ', 'T');
  if (!/T\d{2}:\d{2}/.test(local)) return toUtcIso(value) ?? null;
  return toUtcIso(`${local}${offset ? zoneOf(offset[1]!) : 'Z'}`) ?? null;
}

/** `Z`, or the offset as `+HH:MM`, which every Date parser reads. */
function zoneOf(offset: string): string {
  if (offset.toUpperCase() === 'Z') return 'Z';
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2) || '00'}`;
}
