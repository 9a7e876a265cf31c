import DataLoader from 'dataloader';
import type { ContactKey } from '../domain/contact.js';
import type { EmailVerification, EmailVerificationFilter } from '../domain/email-verification.js';
import { EMAIL_VERIFICATION_STATUSES, emailVerificationKey } from '../domain/email-verification.js';
import { InputRejected, NotFound, ProviderFailure } from '../domain/errors.js';
import { problem } from '../domain/field-problem.js';
import type { Provider } from '../domain/providers.js';
import { PROVIDERS } from '../domain/providers.js';
import { OPENPROVIDER_STATUS_FILTER } from '../domain/status-mapping.js';
import type { DomainNameApiClient } from '../providers/domain-name-api/client.js';
import type { OpenproviderClient } from '../providers/openprovider/client.js';
import { verificationOf } from '../providers/domain-name-api/map.js';
import { unreadableRowsFailure } from '../providers/openprovider/map.js';
import type { ServiceDeps } from './deps.js';
import { decodeCursor, encodeCursor, filterFingerprint } from './email-cursor.js';
import { DEFAULT_PAGE_SIZE, EMAIL_PROVIDERS, filterProblems, normaliseFilter, pageSizeProblems, resendProblems } from './email-input.js';
import type { DomainNameApiReads, OpenproviderFilter, OpenproviderReads } from './email-provider-reads.js';
import { domainNameApiReadsFor, OPENPROVIDER_PAGE_SIZE, openproviderReadsFor } from './email-provider-reads.js';
import type { Page, PageArgs } from './page.js';
import type { RequestScope } from './request-scope.js';
import { assertStoreWritable } from './store-guard.js';
import { withResendCooldown } from './resend-cooldown.js';
import { spendUpstream } from './upstream-budget.js';

export interface ResendInput {
  provider: Provider;
  email?: string | null;
  handle?: string | null;
  /** Realtime Register customer; the configured one when omitted. */
  customer?: string | null;
  language?: string | null;
}

/** ICANN registrant email verification across Openprovider and Domain Name API. */
export interface EmailVerificationService {
  /** Throws InputRejected for a bad filter, page size or cursor. */
  list(filter: EmailVerificationFilter | null, page: PageArgs, scope: RequestScope): Promise<Page<EmailVerification>>;
  /** Rows for one contact (by its provider and handle, and email where known). */
  forContact(contact: ContactKey & { email: string | null }, scope: RequestScope): Promise<EmailVerification[]>;
  /** A row by its node id (emailVerificationKey). */
  get(id: string, scope: RequestScope): Promise<EmailVerification | null>;
  /** Throws InputRejected, NotFound, ProviderFailure or Unavailable (the store is down: nothing sent). */
  resend(input: ResendInput, scope: RequestScope): Promise<EmailVerification | null>;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The connection's order: provider (in the contract's enum order), then email, then domain (rows without a domain
 * first), then handle. Stable, so positions can serve as cursors. Each row's key is computed once.
 */
export function sortRows(rows: EmailVerification[]): EmailVerification[] {
  return rows
    .map((row) => ({ row, key: [PROVIDERS.indexOf(row.provider), row.email.toLowerCase(), row.domain ?? '', row.handle ?? ''] as const }))
    .sort((a, b) => a.key[0] - b.key[0] || compareText(a.key[1], b.key[1]) || compareText(a.key[2], b.key[2]) || compareText(a.key[3], b.key[3]))
    .map(({ row }) => row);
}

/** The one handle `rows` name (in any case), or null when they name none or several. */
function onlyHandleOf(rows: EmailVerification[]): string | null {
  const handles = new Map<string, string>();
  for (const row of rows) if (row.handle) handles.set(row.handle.toUpperCase(), row.handle);
  return handles.size === 1 ? [...handles.values()][0]! : null;
}

/** How long a materialised connection is reused within one process (see viewOf). */
const VIEW_MEMO_MS = 1000;

