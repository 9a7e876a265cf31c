import type { SimResponse } from './simulator-server.js';
import { constraintViolation, rtrError } from './realtime-register-contacts.js';

/** Largest `limit` the simulator accepts; an assumption shared with src/providers/realtime-register/assumptions.ts. */
export const LIST_LIMIT_MAX = 100;
const LIST_LIMIT_DEFAULT = 10;
const RESERVED = new Set(['limit', 'offset', 'order', 'q', 'total', 'fields', 'export']);
const MATCHERS = new Set(['eq', 'ne', 'not_like', 'gt', 'lt', 'lte', 'gte', 'null', 'not_null', 'like', 'in', 'not_in']);

export interface ListOptions {
  /** Fields that may be filtered and ordered on. */
  fields: ReadonlySet<string>;
  /** Fields `q` searches in (case-insensitive substring). */
  searchFields: readonly string[];
  defaultOrder: string;
}

type Row = Record<string, unknown>;

/**
 * Realtime Register listing semantics (providers/realtime-register.md, "Listing"): `limit` (default 10), `offset`,
 * `order` (`-field` descending, comma list), `total=false`, `q`, and filters `field=value` or
 * `field:matcher=value` with matchers ne, not_like, gt, lt, lte, gte, null, not_null, like, in, not_in.
 * `like` takes `*` or `%` as wildcards (an assumption). Answers `{entities, pagination: {limit, offset, total}}`.
 */
export function listRows<T extends object>(rows: readonly T[], query: URLSearchParams, options: ListOptions): SimResponse {
  const limit = query.has('limit') ? Number(query.get('limit')) : LIST_LIMIT_DEFAULT;
  const offset = query.has('offset') ? Number(query.get('offset')) : 0;
  const violations = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) violations.push({ field: 'limit', message: `must be between 1 and ${LIST_LIMIT_MAX}`, value: query.get('limit') });
  if (!Number.isInteger(offset) || offset < 0) violations.push({ field: 'offset', message: 'must be greater than or equal to 0', value: query.get('offset') });
  if (violations.length) return constraintViolation(violations);

  let matching = rows as readonly Row[];
  for (const [key, value] of query) {
    if (RESERVED.has(key)) continue;
    const [field = '', matcher = 'eq'] = key.split(':');
    if (!options.fields.has(field)) return rtrError(400, 'ValidationError', `Unknown filter field: ${field}`);
    if (!MATCHERS.has(matcher)) return rtrError(400, 'ValidationError', `Unknown matcher: ${matcher}`);
    const test = matcherFor(matcher, value);
    matching = matching.filter((row) => test(row[field]));
  }
  const q = query.get('q')?.toLowerCase();
  if (q) matching = matching.filter((row) => options.searchFields.some((field) => String(row[field] ?? '').toLowerCase().includes(q)));

  const order = (query.get('order') || options.defaultOrder).split(',').filter(Boolean);
  for (const term of order) {
    if (!options.fields.has(term.replace(/^-/, ''))) return rtrError(400, 'ValidationError', `Unknown order field: ${term}`);
  }
  const sorted = [...matching].sort((a, b) => {
    for (const term of order) {
      const field = term.replace(/^-/, '');
      const result = compare(a[field], b[field]);
      if (result !== 0) return term.startsWith('-') ? -result : result;
    }
    return 0;
  });
  const pagination: Record<string, number> = { limit, offset };
  if (query.get('total') !== 'false') pagination.total = sorted.length;
  return { status: 200, body: { entities: sorted.slice(offset, offset + limit), pagination } };
}

/**
 * The test one filter applies to each row, with its list or pattern prepared once per request rather than once per row
 * (a `handle:in=` lookup scanned the whole contact book splitting its list for every contact).
 */
function matcherFor(matcher: string, expected: string): (actual: unknown) => boolean {
  const text = (actual: unknown) => (actual === undefined || actual === null ? null : String(actual));
  switch (matcher) {
    case 'null':
      return (actual) => text(actual) === null;
    case 'not_null':
      return (actual) => text(actual) !== null;
    case 'in': {
      const listed = new Set(expected.split(','));
      return (actual) => {
        const value = text(actual);
        return value !== null && listed.has(value);
      };
    }
    case 'not_in': {
      const listed = new Set(expected.split(','));
      return (actual) => {
        const value = text(actual);
        return value === null || !listed.has(value);
      };
    }
    case 'like': {
      const pattern = like(expected);
      return (actual) => {
        const value = text(actual);
        return value !== null && pattern.test(value);
      };
    }
    case 'not_like': {
      const pattern = like(expected);
      return (actual) => {
        const value = text(actual);
        return value === null || !pattern.test(value);
      };
    }
    case 'ne':
      return (actual) => text(actual) !== expected;
    case 'gt':
      return (actual) => text(actual) !== null && compare(text(actual), expected) > 0;
    case 'gte':
      return (actual) => text(actual) !== null && compare(text(actual), expected) >= 0;
    case 'lt':
      return (actual) => text(actual) !== null && compare(text(actual), expected) < 0;
    case 'lte':
      return (actual) => text(actual) !== null && compare(text(actual), expected) <= 0;
    default:
      return (actual) => text(actual) === expected;
  }
}

/** Without a wildcard, `like` matches anywhere in the value. */
function like(pattern: string): RegExp {
  if (!/[*%]/.test(pattern)) pattern = `*${pattern}*`;
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/[*%]/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

function compare(a: unknown, b: unknown): number {
  const numeric = (value: unknown) => typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
  if (numeric(a) && numeric(b)) return Number(a) - Number(b);
  return String(a ?? '').localeCompare(String(b ?? ''));
}
