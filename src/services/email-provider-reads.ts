import type { Contact } from '../domain/contact.js';
import type { EmailVerification } from '../domain/email-verification.js';
import { batchFailureAmong, failsOnlyItsObject, InputRejected } from '../domain/errors.js';
import { problem } from '../domain/field-problem.js';
import type { DomainNameApiClient, DomainNameApiDetails } from '../providers/domain-name-api/client.js';
import { DOMAIN_NAME_API_LOOKUP_CONCURRENCY } from '../providers/domain-name-api/client.js';
import type { OpenproviderClient, OpenproviderListPage, OpenproviderUnreadableRow } from '../providers/openprovider/client.js';
import type { OpenproviderListQuery } from '../providers/openprovider/wire.js';
import { OPENPROVIDER_LOOKUP_CONCURRENCY } from '../providers/openprovider/wire.js';
import type { Cache } from '../store/index.js';
import { LIST_PLAN_MAX_PAGES, ListTotals, listIsCheaper, pagesOf } from './list-plan.js';
import { mapLimit } from './map-limit.js';
import { OpenproviderCustomerReads } from './openprovider-customer-reads.js';
import { ReadThrough } from './read-through.js';
import type { RequestScope } from './request-scope.js';
import { spendUpstream } from './upstream-budget.js';

/** Rows per upstream list call: Openprovider's maximum, so a filter costs as few identical calls as possible. */
export const OPENPROVIDER_PAGE_SIZE = 1000;
/** Rows one filter may match at Openprovider before the gateway asks for a narrower filter (20 list calls). */
export const OPENPROVIDER_MAX_ROWS = OPENPROVIDER_PAGE_SIZE * LIST_PLAN_MAX_PAGES;

/** The upstream filter of an Openprovider list read (everything but paging). */
export type OpenproviderFilter = Omit<OpenproviderListQuery, 'limit' | 'offset'>;

/**
 * Openprovider reads shared by the email service and the contact source. Every list page is read through the cache
 * (kind 'list-page') keyed by the exact upstream query, and identical reads in flight share one call, so a thousand
 * identical GraphQL queries cost one upstream call per TTL, far from Openprovider's identical-call blacklist
 * (300 in 300 s).
 */
export class OpenproviderReads {
  private readonly pages: ReadThrough<OpenproviderListPage>;
  private readonly customers: OpenproviderCustomerReads;
  private readonly totals: ListTotals;

  constructor(
    readonly client: OpenproviderClient,
    private readonly cache: Cache,
  ) {
    this.pages = new ReadThrough(cache, 'list-page');
    this.customers = new OpenproviderCustomerReads(client, cache);
    this.totals = new ListTotals(cache, 'openprovider');
  }

  /** One upstream page. */
  async page(query: OpenproviderListQuery, scope: RequestScope): Promise<OpenproviderListPage> {
    const page = await this.pages.get(`openprovider:${canonicalQuery(query)}`, async () => {
      await spendUpstream(scope, 'OPENPROVIDER', 1);
      return this.client.listEmailVerifications(query, scope);
    });
    return page ?? { total: 0, rows: [] };
  }

  /** Every row matching the upstream filter, paging by 1000 (later pages fetched in parallel). */
  async all(filter: OpenproviderFilter, scope: RequestScope): Promise<EmailVerification[]> {
    return (await this.read(filter, scope)).rows;
  }

  /**
   * Every row matching the upstream filter, and the rows left out as unreadable (an unknown status): the caller that
   * shows rows says so, the others (a handle's address, the status watcher) go by the readable ones.
   */
  async read(filter: OpenproviderFilter, scope: RequestScope): Promise<{ rows: EmailVerification[]; unreadable: OpenproviderUnreadableRow[] }> {
    const first = await this.page({ ...filter, limit: OPENPROVIDER_PAGE_SIZE, offset: 0 }, scope);
    if (first.total > OPENPROVIDER_MAX_ROWS) {
      throw new InputRejected([
        problem(['filter'], 'INVALID_VALUE', `The filter matches more than ${OPENPROVIDER_MAX_ROWS} Openprovider rows; narrow it (email, handle, domain, status or suspended).`),
      ]);
    }
    const offsets: number[] = [];
    for (let offset = OPENPROVIDER_PAGE_SIZE; offset < first.total; offset += OPENPROVIDER_PAGE_SIZE) offsets.push(offset);
    const rest = await Promise.all(offsets.map((offset) => this.page({ ...filter, limit: OPENPROVIDER_PAGE_SIZE, offset }, scope)));
    const pages = [first, ...rest];
    return { rows: pages.flatMap((page) => page.rows), unreadable: pages.flatMap((page) => page.unreadable ?? []) };
  }

