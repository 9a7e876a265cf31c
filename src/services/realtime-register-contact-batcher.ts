import type { Contact } from '../domain/contact.js';
import { NotFound } from '../domain/errors.js';
import { LIST_LIMIT_MAX } from '../providers/realtime-register/assumptions.js';
import type { RealtimeRegisterClient } from '../providers/realtime-register/client.js';
import { mapLimit } from './map-limit.js';
import type { RequestScope } from './request-scope.js';

/** Single reads in flight at once for one batch, once the provider showed it ignores `handle:in` (see filterIgnored). */
const SINGLE_READS_IN_FLIGHT = 4;

/**
 * A batch leaves once this many callers share it, without waiting for the end of the turn. Requests arrive in bursts
 * (many connections answered together send their next requests together, all read in one turn): waiting for the whole
 * turn would hold the first caller's call back while every other request of the burst is parsed and validated (about
 * a quarter of a millisecond each), and would bring all of them back at once, so the bursts never spread out. Eight
 * callers keep the calls at about one per eight misses while the first call leaves after a couple of milliseconds of
 * others' work. Measured with the bench's cache-miss row (50 connections, 20 ms upstream, idle machine, two rounds):
 * 8 callers 1,603-1,629 req/s at 0.21 calls per request; 16 callers 1,495-1,630 at 0.15; 4 callers 1,553-1,580 at
 * 0.31; the whole turn 1,251-1,369 at 0.08.
 */
const CALLERS_PER_BATCH_MAX = 8;

/** One caller's share of a batch: the handles it asked for and how to answer it. */
interface Waiter {
  handles: string[];
  resolve: (found: Map<string, Contact>) => void;
  reject: (error: unknown) => void;
}

/** The misses of one customer collected during one turn of the event loop. */
interface PendingBatch {
  handles: Set<string>;
  waiters: Waiter[];
  /** The first caller's: names the shared calls in logs and traces. */
  scope: RequestScope;
}

/**
 * Realtime Register contact reads that miss the cache, from every request in this process: the misses of one customer
 * that arrive within one turn of the event loop share `handle:in=` list calls (up to LIST_LIMIT_MAX handles each)
 * instead of costing one call per request. Under load, concurrent requests for different contacts are what a
 * dashboard's users send; read together they cost the provider fewer calls and the gateway fewer round trips. The
 * wait is one turn (setImmediate), or less: a batch leaves as soon as it holds CALLERS_PER_BATCH_MAX callers (see
 * there). Each request still pays its upstream budget as if it read alone (contacts.ts), so sharing never lets a
 * request exceed what it may cause. A failed call fails the callers whose handles it carried, and only those.
 */
export class RealtimeRegisterContactBatcher {
  private readonly pending = new Map<string, PendingBatch>();
  /**
   * Handles per list call: LIST_LIMIT_MAX until the provider answers a page under a smaller limit than asked (its cap
   * is unpublished), then that cap for the life of the process. Batches are cut to it, and requests are charged by it
   * (contacts.ts), so a capped provider costs the extra pages once, when the cap is learnt, and every later request
   * pays its real calls out of its upstream budget.
   */
  private perCall = LIST_LIMIT_MAX;
  /**
   * The provider answered a `handle:in=` list with a contact nobody asked for: it ignores the filter (a proxy, an
   * older or a stand-in API), so a handle missing from its page says nothing about that contact. Reads go one by one
   * (`GET .../contacts/{handle}`) for the life of the process from then on, each charged as a call (perCall 1),
   * instead of answering "no such contact" for contacts that exist.
   */
  private filterIgnored = false;

  constructor(private readonly client: () => RealtimeRegisterClient) {}

  /** How many handles one list call reads (what a request is charged per call). */
  get handlesPerCall(): number {
    return this.perCall;
  }

  /** The contacts found among `handles` (absent ones are simply missing from the map). */
  load(customer: string, handles: string[], scope: RequestScope): Promise<Map<string, Contact>> {
    let batch = this.pending.get(customer);
    if (!batch) {
      const started: PendingBatch = { handles: new Set(), waiters: [], scope };
      this.pending.set(customer, started);
      setImmediate(() => void this.flush(customer, started));
      batch = started;
    }
    for (const handle of handles) batch.handles.add(handle);
    const pending = batch;
    const answer = new Promise<Map<string, Contact>>((resolve, reject) => pending.waiters.push({ handles, resolve, reject }));
    if (pending.waiters.length >= CALLERS_PER_BATCH_MAX) void this.flush(customer, pending);
    return answer;
  }

