import type { Contact } from '../domain/contact.js';
import { batchFailureAmong, failsOnlyItsObject } from '../domain/errors.js';
import type { OpenproviderClient, OpenproviderCustomerPage } from '../providers/openprovider/client.js';
import { OPENPROVIDER_CUSTOMER_LIST_MAX_LIMIT, OPENPROVIDER_LOOKUP_CONCURRENCY } from '../providers/openprovider/wire.js';
import type { Cache } from '../store/index.js';
import { LIST_PLAN_MAX_PAGES, ListTotals, listIsCheaper, pagesOf } from './list-plan.js';
import { mapLimit } from './map-limit.js';
import { ReadThrough } from './read-through.js';
import type { RequestScope } from './request-scope.js';
import { spendUpstream } from './upstream-budget.js';

const CUSTOMER_KEY = 'openprovider:customer:';
const PAGE_KEY = 'openprovider:customers:';
const PAGE_SIZE = OPENPROVIDER_CUSTOMER_LIST_MAX_LIMIT;
/** How long a handle Openprovider does not have is remembered (see the constructor). */
const ABSENT_CUSTOMER_TTL_MS = 15_000;

/**
 * Openprovider contacts for a batch of handles, the cheapest honest way (issue 17). Openprovider reads a customer two
 * ways: GetCustomer, one handle a call, and ListCustomers, a page of up to 1000 with the `total` of the list. So:
 *
 * - One handle: GetCustomer (a page of 1000 customers for one would cost as many calls and far more bytes).
 * - Several: the list's first page (which tells `total`), then the rest of the list when that takes fewer calls than
 *   one GetCustomer per handle still missing (at most LIST_PLAN_MAX_PAGES pages), else GetCustomer for the rest. A
 *   reseller with 100,000 customers is never paged through for 3 handles: once its total is known (remembered for
 *   LIST_TOTAL_MEMORY_MS), 3 handles cost 3 GetCustomer calls and no list call at all.
 * - A handle the whole list does not hold is answered null, not an error, and costs nothing more, provided the pages
 *   agree (pagesAgree). Pages that disagree (customers were added or deleted while the list was read, or a page came
 *   from the cache and the list changed since) may have shifted a customer from one page to another unseen, so each
 *   handle they lack is asked for with GetCustomer.
 *
 * Every customer a page returns is cached as a contact (kind 'contact'), so a later read of any of them costs
 * nothing; pages are cached (kind 'list-page', 15 s) and coalesced like every list read, so identical dashboards do
 * not repeat identical calls (Openprovider blocks an IP after 300 in 300 s). Calls are paid from the request's
 * upstream budget right before they go out, a batch of them whole (refused before any of its calls).
 */
export class OpenproviderCustomerReads {
  private readonly customers: ReadThrough<Contact>;
  private readonly pages: ReadThrough<OpenproviderCustomerPage>;
  private readonly totals: ListTotals;
  /** Contact invalidations seen so far: a list read caches its other customers only when none happened meanwhile. */
  private contactInvalidations = 0;

  constructor(
    readonly client: OpenproviderClient,
    private readonly cache: Cache,
  ) {
    // A handle Openprovider does not have is remembered too: asking again for it is the same call each time, and
    // Openprovider blocks the gateway's IP, until removed by hand, after more than 300 identical calls in 300 s
    // (providers/openprovider.md, "Limits"). Two keys at UPSTREAM_CALLS_PER_MINUTE made 100 a minute of one missing
    // handle; remembered 15 s (like a list page), it is at most 20 in 300 s. A customer created at Openprovider in
    // that time shows up once it passes.
    this.customers = new ReadThrough(cache, 'contact', undefined, { absentTtlMs: ABSENT_CUSTOMER_TTL_MS });
    this.pages = new ReadThrough(cache, 'list-page');
    this.totals = new ListTotals(cache, 'openprovider');
    cache.onInvalidate(({ kind }) => {
      if (kind === 'contact') this.contactInvalidations++;
    });
  }

  /**
   * The contacts among `handles` that exist, keyed by the handle as asked (upper- or lower-case alike); an Error for
   * a handle whose own read failed (failsOnlyItsObject). Throws when the whole batch failed.
   */
  async contacts(handles: string[], scope: RequestScope): Promise<Map<string, Contact | Error>> {
    const unique = [...new Set(handles)];
    const values = await this.customers.getManySettled(unique.map(customerKey), (missing) =>
      this.read(missing.map((key) => key.slice(CUSTOMER_KEY.length)), scope),
    );
    const batchFailure = batchFailureAmong(values);
    if (batchFailure) throw batchFailure;
    const byHandle = new Map<string, Contact | Error>();
    unique.forEach((handle, index) => {
      const value = values[index];
      if (value instanceof Error) byHandle.set(handle, value);
      else if (value) byHandle.set(handle, { ...value, handle });
    });
    return byHandle;
  }