  /**
   * The rows of several handles, keyed by upper-case handle, with the unreadable rows of each (see `read`).
   * Openprovider filters by one handle per call, so when
   * reading the whole (cached) list takes fewer calls than one per handle, that is what it does: a page of N
   * contacts then costs ceil(rows / 1000) calls, not N. The list's total, remembered (src/services/list-plan.ts),
   * spares the probing first page when the per-handle calls will win anyway.
   */
  async byHandles(handles: string[], scope: RequestScope): Promise<Map<string, { rows: EmailVerification[]; unreadable: OpenproviderUnreadableRow[] }>> {
    const wanted = [...new Set(handles.map((handle) => handle.toUpperCase()))];
    const grouped = new Map<string, { rows: EmailVerification[]; unreadable: OpenproviderUnreadableRow[] }>(wanted.map((handle) => [handle, { rows: [], unreadable: [] }]));
    const add = ({ rows, unreadable }: { rows: EmailVerification[]; unreadable: OpenproviderUnreadableRow[] }) => {
      for (const row of rows) grouped.get(row.handle?.toUpperCase() ?? '')?.rows.push(row);
      for (const row of unreadable) grouped.get(row.handle?.toUpperCase() ?? '')?.unreadable.push(row);
    };
    if (wanted.length > 1) {
      const known = await this.totals.get('email-verifications');
      if (known === undefined || listIsCheaper(pagesOf(known, OPENPROVIDER_PAGE_SIZE), wanted.length)) {
        const { total } = await this.page({ limit: OPENPROVIDER_PAGE_SIZE, offset: 0 }, scope);
        await this.totals.remember('email-verifications', total);
        // The first page is paid for already: the rest of the list costs pages - 1 more calls.
        const pages = pagesOf(total, OPENPROVIDER_PAGE_SIZE);
        if (pages <= LIST_PLAN_MAX_PAGES && pages - 1 < wanted.length) {
          add(await this.read({}, scope));
          return grouped;
        }
      }
    }
    await mapLimit(wanted, OPENPROVIDER_LOOKUP_CONCURRENCY, async (handle) => add(await this.read({ handle }, scope)));
    return grouped;
  }

  /**
   * Contacts by handle, read through the cache: GetCustomer for one, the customer list where it takes fewer calls
   * than one GetCustomer per handle (src/services/openprovider-customer-reads.ts). An Error for a handle whose own
   * read failed; throws when the whole batch did.
   */
  contacts(handles: string[], scope: RequestScope): Promise<Map<string, Contact | Error>> {
    return this.customers.contacts(handles, scope);
  }

  /** After a write: every cached list page is dropped (one O(1) generation bump, shared through Redis). */
  async invalidate(): Promise<void> {
    await this.cache.clearKind('list-page');
  }
}

/**
 * Domain Name API reads shared by the email service and the contact source: GetDetails by email or External ID,
 * read through the cache (kind 'email-verification'), deduplicated, at most DOMAIN_NAME_API_LOOKUP_CONCURRENCY at once.
 */
export class DomainNameApiReads {
  private readonly lookups: ReadThrough<DomainNameApiDetails>;

  constructor(
    readonly client: DomainNameApiClient,
    cache: Cache,
  ) {
    this.lookups = new ReadThrough(cache, 'email-verification');
  }

  byHandle(handle: string, scope: RequestScope): Promise<DomainNameApiDetails | null> {
    return this.lookups.get(handleKey(handle), async () => {
      await spendUpstream(scope, 'DOMAIN_NAME_API', 1);
      return this.client.getDetails({ externalId: handle }, scope);
    });
  }

