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
  const normalised = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.replace(' ', 'T');
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(normalised) ? normalised : `${normalised}Z`;
  return toUtcIso(withZone) ?? null;
}