/** The gateway-side check of every filter field (upstream filters already applied most of them). */
export function matchesFilter(row: EmailVerification, filter: EmailVerificationFilter): boolean {
  if (filter.email && row.email.toLowerCase() !== filter.email.toLowerCase()) return false;
  if (filter.handle && (row.handle ?? '').toUpperCase() !== filter.handle.toUpperCase()) return false;
  if (filter.domain && (row.domain ?? '').toLowerCase() !== filter.domain.toLowerCase()) return false;
  if (filter.status?.length && !filter.status.includes(row.status)) return false;
  if (filter.suspended !== null && filter.suspended !== undefined && row.suspended !== filter.suspended) return false;
  return true;
}

/** Rows merged across providers, and the providers that failed while others answered. */
interface MergedRows {
  rows: EmailVerification[];
  failures: Error[];
}

/**
 * Openprovider (list, start, restart) and Domain Name API (one contact at a time, resend notice) behind one
 * connection. Every upstream read goes through the cache with in-flight coalescing: list pages (kind 'list-page')
 * keyed by the exact upstream query, Domain Name API lookups (kind 'email-verification') by email or handle.
 *
 * The connection is materialised per filter: all matching Openprovider rows (1000 per upstream call, at most
 * 20,000) plus the Domain Name API row when the filter names an email or handle, sorted by provider, email and
 * domain. A cursor is a position in that order plus a fingerprint of the filter.
 */
/** The address of an Openprovider contact, null when there is none; its read's failure is thrown, never read as "none". */
async function contactEmail(reads: OpenproviderReads, handle: string, scope: RequestScope): Promise<string | null> {
  const contact = (await reads.contacts([handle], scope)).get(handle);
  if (contact instanceof Error) throw contact;
  return contact?.email ?? null;
}