  byEmail(email: string, scope: RequestScope): Promise<DomainNameApiDetails | null> {
    return this.lookups.get(emailKey(email), async () => {
      await spendUpstream(scope, 'DOMAIN_NAME_API', 1);
      return this.client.getDetails({ email }, scope);
    });
  }

  /**
   * Many contacts by handle: cache hits first, the rest one GetDetails each, DOMAIN_NAME_API_LOOKUP_CONCURRENCY at a
   * time. A refusal of one contact's lookup (e.g. 401 "Contact info can not sync", a fault about that contact) is
   * that handle's Error; any other failure (credentials, IP, quota, outage) stops the batch and is thrown.
   */
  async manyByHandle(handles: string[], scope: RequestScope): Promise<Map<string, DomainNameApiDetails | Error>> {
    const unique = [...new Set(handles)];
    // The cache key is case-blind, but the External ID goes upstream as the caller wrote it, as byHandle sends it: it
    // is the reseller's own value, and a service that matches it exactly would answer an upper-cased one "not found".
    const askedAs = new Map<string, string>();
    for (const handle of unique) if (!askedAs.has(handleKey(handle))) askedAs.set(handleKey(handle), handle.trim());
    const values = await this.lookups.getManySettled(unique.map(handleKey), async (missing) => {
      // No batch read at Domain Name API: one GetDetails per handle, each counted.
      await spendUpstream(scope, 'DOMAIN_NAME_API', missing.length);
      const found = new Map<string, DomainNameApiDetails | Error>();
      await mapLimit(missing, DOMAIN_NAME_API_LOOKUP_CONCURRENCY, async (key) => {
        try {
          const details = await this.client.getDetails({ externalId: askedAs.get(key) ?? key.slice(HANDLE_PREFIX.length) }, scope);
          if (details) found.set(key, details);
        } catch (error) {
          if (!failsOnlyItsObject(error)) throw error;
          found.set(key, error);
        }
      });
      return found;
    });
    const batchFailure = batchFailureAmong(values);
    if (batchFailure) throw batchFailure;
    const byHandle = new Map<string, DomainNameApiDetails | Error>();
    unique.forEach((handle, index) => {
      const details = values[index];
      if (details) byHandle.set(handle, details);
    });
    return byHandle;
  }

  /** After a write: the contact's cached lookups, by every key it may be cached under. */
  async invalidate(keys: { email?: string | null; handle?: string | null }[]): Promise<void> {
    const cacheKeys = keys.flatMap((key) => [key.email ? emailKey(key.email) : null, key.handle ? handleKey(key.handle) : null]).filter((key): key is string => key !== null);
    if (cacheKeys.length) await this.lookups.invalidate(...cacheKeys);
  }
}

const HANDLE_PREFIX = 'dna:handle:';

function handleKey(handle: string): string {
  return `${HANDLE_PREFIX}${handle.trim().toUpperCase()}`;
}

function emailKey(email: string): string {
  return `dna:email:${email.trim().toLowerCase()}`;
}

/** The query as a stable string: sorted keys, undefined left out. Two equal queries give the same cache key. */
export function canonicalQuery(query: OpenproviderListQuery): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(query).sort()) {
    const value = query[key as keyof OpenproviderListQuery];
    if (value !== undefined && value !== null) params.append(key, String(value));
  }
  return params.toString();
}

const openproviderReads = new WeakMap<OpenproviderClient, OpenproviderReads>();
const domainNameApiReads = new WeakMap<DomainNameApiClient, DomainNameApiReads>();

/** One reader per client, so the email service and the contact source share in-flight reads. */
export function openproviderReadsFor(client: OpenproviderClient, cache: Cache): OpenproviderReads {
  let reads = openproviderReads.get(client);
  if (!reads) openproviderReads.set(client, (reads = new OpenproviderReads(client, cache)));
  return reads;
}

export function domainNameApiReadsFor(client: DomainNameApiClient, cache: Cache): DomainNameApiReads {
  let reads = domainNameApiReads.get(client);
  if (!reads) domainNameApiReads.set(client, (reads = new DomainNameApiReads(client, cache)));
  return reads;
}
