/** The email-verification panel: one page at a time, searchable by contact handle, with a resend button per row. */
import { EmailVerificationsDocument, ResendEmailDocument } from '../../client/src/index.js';
import type { DashboardEmailVerificationFragment, EmailVerificationsQuery } from '../../client/src/index.js';
import { GatewayRequestError } from '../../client/src/index.js';
import { $, badge, cell, errorText, formatInstant, h, showError, showOk } from './dom.js';
import { gateway } from './gateway-client.js';
import { Pager } from './pager.js';

export type EmailRow = DashboardEmailVerificationFragment;

const PAGE_SIZE = 10;
let rows: EmailRow[] = [];
let handle: string | null = null;

const pager = new Pager('email verifications', PAGE_SIZE, $('emails-pager'), (after) => loadEmails(after));

/**
 * An address that wraps where a reader expects (before the @ or a dot) on a phone's narrow column, instead of
 * wherever the line runs out ("example.co" / "m"); only an address longer than the column still breaks elsewhere.
 * Bounded input (an address), one pass: linear.
 */
function breakableEmail(email: string): HTMLElement {
  // A lookahead only: a lookbehind is a syntax error in Safari before 16.4, which would stop the whole page.
  const pieces = email.split(/(?=[.@])/);
  return h('span', { class: 'email' }, ...pieces.flatMap((piece, index) => (index === 0 ? [piece] : [h('wbr'), piece])));
}

function render(): void {
  $('emails')
    .querySelector('tbody')
    ?.replaceChildren(
      ...rows.map((row) =>
        h(
          'tr',
          { 'data-email-id': row.id },
          cell('Email', {}, breakableEmail(row.email), h('span', { class: 'meta' }, ` ${[row.handle, row.domain].filter(Boolean).join(' · ')}`)),
          cell('Provider', {}, row.provider),
          cell(
            'Status',
            { title: `provider status: ${row.providerStatus}` },
            badge(row.status),
            row.failureReason ? ` ${row.failureReason}` : '',
            row.suspended ? ' (domains suspended)' : '',
          ),
          cell('Expires', {}, formatInstant(row.expiresAt)),
          h(
            'td',
            { 'data-label': 'Action' },
            row.status === 'VERIFIED' ? null : h('button', { type: 'button', 'aria-label': `Resend the verification email to ${row.email}`, onclick: () => void resend(row) }, 'Resend'),
          ),
        ),
      ),
    );
  // After a refused load the error says why; "No email verifications." would claim the search ran and found none.
  $('emails-empty').hidden = rows.length > 0 || !$('email-error').hidden;
  // Nor "0 of 0" and two dead buttons under that error: the count is unknown, not zero.
  $('emails-pager').hidden = rows.length === 0 && !$('email-error').hidden;
}

export async function loadEmails(after: string | null = pager.after): Promise<void> {
  const errorBox = $('email-error');
  let data: EmailVerificationsQuery | null = null;
  try {
    data = await gateway.request(EmailVerificationsDocument, { filter: handle ? { handle } : null, first: PAGE_SIZE, after });
    errorBox.hidden = true;
  } catch (error) {
    errorBox.hidden = false;
    errorBox.textContent = `Could not load email verifications: ${errorText(error)}`;
    // A provider missing from a merged page still leaves the other's rows.
    if (error instanceof GatewayRequestError) data = error.data as EmailVerificationsQuery | null;
  }
  const connection = data?.emailVerifications;
  rows = connection?.edges.map((edge) => edge.node) ?? [];
  pager.update(rows.length, connection?.totalCount ?? 0, connection?.pageInfo.endCursor, connection?.pageInfo.hasNextPage ?? false);
  render();
}

/** An email row changed (an event): replaced where it is shown. */
export function upsertEmail(row: EmailRow): void {
  rows = rows.map((other) => (other.id === row.id ? row : other));
  render();
}

async function resend(row: EmailRow): Promise<void> {
  const result = $('email-result');
  try {
    const { resendEmailVerification: answer } = await gateway.request(ResendEmailDocument, { input: { provider: row.provider, email: row.email, handle: row.handle } });
    if (answer.__typename !== 'ResendEmailVerificationSuccess') return showError(result, answer);
    if (answer.emailVerification) upsertEmail(answer.emailVerification);
    showOk(result, `Verification email sent again to ${row.email}.`);
  } catch (error) {
    showError(result, error);
  }
}

$('emails-search').addEventListener('submit', (event) => {
  event.preventDefault();
  handle = String(new FormData(event.target as HTMLFormElement).get('handle') ?? '').trim() || null;
  pager.reset();
  void loadEmails(null);
});
$('emails-search').addEventListener('reset', () => {
  handle = null;
  pager.reset();
  void loadEmails(null);
});
