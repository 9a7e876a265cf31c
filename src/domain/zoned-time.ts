/**
 * Wall-clock times without an offset, as providers write them ("2026-12-01 10:00:00"), read in a named IANA time
 * zone and turned into instants. Openprovider writes Europe/Amsterdam time, Domain Name API (by assumption) Istanbul
 * time: each provider names its zone in its own wire module; the conversion lives here once.
 */

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?$/;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building them is the expensive part. Throws RangeError for a zone Intl does not know. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows the zone (e.g. "Europe/Istanbul", "UTC"); for checking configuration. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's UTC offset in ms at an instant (Amsterdam: +1 h in winter, +2 h in summer). */
export function zoneOffsetAt(timeZone: string, instantMs: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  // formatToParts drops milliseconds; compare whole seconds.
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * Wall time `YYYY-MM-DD HH:MM[:SS[.fff]]` (space or `T`) in `timeZone` -> ISO 8601 UTC ("...Z"). Null for an empty
 * value or text that is not a real calendar time.
 *
 * Daylight-saving edges follow Temporal's "compatible" rule: a wall time that happens twice (autumn) is the first
 * one; a wall time that never happens (the spring gap) is read with the offset before the gap, i.e. moved forward
 * by the skipped hour.
 */
export function wallTimeToUtc(value: string | null | undefined, timeZone: string): string | null {
  const text = value?.trim();
  if (!text) return null;
  const match = WALL_TIME.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as number[];
  const fractionMs = match[7] ? Math.floor(Number(`0${match[7]}`) * 1000) : 0;
  const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day || hour! > 23 || minute! > 59 || second! > 59) {
    return null;
  }
  // Offset changes are months apart, so the offsets a day either side are the only candidates.
  const before = zoneOffsetAt(timeZone, wall - DAY_MS);
  const after = zoneOffsetAt(timeZone, wall + DAY_MS);
  const valid = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wall - zoneOffsetAt(timeZone, instant) === instant);
  // Two valid instants: the repeated hour, take the earlier. None: the skipped hour, read it with the earlier offset.
  const instant = valid.length > 0 ? Math.min(...valid) : wall - before;
  return new Date(instant + fractionMs).toISOString();
}

/** The inverse, for simulators and tests: an instant as wall time `YYYY-MM-DD HH:MM:SS` in `timeZone`. */
export function utcToWallTime(instant: string | number | Date, timeZone: string, separator: ' ' | 'T' = ' '): string {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  const wall = new Date(Math.floor(ms / 1000) * 1000 + zoneOffsetAt(timeZone, ms));
  return wall.toISOString().slice(0, 19).replace('T', separator);
}