export function createEmailVerificationService(deps: ServiceDeps): EmailVerificationService {
  const { clients, stores } = deps;

  const openprovider = (): OpenproviderReads => {
    if (!clients.openprovider) throw ProviderFailure.disabled('OPENPROVIDER');
    return openproviderReadsFor(clients.openprovider, stores.cache);
  };
  const domainNameApi = (): DomainNameApiReads => {
    if (!clients.domainNameApi) throw ProviderFailure.disabled('DOMAIN_NAME_API');
    return domainNameApiReadsFor(clients.domainNameApi, stores.cache);
  };
  const openproviderClient = (): OpenproviderClient => openprovider().client;
  const domainNameApiClient = (): DomainNameApiClient => domainNameApi().client;

  /** Openprovider rows of a filter: one upstream filter per requested status (status names with spaces), and the
   * failure that reports rows left out as unreadable. */
  const openproviderRows = async (filter: EmailVerificationFilter, scope: RequestScope): Promise<MergedRows> => {
    const reads = openprovider();
    const base: OpenproviderFilter = {
      ...(filter.email ? { email: filter.email } : {}),
      ...(filter.handle ? { handle: filter.handle } : {}),
      ...(filter.domain ? { domain: filter.domain } : {}),
      ...(filter.suspended !== null && filter.suspended !== undefined ? { is_suspended: filter.suspended } : {}),
    };
    const statuses = [...new Set(filter.status ?? [])];
    const everyStatus = statuses.length === 0 || EMAIL_VERIFICATION_STATUSES.every((status) => statuses.includes(status));
    const queries = everyStatus ? [base] : statuses.map((status) => ({ ...base, status: OPENPROVIDER_STATUS_FILTER[status] }));
    const pages = await Promise.all(queries.map((query) => reads.read(query, scope)));
    // Rows left out as unreadable (an unknown status) never fail the list: the readable ones are served, with an
    // error beside them that says how many are missing and why.
    const unreadable = pages.flatMap((page) => page.unreadable);
    return { rows: pages.flatMap((page) => page.rows), failures: unreadable.length ? [unreadableRowsFailure(unreadable)] : [] };
  };

  /** The Domain Name API row of a filter that names a handle (External ID) or an email; none otherwise. */
  const domainNameApiRows = async (filter: EmailVerificationFilter, scope: RequestScope): Promise<EmailVerification[]> => {
    if (!filter.handle && !filter.email) return [];
    const reads = domainNameApi();
    const details = filter.handle ? await reads.byHandle(filter.handle, scope) : await reads.byEmail(filter.email!, scope);
    return details ? [verificationOf(details)] : [];
  };

  /** Which providers a filter reads: named ones must be enabled; unnamed disabled ones are skipped. */
  const providersOf = (filter: EmailVerificationFilter): Provider[] => {
    const named = filter.providers?.length ? new Set(filter.providers) : null;
    const enabled = { OPENPROVIDER: clients.openprovider !== null, DOMAIN_NAME_API: clients.domainNameApi !== null } as Record<Provider, boolean>;
    return EMAIL_PROVIDERS.filter((provider) => {
      if (named) {
        if (!named.has(provider)) return false;
        if (!enabled[provider]) throw ProviderFailure.disabled(provider);
        return true;
      }
      return enabled[provider];
    });
  };

  /**
   * The materialised connection of a filter, kept for VIEW_MEMO_MS in this process and shared by identical queries
   * in flight: a burst of identical page views then costs one cache read and one sort, not one each. Writes clear it.
   */
  const views = new Map<string, { rows: Promise<MergedRows>; until: number }>();
  const viewOf = (filter: EmailVerificationFilter, fingerprint: string, scope: RequestScope): Promise<MergedRows> => {
    const now = Date.now();
    const held = views.get(fingerprint);
    if (held && held.until > now) return held.rows;
    const rows = rowsOf(filter, scope);
    views.set(fingerprint, { rows, until: now + VIEW_MEMO_MS });
    // A view missing a provider is not kept: the next page view asks that provider again.
    rows.then((merged) => merged.failures.length && views.delete(fingerprint), () => views.delete(fingerprint));
    if (views.size > 1000) {
      for (const [key, view] of views) if (view.until <= now) views.delete(key);
    }
    return rows;
  };

  /**
   * The merged rows of every provider the filter reads. One failing provider does not hide the others: its failure
   * is returned beside their rows (all failing: the first failure is thrown).
   */
  const rowsOf = async (filter: EmailVerificationFilter, scope: RequestScope): Promise<MergedRows> => {
    const providers = providersOf(filter);
    const parts = await Promise.allSettled(
      providers.map(async (provider): Promise<MergedRows> =>
        provider === 'OPENPROVIDER' ? openproviderRows(filter, scope) : { rows: await domainNameApiRows(filter, scope), failures: [] },
      ),
    );
    const failures = parts.flatMap((part) => (part.status === 'rejected' ? [part.reason as Error] : part.value.failures));
    const rejected = parts.filter((part) => part.status === 'rejected');
    if (rejected.length > 0 && rejected.length === parts.length) throw rejected[0]!.reason;
    const unique = new Map<string, EmailVerification>();
    for (const part of parts) {
      if (part.status !== 'fulfilled') continue;
      for (const row of part.value.rows) if (matchesFilter(row, filter)) unique.set(emailVerificationKey(row), row);
    }
    return { rows: sortRows([...unique.values()]), failures };
  };

  /**
   * Contact.emailVerifications of Openprovider contacts, batched over the calls made in one tick (a page of contacts
   * resolves them together), so the batch can read the cached full list instead of one filtered call per handle.
   * A batcher only: nothing is cached here (the reads below go through the shared cache).
   */
  const openproviderRowsOfHandle = new DataLoader<{ handle: string; scope: RequestScope }, EmailVerification[], string>(
    async (keys) => {
      const grouped = await openprovider().byHandles(keys.map((key) => key.handle), keys[0]!.scope);
      // A handle with a row the gateway cannot read gets an error on its own field only (rows left out would read as
      // "no verification"); the other contacts of the batch are served.
      return keys.map((key) => {
        const found = grouped.get(key.handle.toUpperCase());
        return found?.unreadable.length ? unreadableRowsFailure(found.unreadable) : (found?.rows ?? []);
      });
    },
    { cache: false, cacheKeyFn: (key) => key.handle.toUpperCase() },
  );

  /** Openprovider's rows of one address, fresh from upstream (after a write). */
  const freshOpenproviderRows = async (email: string, scope: RequestScope): Promise<EmailVerification[]> => {
    await spendUpstream(scope, 'OPENPROVIDER', 1);
    const page = await openproviderClient().listEmailVerifications({ email, limit: OPENPROVIDER_PAGE_SIZE, offset: 0 }, scope);
    return sortRows(page.rows.filter((row) => row.email.toLowerCase() === email.toLowerCase()));
  };

  const resendAtOpenprovider = async (input: ResendInput, scope: RequestScope): Promise<EmailVerification | null> => {
    const reads = openprovider();
    const given = input.email?.trim() || null;
    const handle = input.handle?.trim() || null;
    let email = given;
    if (handle) {
      // The handle's address: from its verification rows, else from the contact itself.
      const rows = await reads.all({ handle }, scope);
      const handleEmail = rows[0]?.email ?? (await contactEmail(reads, handle, scope));
      if (!handleEmail) throw new NotFound('OPENPROVIDER', 'Openprovider has no contact with this handle.');
      if (given && given.toLowerCase() !== handleEmail.toLowerCase()) {
        throw new InputRejected([problem(['handle'], 'CONFLICT', 'The handle belongs to another email address than the one given.')]);
      }
      email = handleEmail;
    }
    // The handle goes along whenever it is known (providers/openprovider.md, revision 2: an address used by several
    // handles is otherwise ambiguous): named by the caller, or the one handle the address's rows name. Rows naming
    // several leave the choice to Openprovider, as before: which one the caller meant is not the gateway's to guess.
    await withResendCooldown(stores, 'OPENPROVIDER', email!.toLowerCase(), async () => {
      // Read fresh, not through the cache: a resend is rare, and a cached page would keep the address in Redis.
      const knownHandle = handle ?? onlyHandleOf(await freshOpenproviderRows(email!, scope));
      await spendUpstream(scope, 'OPENPROVIDER', 1);
      await reads.client.restartEmailVerification({ email: email!, handle: knownHandle, language: input.language?.trim() || null }, scope);
    });
    views.clear();
    await reads.invalidate();
    const fresh = await freshOpenproviderRows(email!, scope);
    return fresh.find((row) => !handle || row.handle?.toUpperCase() === handle.toUpperCase()) ?? fresh[0] ?? null;
  };

  const resendAtDomainNameApi = async (input: ResendInput, scope: RequestScope): Promise<EmailVerification | null> => {
    const reads = domainNameApi();
    const email = input.email?.trim() || null;
    const handle = input.handle?.trim() || null;
    if (email && handle) {
      const details = await reads.byHandle(handle, scope);
      if (!details) throw new NotFound('DOMAIN_NAME_API', 'Domain Name API has no contact with this handle.');
      if ((details.contact?.email ?? details.verification?.email ?? '').toLowerCase() !== email.toLowerCase()) {
        throw new InputRejected([problem(['handle'], 'CONFLICT', 'The handle belongs to another email address than the one given.')]);
      }
    }
    const query = handle ? { externalId: handle } : { email };
    await withResendCooldown(stores, 'DOMAIN_NAME_API', handle ? `handle:${handle.toUpperCase()}` : `email:${email!.toLowerCase()}`, async () => {
      await spendUpstream(scope, 'DOMAIN_NAME_API', 2); // the notice, then the fresh row
      await reads.client.resendVerificationNotice(query, scope);
    });
    views.clear();
    const fresh = await domainNameApiClient().getDetails(query, scope);
    await reads.invalidate([{ email, handle }, { email: fresh?.verification?.email ?? fresh?.contact?.email, handle: fresh?.verification?.handle ?? fresh?.contact?.handle }]);
    return fresh?.verification ?? null;
  };

  /**
   * Realtime Register keeps no email-verification rows: `POST .../contacts/{handle}/validate` (re)sends the holder's
   * validation email and there is no row to return.
   */
  const resendAtRealtimeRegister = async (input: ResendInput, scope: RequestScope): Promise<null> => {
    const client = clients.realtimeRegister;
    if (!client) throw ProviderFailure.disabled('REALTIME_REGISTER');
    const customer = input.customer?.trim() || client.defaultCustomer;
    await withResendCooldown(stores, 'REALTIME_REGISTER', `${customer}\n${input.handle!.trim()}`, async () => {
      await spendUpstream(scope, 'REALTIME_REGISTER', 1);
      await client.validateContact(input.handle!.trim(), { customer, requestId: scope.requestId, upstream: scope.upstream });
    });
    return null;
  };

  return {
    async list(filter, page, scope) {
      const normal = normaliseFilter(filter);
      const problems = [...pageSizeProblems(page), ...filterProblems(normal)];
      if (problems.length) throw new InputRejected(problems);
      const fingerprint = filterFingerprint(normal);
      const start = page.after ? decodeCursor(page.after, fingerprint) + 1 : 0;
      const first = page.first ?? DEFAULT_PAGE_SIZE;
      const { rows, failures } = await viewOf(normal, fingerprint, scope);
      const slice = rows.slice(start, start + first);
      return {
        items: slice.map((node, index) => ({ cursor: encodeCursor(start + index, fingerprint), node })),
        totalCount: rows.length,
        hasNextPage: start + slice.length < rows.length,
        hasPreviousPage: start > 0,
        ...(failures.length ? { failures } : {}),
      };
    },

    async forContact(contact, scope) {
      if (contact.provider === 'OPENPROVIDER') {
        const rows = await openproviderRowsOfHandle.load({ handle: contact.handle, scope });
        return sortRows(rows.filter((row) => matchesFilter(row, { handle: contact.handle })));
      }
      if (contact.provider === 'DOMAIN_NAME_API') {
        const details = await domainNameApi().byHandle(contact.handle, scope);
        return details ? [verificationOf(details)] : [];
      }
      return [];
    },

    async get(id, scope) {
      const first = id.indexOf(':');
      const last = id.lastIndexOf(':');
      if (first <= 0 || last <= first) return null;
      const provider = id.slice(0, first) as Provider;
      const email = id.slice(first + 1, last);
      const domain = id.slice(last + 1);
      if (!EMAIL_PROVIDERS.includes(provider) || !email) return null;
      // A node id is client text like any filter: the same address and domain rules before anything is sent, on the
      // parts as they are sent. Not trimmed first: the id is never trimmed, so a line break or tab around the address
      // passed the check and went into Openprovider's query string (and every spelling of it was another call).
      if (filterProblems({ email, domain: domain || null }).length) {
        throw new InputRejected([problem(['id'], 'INVALID_VALUE', 'The id does not name an email verification: its address or domain is malformed.')]);
      }
      if (provider === 'OPENPROVIDER') {
        const { rows, unreadable } = await openprovider().read({ email, ...(domain ? { domain } : {}) }, scope);
        const row = rows.find((candidate) => emailVerificationKey(candidate) === id);
        if (row) return row;
        // The row exists but cannot be read: an error, not "no such row".
        const left = unreadable.filter((candidate) => candidate.email !== null && emailVerificationKey({ provider, email: candidate.email, domain: candidate.domain }) === id);
        if (left.length) throw unreadableRowsFailure(left);
        return null;
      }
      const rows = await domainNameApiRows({ email }, scope);
      return rows.find((row) => emailVerificationKey(row) === id) ?? null;
    },

    async resend(input, scope) {
      const problems = resendProblems(input);
      if (problems.length) throw new InputRejected(problems);
      await assertStoreWritable(deps.stores);
      if (input.provider === 'REALTIME_REGISTER') return resendAtRealtimeRegister(input, scope);
      return input.provider === 'OPENPROVIDER' ? resendAtOpenprovider(input, scope) : resendAtDomainNameApi(input, scope);
    },
  };
}
