/**
 * Openprovider writes `expiration_date` as `YYYY-MM-DD HH:MM:SS` wall time in Europe/Amsterdam, and
 * `0000-00-00 00:00:00` for "no date" (providers/openprovider.md). The gateway speaks UTC, so every such value
 * goes through `amsterdamWallTimeToUtc` on its way in.
 */

export const OPENPROVIDER_TIME_ZONE = 'Europe/Amsterdam';

/** Openprovider's "no date". */
export const OPENPROVIDER_ZERO_DATE = '0000-00-00 00:00:00';

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const DAY_MS = 86_400_000;

const partsFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: OPENPROVIDER_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Amsterdam's UTC offset in ms at an instant (+1 h in winter, +2 h in summer). */
function offsetAt(instantMs: number): number {
  const parts: Record<string, number> = {};
  for (const part of partsFormatter.formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  // formatToParts drops milliseconds; compare whole seconds.
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * Amsterdam wall time -> ISO 8601 UTC ("...Z"). Null for the zero date, an empty value, or text that is not a
 * real calendar time.
 *
 * Daylight-saving edges follow Temporal's "compatible" rule: a wall time that happens twice (the last Sunday of
 * October, 02:00-02:59) is the first one, still summer time; a wall time that never happens (the last Sunday of
 * March, 02:00-02:59) is read with the winter offset, i.e. moved forward by the hour that was skipped.
 */
export function amsterdamWallTimeToUtc(value: string | null | undefined): string | null {
  const text = value?.trim();
  if (!text || text === OPENPROVIDER_ZERO_DATE || text.startsWith('0000-00-00')) return null;
  const match = WALL_TIME.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day || hour! > 23 || minute! > 59 || second! > 59) {
    return null;
  }
  // Offset changes are months apart, so the offsets a day either side are the only candidates.
  const before = offsetAt(wall - DAY_MS);
  const after = offsetAt(wall + DAY_MS);
  const valid = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wall - offsetAt(instant) === instant);
  // Two valid instants: the repeated hour, take the earlier. None: the skipped hour, read it with the earlier offset.
  const instant = valid.length > 0 ? Math.min(...valid) : wall - before;
  return new Date(instant).toISOString();
}

/** The inverse, for the simulator and tests: an instant as Amsterdam wall time `YYYY-MM-DD HH:MM:SS`. */
export function utcToAmsterdamWallTime(instant: string | number | Date): string {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  const wall = new Date(Math.floor(ms / 1000) * 1000 + offsetAt(ms));
  return wall.toISOString().slice(0, 19).replace('T', ' ');
}
