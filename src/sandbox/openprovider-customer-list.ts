import type { OpenproviderSimCustomer } from './openprovider-seed.js';

/**
 * ListCustomers (`GET /v1beta/customers`) of the Openprovider simulator, after Openprovider's full Swagger (github
 * openprovider/api-documentation, swagger.json, operationId ListCustomers; the shared excerpt has GetCustomer only):
 * `limit`, `offset`, `order` (ASC | DESC), `order_by`, the `*_pattern` filters ("Full or partial ... Wildcard (*) can
 * be used"), `pattern` (first or last name, company name or handle) and `type` (company | individual); answers
 * `{results, total}`. `with_additional_data`, `columns` and `reseller_id` are accepted and not modelled (the seed has
 * no additional data; the gateway sends `with_additional_data=false` and neither of the others).
 *
 * Simulator choices where the Swagger is silent: `limit` defaults to 100 and is capped at 1000 as on the email
 * verification list; a pattern without `*` matches the whole value, case-insensitively; deleted customers are not
 * listed (GetCustomer still answers them, with `is_deleted`); the default order is by id, ascending.
 */

/** The `*_pattern` parameters and the customer values each one matches. */
const PATTERNS: Record<string, (customer: OpenproviderSimCustomer) => string[]> = {
  email_pattern: (customer) => [customer.email],
  handle_pattern: (customer) => [customer.handle],
  first_name_pattern: (customer) => [customer.name.first_name],
  last_name_pattern: (customer) => [customer.name.last_name],
  company_name_pattern: (customer) => [customer.company_name],
  comment_pattern: () => [''],
  pattern: (customer) => [customer.name.first_name, customer.name.last_name, customer.company_name, customer.handle],
};

const ORDER_BY: Record<string, (customer: OpenproviderSimCustomer) => string | number> = {
  id: (customer) => customer.id,
  handle: (customer) => customer.handle,
  first_name: (customer) => customer.name.first_name,
  last_name: (customer) => customer.name.last_name,
  company_name: (customer) => customer.company_name,
  email: (customer) => customer.email,
};

const LIMIT_DEFAULT = 100;
const LIMIT_MAX = 1000;
/** A longer pattern is refused: the simulator bounds what it matches, as every input must be. */
const PATTERN_MAX = 256;
const ZERO_DATE = '0000-00-00 00:00:00';

export type CustomerListAnswer = { ok: true; total: number; results: Record<string, unknown>[] } | { ok: false; desc: string };

export function listCustomers(customers: Iterable<OpenproviderSimCustomer>, query: URLSearchParams): CustomerListAnswer {
  const filters: ((customer: OpenproviderSimCustomer) => boolean)[] = [(customer) => !customer.is_deleted];
  for (const [name, valuesOf] of Object.entries(PATTERNS)) {
    const pattern = query.get(name);
    if (pattern === null || pattern === '') continue;
    if (pattern.length > PATTERN_MAX) return { ok: false, desc: `${name} is longer than ${PATTERN_MAX} characters` };
    const wanted = pattern.toLowerCase();
    filters.push((customer) => valuesOf(customer).some((value) => wildcardMatch(wanted, value.toLowerCase())));
  }
  const type = query.get('type')?.toLowerCase();
  if (type === 'company') filters.push((customer) => customer.company_name !== '');
  else if (type === 'individual') filters.push((customer) => customer.company_name === '');
  else if (type) return { ok: false, desc: "type must be 'company' or 'individual'" };

  const matched = [...customers].filter((customer) => filters.every((filter) => filter(customer)));
  const orderBy = ORDER_BY[query.get('order_by')?.toLowerCase() ?? 'id'] ?? ORDER_BY.id!;
  const descending = query.get('order')?.toUpperCase() === 'DESC';
  matched.sort((a, b) => {
    const [x, y] = [orderBy(a), orderBy(b)];
    const order = x < y ? -1 : x > y ? 1 : a.id - b.id;
    return descending ? -order : order;
  });
  const limit = Math.min(LIMIT_MAX, Math.max(0, integer(query.get('limit'), LIMIT_DEFAULT)));
  const offset = Math.max(0, integer(query.get('offset'), 0));
  return { ok: true, total: matched.length, results: matched.slice(offset, offset + limit).map(listResult) };
}

/** One customer as the list writes it (`customerListCustomersResponseDataResults`): GetCustomer's fields, no fax. */
export function listResult(customer: OpenproviderSimCustomer): Record<string, unknown> {
  const { fax: _fax, ...fields } = customer;
  return { ...fields, comments: '', comments_last_changed_at: '', deleted_at: ZERO_DATE, tags: [] };
}

/**
 * `*` matches any run of characters, everything else itself. Greedy with one remembered star, so at most
 * pattern × text steps (both bounded), never exponential as a regular expression built from the pattern could be.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

function integer(value: string | null, fallback: number): number {
  if (value === null || !/^-?\d{1,9}$/.test(value.trim())) return fallback;
  return Number(value);
}
