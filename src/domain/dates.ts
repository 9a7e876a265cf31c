/** ISO 8601 date-time with a mandatory offset (Z or ±hh:mm), optional fractions. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real instant written as ISO 8601 with an offset ("2026-02-30T00:00:00Z" is false). */
export function isIsoDateTime(value: string): boolean {
  if (!ISO_DATE_TIME.test(value)) return false;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return false;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  return isCalendarDate(year!, month!, day!);
}

/** True for YYYY-MM-DD naming a day that exists. */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  return !!match && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A date and time with no offset: `new Date()` would read it in the machine's own time zone. */
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

/**
 * Normalises any parseable instant to ISO 8601 UTC ("...Z"); undefined when it is not one. A date and time without an
 * offset is read as UTC, never in the time zone of the machine the gateway runs on, which would move it by hours from
 * one deployment to the next (providers that write local wall time are read with zoned-time.ts instead).
 */
export function toUtcIso(value: string | number | Date | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const text = typeof value === 'string' ? value.trim() : null;
  const date = value instanceof Date ? value : text !== null && WITHOUT_OFFSET.test(text) ? new Date(`${text.replace(' ', 'T')}Z`) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
