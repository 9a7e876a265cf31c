import { describe, expect, it } from 'vitest';
import type { DashboardRequestFragment } from '../../client/src/index.js';
import { matrixEntriesFor } from '../../src/domain/matrix.js';
import { defaultEvidence, describeEntry } from '../../src/dashboard/evidence-options.js';
import { requestsCsv } from '../../src/dashboard/requests-csv.js';

/** The matrix entries the gateway offers for these claims, in its order (src/domain/matrix.ts, as the verificationMatrix query serves them). */
const offered = (claims: Parameters<typeof matrixEntriesFor>[0]) => matrixEntriesFor(claims);

describe("the evidence form's first choice", () => {
  it('covers NAME and ADDRESS with one document that attests both, not the matrix\'s first entry', () => {
    const matrix = offered(['NAME', 'ADDRESS']);
    expect(matrix[0]?.proof).toBe('LOG_RECORD'); // the old default, which can never cover NAME
    const [choice, ...more] = defaultEvidence(matrix, ['NAME', 'ADDRESS']);
    expect(more).toEqual([]);
    expect(choice!.claims).toEqual(['NAME', 'ADDRESS']);
    expect(matrix[choice!.entry]!.claims).toEqual(expect.arrayContaining(['NAME', 'ADDRESS']));
  });

  it('adds pieces until every claim is covered, one claim per LOG_RECORD', () => {
    const matrix = offered(['EMAIL', 'VOICE']);
    const choices = defaultEvidence(matrix, ['EMAIL', 'VOICE']);
    expect(choices.flatMap((choice) => choice.claims).sort()).toEqual(['EMAIL', 'VOICE']);
    for (const choice of choices) if (matrix[choice.entry]!.exclusiveClaims) expect(choice.claims).toHaveLength(1);
  });

  it('says which requested claims each option covers', () => {
    const [logRecord] = offered(['NAME', 'ADDRESS']);
    expect(describeEntry(logRecord!, ['NAME', 'ADDRESS'])).toBe('REACHABILITY · LOG_RECORD: covers ADDRESS (one claim per piece of evidence)');
  });
});

describe('the requests CSV', () => {
  const request = (overrides: Partial<DashboardRequestFragment>): DashboardRequestFragment => ({
    id: 'r1',
    provider: 'REALTIME_REGISTER',
    notificationId: '4711',
    customer: 'sandbox',
    contactHandle: 'rtr-0001',
    claims: ['NAME'],
    status: 'OPEN',
    message: '',
    receivedAt: '2026-11-01T00:00:00.000Z',
    deDelegationDomain: 'a.de',
    deDelegationDeadline: '2026-12-01T00:00:00.000Z',
    deletionDomain: null,
    deletionDeadline: null,
    submissions: [],
    ...overrides,
  });

  it('writes one line per submission and one for a request without any, CRLF-separated', () => {
    const submission = { status: 'FAILED' as const, submittedAt: 't1', submittedBy: 'desk', processId: null, failureReason: null, verifications: [] };
    const lines = requestsCsv([request({}), request({ id: 'r2', submissions: [submission, { ...submission, status: 'ACCEPTED' }] })]).split('\r\n');
    expect(lines.filter((line) => line.startsWith('r1,'))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('r2,')).map((line) => line.split(',')[15])).toEqual(['FAILED', 'ACCEPTED']);
  });

  it("names what the provider knows the request by: its own request id, the contact handle and each sending's process id", () => {
    const submission = { status: 'PROCESSING' as const, submittedAt: 't1', submittedBy: 'desk', processId: 'proc-9', failureReason: null, verifications: [] };
    const [header, line] = requestsCsv([request({ id: 'VmVyaWZpY2F0aW9uUmVxdWVzdDpydHI6NDcxMQ==', submissions: [submission] })]).split('\r\n');
    const row = Object.fromEntries(header!.split(',').map((column, index) => [column, line!.split(',')[index]]));
    expect(row).toMatchObject({ 'request id': 'VmVyaWZpY2F0aW9uUmVxdWVzdDpydHI6NDcxMQ==', 'provider request id': '4711', 'contact handle': 'rtr-0001', 'process id': 'proc-9' });
  });

  it('quotes commas and quotes, and defuses cells a spreadsheet would run as formulas', () => {
    const csv = requestsCsv([request({ contactHandle: '=HYPERLINK("http://x")', customer: 'a,b' })]);
    expect(csv).toContain(`,"a,b",`);
    expect(csv).toContain(`,"'=HYPERLINK(""http://x"")",`);
  });
});
