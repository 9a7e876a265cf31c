/**
 * The open requests as CSV with their submissions (the audit trail a registrar keeps): one line per submission,
 * a request without any on one line of its own. Beside the gateway's opaque request id it carries what the provider
 * knows the request by (its notification id, the contact handle, each sending's process id), so a registrar can
 * match a line to the provider's own records. Pure, so it is tested without a browser.
 */
import type { DashboardRequestFragment } from '../../client/src/index.js';

export const REQUEST_CSV_COLUMNS = [
  'request id',
  'provider',
  'provider request id',
  'customer',
  'contact handle',
  'claims',
  'status',
  'received at',
  'de-delegation domain',
  'de-delegation deadline',
  'deletion domain',
  'deletion deadline',
  'submission',
  'submitted at',
  'submitted by',
  'submission status',
  'process id',
  'failure reason',
  'evidence',
] as const;

export function requestsCsv(requests: readonly DashboardRequestFragment[]): string {
  const lines = [REQUEST_CSV_COLUMNS.map(cell)];
  for (const request of requests) {
    const common = [
      request.id,
      request.provider,
      request.notificationId,
      request.customer,
      request.contactHandle,
      request.claims.join(' '),
      request.status,
      request.receivedAt,
      request.deDelegationDomain,
      request.deDelegationDeadline,
      request.deletionDomain,
      request.deletionDeadline,
    ];
    if (request.submissions.length === 0) lines.push([...common, '', '', '', '', '', '', ''].map(cell));
    request.submissions.forEach((submission, index) => {
      const evidence = submission.verifications
        .map((verification) => `${verification.method}/${verification.proof} ${verification.claims.join('+')} ref ${verification.externalId} verified ${verification.verifiedAt}`)
        .join('; ');
      lines.push(
        [...common, String(index + 1), submission.submittedAt, submission.submittedBy, submission.status, submission.processId, submission.failureReason, evidence].map(cell),
      );
    });
  }
  // RFC 4180: CRLF between records.
  return lines.map((line) => line.join(',')).join('\r\n') + '\r\n';
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break; a leading = + - @ (or tab, CR) is prefixed with
 * an apostrophe so a spreadsheet shows the text instead of running it as a formula (OWASP "CSV injection").
 */
function cell(value: string | null | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
