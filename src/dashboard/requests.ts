/** The verification requests panel: one page at a time, searchable by handle, with each request's submissions. */
import { OpenVerificationRequestsDocument } from '../../client/src/index.js';
import type { DashboardRequestFragment, VerificationRequestStatus } from '../../client/src/index.js';
import { $, badge, cell, errorText, formatInstant, formatTimeLeft, h } from './dom.js';
import { gateway } from './gateway-client.js';
import { Pager } from './pager.js';
import { requestsCsv } from './requests-csv.js';

export type Request = DashboardRequestFragment;

const PAGE_SIZE = 20;
/** What the list shows unless "all" is chosen: requests that still need someone (or the provider) to act. */
const NEEDS_ATTENTION: VerificationRequestStatus[] = ['OPEN', 'PROCESSING', 'REJECTED', 'OVERDUE'];
const ALL: VerificationRequestStatus[] = [...NEEDS_ATTENTION, 'SUBMITTED'];
/** Evidence can (still) be sent for these. */
const AWAITING_EVIDENCE: ReadonlySet<string> = new Set(['OPEN', 'REJECTED', 'OVERDUE']);
/** The CSV export reads at most this many pages of 1000. */
const MAX_EXPORT_PAGES = 20;

let page: Request[] = [];
/** The cursor `page` was loaded after: another one is another page, where this page's changes are not shown. */
let pageAfter: string | null = null;
let handle: string | null = null;
let statuses = NEEDS_ATTENTION;
/**
 * Requests of this page that changed while it is open (submitted here, or by an event): shown, in their new state,
 * until the view changes, even when the change takes them out of it (a request submitted on "Needing attention").
 */
const changed = new Map<string, Request>();
let openEvidence: (request: Request) => void = () => {};

const pager = new Pager('verification requests', PAGE_SIZE, $('requests-pager'), (after) => loadRequests(after));

export function onSubmitEvidence(open: (request: Request) => void): void {
  openEvidence = open;
}

function earliestDeadline(request: Request): number | null {
  const deadlines = [request.deDelegationDeadline, request.deletionDeadline].filter((value): value is string => !!value).map((value) => Date.parse(value));
  return deadlines.length ? Math.min(...deadlines) : null;
}

function submissionsOf(request: Request): HTMLElement | null {
  if (request.submissions.length === 0) return null;
  const count = `${request.submissions.length} submission${request.submissions.length === 1 ? '' : 's'}`;
  return h(
    'details',
    { class: 'submissions' },
    h('summary', {}, count),
    h(
      'ol',
      {},
      ...request.submissions.map((submission) =>
        h(
          'li',
          {},
          badge(submission.status),
          ` ${formatInstant(submission.submittedAt)}${submission.submittedBy ? ` by ${submission.submittedBy}` : ''}`,
          submission.processId ? h('span', { class: 'meta' }, ` process ${submission.processId}`) : null,
          submission.failureReason ? h('p', { class: 'error' }, submission.failureReason) : null,
          h(
            'ul',
            {},
            ...submission.verifications.map((verification) =>
              h('li', {}, `${verification.method} · ${verification.proof}: ${verification.claims.join(', ')} (ref ${verification.externalId})`),
            ),
          ),
        ),
      ),
    ),
  );
}

function row(request: Request): HTMLElement {
  const deadline = earliestDeadline(request);
  const domain = request.deDelegationDeadline && Date.parse(request.deDelegationDeadline) === deadline ? request.deDelegationDomain : request.deletionDomain;
  // A request still PROCESSING can yet be refused, and its deadline then still holds: the clock stops at SUBMITTED only.
  const counting = deadline !== null && request.status !== 'SUBMITTED';
  return h(
    'tr',
    { 'data-request-id': request.id, 'data-status': request.status },
    cell('Contact', {}, h('strong', {}, request.contactHandle), request.customer ? h('span', { class: 'meta' }, ` ${request.customer}`) : null),
    cell('Claims', {}, request.claims.join(', ')),
    cell('Deadline', {}, deadline === null ? '—' : `${formatInstant(new Date(deadline).toISOString())}${domain ? ` (${domain})` : ''}`),
    cell(
      'Time left',
      {},
      counting ? h('time', { 'data-deadline': String(deadline), datetime: new Date(deadline).toISOString() }, formatTimeLeft(deadline - Date.now())) : '—',
    ),
    cell('Status', {}, badge(request.status), submissionsOf(request)),
    h(
      'td',
      { 'data-label': 'Action' },
      AWAITING_EVIDENCE.has(request.status)
        ? h('button', { type: 'button', 'aria-label': `Submit evidence for ${request.contactHandle}`, onclick: () => openEvidence(request) }, 'Submit evidence')
        : null,
    ),
  );
}