  /** Upper-case handles not in the cache -> their contacts, keyed by cache key (absent: none). */
  private async read(wanted: string[], scope: RequestScope): Promise<Map<string, Contact | Error>> {
    if (wanted.length < 2) return this.lookups(wanted, scope);
    const known = await this.totals.get('customers');
    if (known !== undefined && !listIsCheaper(pagesOf(known, PAGE_SIZE), wanted.length)) return this.lookups(wanted, scope);

    const invalidationsBefore = this.contactInvalidations;
    const [first] = await this.readPages([0], scope);
    await this.totals.remember('customers', first!.total);
    const read: OpenproviderCustomerPage[] = [first!];
    const found = new Map<string, Contact | Error>();
    const wantedKeys = new Set(wanted.map(customerKey));
    const take = (page: OpenproviderCustomerPage) => {
      for (const contact of page.contacts) {
        const key = customerKey(contact.handle);
        if (wantedKeys.has(key)) found.set(key, contact);
      }
    };
    take(first!);

    const missing = () => wanted.filter((handle) => !found.has(customerKey(handle)));
    // A first page shorter than asked but not the whole list: Openprovider caps pages lower than assumed; step by it.
    const step = first!.rows < PAGE_SIZE && first!.rows < first!.total ? first!.rows : PAGE_SIZE;
    const pages = pagesOf(first!.total, step);
    const rest = missing();
    if (rest.length > 0 && pages > 1) {
      if (step === 0 || pages > LIST_PLAN_MAX_PAGES || pages - 1 >= rest.length) {
        for (const [key, contact] of await this.lookups(rest, scope)) found.set(key, contact);
        await this.prime(read, found, invalidationsBefore);
        return found;
      }
      const offsets = Array.from({ length: pages - 1 }, (_, index) => (index + 1) * step);
      for (const page of await this.readPages(offsets, scope)) {
        read.push(page);
        take(page);
      }
    }

    const absent = missing();
    if (absent.length > 0 && !pagesAgree(read)) {
      scope.logger.info({ provider: 'OPENPROVIDER', handles: absent.length }, 'the customer list changed while it was read; asking for the handles it lacked one by one');
      for (const [key, contact] of await this.lookups(absent, scope)) found.set(key, contact);
    }
    await this.prime(read, found, invalidationsBefore);
    return found;
  }

  /**
   * GetCustomer for each handle (no batch form), at most OPENPROVIDER_LOOKUP_CONCURRENCY at once, paid for first. A
   * refusal of one customer's read is that handle's Error; any other failure stops the batch.
   */
  private async lookups(handles: string[], scope: RequestScope): Promise<Map<string, Contact | Error>> {
    await spendUpstream(scope, 'OPENPROVIDER', handles.length);
    const found = new Map<string, Contact | Error>();
    await mapLimit(handles, OPENPROVIDER_LOOKUP_CONCURRENCY, async (handle) => {
      try {
        const contact = await this.client.getCustomer(handle, scope);
        if (contact) found.set(customerKey(handle), contact);
      } catch (error) {
        if (!failsOnlyItsObject(error)) throw error;
        found.set(customerKey(handle), error);
      }
    });
    return found;
  }

  /** Customer-list pages at these offsets, in order: cached or in-flight ones free, the others paid for together. */
  private async readPages(offsets: number[], scope: RequestScope): Promise<OpenproviderCustomerPage[]> {
    const keyOf = new Map(offsets.map((offset) => [`${PAGE_KEY}limit=${PAGE_SIZE}&offset=${offset}`, offset]));
    const pages = await this.pages.getMany([...keyOf.keys()], async (missing) => {
      await spendUpstream(scope, 'OPENPROVIDER', missing.length);
      const fetched = new Map<string, OpenproviderCustomerPage>();
      await mapLimit(missing, OPENPROVIDER_LOOKUP_CONCURRENCY, async (key) => {
        fetched.set(key, await this.client.listCustomers({ limit: PAGE_SIZE, offset: keyOf.get(key)! }, scope));
      });
      return fetched;
    });
    return pages.map((page) => page ?? { total: 0, rows: 0, contacts: [] });
  }

  /**
   * Caches every customer the pages returned besides those found for this batch (the read-through caches those), so a
   * later single read of any of them is a cache hit. Skipped when a contact was invalidated during the read: the
   * pages may predate that write.
   */
  private async prime(pages: OpenproviderCustomerPage[], found: Map<string, Contact | Error>, invalidationsBefore: number): Promise<void> {
    if (this.contactInvalidations !== invalidationsBefore) return;
    const others = new Map<string, Contact>();
    for (const page of pages) {
      for (const contact of page.contacts) {
        const key = customerKey(contact.handle);
        if (!found.has(key)) others.set(key, contact);
      }
    }
    if (others.size > 0) await this.cache.setMany('contact', [...others]);
  }
}

/**
 * True when the pages are the whole list, each customer once: every page reports the first page's total, together
 * they hold that many rows, and no live customer is on two pages (an unstable order would repeat some and skip as
 * many others while the counts still add up). Only then does "not on any page" mean "no such customer".
 */
function pagesAgree(pages: OpenproviderCustomerPage[]): boolean {
  const total = pages[0]?.total ?? 0;
  if (!pages.every((page) => page.total === total) || pages.reduce((sum, page) => sum + page.rows, 0) !== total) return false;
  const handles = pages.flatMap((page) => page.contacts.map((contact) => contact.handle.toUpperCase()));
  return new Set(handles).size === handles.length;
}

function customerKey(handle: string): string {
  return `${CUSTOMER_KEY}${handle.toUpperCase()}`;
}