  /** Sends `batch` unless it has already left (full before its turn ended). */
  private async flush(customer: string, batch: PendingBatch): Promise<void> {
    if (this.pending.get(customer) !== batch) return;
    this.pending.delete(customer);
    const all = [...batch.handles];
    const chunks: string[][] = [];
    const size = this.perCall;
    for (let start = 0; start < all.length; start += size) chunks.push(all.slice(start, start + size));
    const chunkOf = new Map<string, number>();
    chunks.forEach((handles, index) => handles.forEach((handle) => chunkOf.set(handle, index)));
    const outcomes = await Promise.allSettled(chunks.map((handles) => this.read(customer, handles, batch.scope)));
    for (const waiter of batch.waiters) {
      const failed = waiter.handles.map((handle) => outcomes[chunkOf.get(handle)!]!).find((outcome) => outcome.status === 'rejected');
      if (failed) {
        waiter.reject(failed.reason);
        continue;
      }
      const found = new Map<string, Contact>();
      for (const handle of waiter.handles) {
        const outcome = outcomes[chunkOf.get(handle)!] as PromiseFulfilledResult<Map<string, Contact>>;
        const contact = outcome.value.get(handle);
        if (contact) found.set(handle, contact);
      }
      waiter.resolve(found);
    }
  }

  /**
   * One list call (more only when the provider capped the page); a customer the provider does not know has none of
   * these contacts. A contact is matched to the handle asked for exactly or, failing that, whatever its case (whether
   * RTR handles are case-sensitive is unpublished; a filter that matched across case returns the stored spelling).
   */
  private async read(customer: string, handles: string[], scope: RequestScope): Promise<Map<string, Contact>> {
    if (this.filterIgnored) return this.readOneByOne(customer, handles, scope);
    const askedFor = askedSpelling(handles);
    const found = new Map<string, Contact>();
    let unasked = false;
    try {
      for (let offset = 0; ; ) {
        const page = await this.client().listContacts(
          { handles, limit: handles.length, offset: offset || undefined, total: false },
          { customer, requestId: scope.requestId, upstream: scope.upstream },
        );
        for (const contact of page.contacts) {
          const match = askedFor(contact.handle);
          if (match === null) unasked = true;
          else for (const asked of match.handles) if (match.exact || !found.has(asked)) found.set(asked, { ...contact, customer });
        }
        offset += page.contacts.length;
        if (unasked) break;
        // A full page under a smaller limit than asked (the provider's cap is unpublished) is not the whole answer: a
        // handle missing from it may be on the next page, and taking it for "no such contact" would be wrong.
        const capped = page.limit > 0 && page.limit < handles.length && page.contacts.length >= page.limit;
        if (capped) this.perCall = Math.min(this.perCall, page.limit);
        // `handle:in=` of N handles matches at most N contacts: past that, a provider repeating full pages is ignored.
        if (!capped || found.size >= handles.length || offset >= handles.length) break;
      }
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
    }
    if (!unasked) return found;
    if (!this.filterIgnored) {
      this.filterIgnored = true;
      this.perCall = 1;
      scope.logger.warn(
        { provider: 'REALTIME_REGISTER', operation: 'contacts.list' },
        'Realtime Register answered a handle:in= contact list with contacts not asked for: it ignores the filter, so contacts are read one by one from now on',
      );
    }
    const missing = handles.filter((handle) => !found.has(handle));
    for (const [handle, contact] of await this.readOneByOne(customer, missing, scope)) found.set(handle, contact);
    return found;
  }

  /** `GET .../contacts/{handle}` for each handle; absent ones are missing from the map. */
  private async readOneByOne(customer: string, handles: string[], scope: RequestScope): Promise<Map<string, Contact>> {
    const found = new Map<string, Contact>();
    await mapLimit(handles, SINGLE_READS_IN_FLIGHT, async (handle) => {
      try {
        const contact = await this.client().getContact(handle, { customer, requestId: scope.requestId, upstream: scope.upstream });
        if (contact) found.set(handle, { ...contact, customer });
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
      }
    });
    return found;
  }
}

/**
 * The handles asked for that a listed contact answers: its own spelling (exact), else every one equal to it whatever
 * its case. A provider that matched across case took those spellings for one contact: they all get it. Read as "not
 * asked for", two spellings in one batch (one caller's `ABC` and `abc`, or two callers' in the same turn) switched
 * every later read of the process to one call per handle (filterIgnored), for every key.
 */
function askedSpelling(handles: string[]): (listed: string) => { handles: string[]; exact: boolean } | null {
  const exact = new Set(handles);
  const byLowerCase = new Map<string, string[]>();
  for (const handle of handles) {
    const lower = handle.toLowerCase();
    const spellings = byLowerCase.get(lower);
    if (spellings) spellings.push(handle);
    else byLowerCase.set(lower, [handle]);
  }
  return (listed) => {
    if (exact.has(listed)) return { handles: [listed], exact: true };
    const spellings = byLowerCase.get(listed.toLowerCase());
    return spellings ? { handles: spellings, exact: false } : null;
  };
}
