import type { Cache } from '../store/index.js';

/**
 * When reading a provider's whole paged list beats one lookup per wanted key (issue 17: Openprovider's customer list
 * and email-verification list against GetCustomer and the per-handle filter). Counted in upstream calls, the figure
 * the upstream budget, Openprovider's limits (300 identical calls in 300 s; CTE 50 calls in 100 s) and the time of a
 * cold page all follow.
 */

/**
 * A list longer than this many pages is never read whole for a batch, however many keys it holds: 20 pages is 20,000
 * rows in memory at once, and a fifth of one request's default upstream budget (UPSTREAM_CALLS_PER_REQUEST 100).
 */
export const LIST_PLAN_MAX_PAGES = 20;

/** How long a list's `total` is remembered to choose the next plan without a probing call (see ListTotals). */
export const LIST_TOTAL_MEMORY_MS = 10 * 60_000;

/** Calls that read a list of `total` rows whole, `pageSize` a call (an empty list still takes one). */
export function pagesOf(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
}

/**
 * True when reading `pages` pages costs strictly fewer calls than `lookups` single reads (a tie goes to the lookups:
 * the same calls, far fewer bytes) and stays within LIST_PLAN_MAX_PAGES.
 */
export function listIsCheaper(pages: number, lookups: number): boolean {
  return pages <= LIST_PLAN_MAX_PAGES && pages < lookups;
}

/**
 * The last `total` each list reported, kept in the shared cache (kind 'list-page') for LIST_TOTAL_MEMORY_MS. A total
 * only chooses between two plans that answer the same; it never decides what is answered, so it may be older than
 * the pages. Knowing it spares the probing first page when single reads will win anyway (a reseller with 100,000
 * customers asked for 3 handles: 3 calls, not 4).
 */
export class ListTotals {
  constructor(
    private readonly cache: Cache,
    private readonly prefix: string,
  ) {}

  get(list: string): Promise<number | undefined> {
    return this.cache.get<number>('list-page', `${this.prefix}:total:${list}`);
  }

  async remember(list: string, total: number): Promise<void> {
    await this.cache.set('list-page', `${this.prefix}:total:${list}`, total, LIST_TOTAL_MEMORY_MS);
  }
}