function render(): void {
  const shown = page.map((request) => changed.get(request.id) ?? request);
  for (const request of changed.values()) if (!shown.some((other) => other.id === request.id)) shown.push(request);
  $('requests').querySelector('tbody')?.replaceChildren(...shown.map(row));
  $('requests-empty').hidden = shown.length > 0 || !$('requests-error').hidden;
}

export function tickCountdowns(): void {
  for (const element of document.querySelectorAll('time[data-deadline]')) {
    element.textContent = formatTimeLeft(Number(element.getAttribute('data-deadline')) - Date.now());
  }
}

/** Loads the current page (after: the pager's cursor), keeping the search and the status choice. */
export async function loadRequests(after: string | null = pager.after): Promise<void> {
  const errorBox = $('requests-error');
  try {
    const { verificationRequests } = await gateway.request(OpenVerificationRequestsDocument, { status: statuses, contactHandle: handle, first: PAGE_SIZE, after });
    if (after !== pageAfter) changed.clear();
    pageAfter = after;
    page = verificationRequests?.edges.map((edge) => edge.node) ?? [];
    pager.update(page.length, verificationRequests?.totalCount ?? 0, verificationRequests?.pageInfo.endCursor, verificationRequests?.pageInfo.hasNextPage ?? false);
    $('requests-count').textContent = `(${verificationRequests?.totalCount ?? 0}${handle ? ` for ${handle}` : ''})`;
    errorBox.hidden = true;
  } catch (error) {
    errorBox.hidden = false;
    errorBox.textContent = `Could not load verification requests: ${errorText(error)}`;
  }
  render();
}

/**
 * A request changed (submitted here, or an event). One shown here is updated at once and kept visible until the view
 * changes; any other may now belong to this view or not (another contact's, on a handle search; another page's): the
 * gateway's filter and order decide, by a reload.
 */
export function upsertRequest(request: Request): void {
  if (!changed.has(request.id) && !page.some((shown) => shown.id === request.id)) return void loadRequests();
  changed.set(request.id, request);
  render();
}

async function search(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const fields = new FormData(event.target as HTMLFormElement);
  handle = String(fields.get('handle') ?? '').trim() || null;
  statuses = fields.get('status') === 'all' ? ALL : NEEDS_ATTENTION;
  changed.clear();
  pager.reset();
  await loadRequests(null);
}

/** Every request of the current view (all pages), with submissions, as a CSV file download. */
async function downloadCsv(): Promise<void> {
  const result = $('requests-export');
  result.className = '';
  result.textContent = 'Preparing the CSV…';
  try {
    const all: Request[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < MAX_EXPORT_PAGES; pages++) {
      const { verificationRequests }: Awaited<ReturnType<typeof fetchPage>> = await fetchPage(after);
      all.push(...(verificationRequests?.edges.map((edge) => edge.node) ?? []));
      if (!verificationRequests?.pageInfo.hasNextPage) break;
      after = verificationRequests.pageInfo.endCursor ?? null;
    }
    const link = h('a', { href: URL.createObjectURL(new Blob([requestsCsv(all)], { type: 'text/csv;charset=utf-8' })), download: `verification-requests-${new Date().toISOString().slice(0, 10)}.csv` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.getAttribute('href') ?? ''), 60_000);
    result.textContent = `Downloaded ${all.length} request${all.length === 1 ? '' : 's'}.`;
  } catch (error) {
    result.className = 'error';
    result.textContent = `Could not export: ${errorText(error)}`;
  }
}

function fetchPage(after: string | null) {
  return gateway.request(OpenVerificationRequestsDocument, { status: statuses, contactHandle: handle, first: 1000, after });
}

$('requests-search').addEventListener('submit', (event) => void search(event as SubmitEvent));
$('requests-search').addEventListener('reset', () => {
  handle = null;
  statuses = NEEDS_ATTENTION;
  changed.clear();
  pager.reset();
  void loadRequests(null);
});
$('requests-download').addEventListener('click', () => void downloadCsv());
