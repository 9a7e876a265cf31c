import { describe, expect, it } from 'vitest';
import { dueReminders, reminderKey } from '../../src/domain/deadline-reminders.js';
import type { VerificationRequest, VerificationSubmission } from '../../src/domain/verification-request.js';
import {
  changedEvent,
  endProcess,
  markOverdue,
  recordSubmission,
  replayProcessEnd,
  replaySubmission,
} from '../../src/domain/verification-request-lifecycle.js';

const DAY = 86_400_000;
const now = new Date('2026-06-01T12:00:00.000Z');
const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString();

function request(overrides: Partial<VerificationRequest> = {}): VerificationRequest {
  return {
    id: 'rtr:acme:1',
    provider: 'REALTIME_REGISTER',
    customer: 'acme',
    contactHandle: 'h-1',
    claims: ['NAME'],
    status: 'OPEN',
    message: 'verify',
    receivedAt: at(-10),
    deDelegationDomain: 'a.de',
    deDelegationDeadline: at(5),
    deletionDomain: 'a.de',
    deletionDeadline: at(35),
    notificationId: '1',
    submittedAt: null,
    ...overrides,
  };
}

function sending(status: VerificationSubmission['status'], processId: string | null, submittedAt = now.toISOString()): VerificationSubmission {
  return { submittedAt, verifications: [], processId, status, failureReason: null, submittedBy: 'ops' };
}

describe('the verification request lifecycle', () => {
  it('OPEN -> SUBMITTED on evidence answered 200, announcing the change', () => {
    const transition = recordSubmission(request(), sending('ACCEPTED', '1'));
    expect(transition.request).toMatchObject({ status: 'SUBMITTED', submittedAt: now.toISOString() });
    expect(changedEvent(transition, now.toISOString())).toMatchObject({ type: 'VERIFICATION_REQUEST_CHANGED', previousStatus: 'OPEN', contactHandle: 'h-1' });
  });

  it('OPEN -> PROCESSING on 202, then SUBMITTED when the process completes', () => {
    const processing = recordSubmission(request(), sending('PROCESSING', '77'));
    expect(processing).toMatchObject({ previousStatus: 'OPEN', request: { status: 'PROCESSING', submittedAt: null } });
    const done = endProcess(processing.request, '77', { status: 'COMPLETED' }, at(0.001));
    expect(done.previousStatus).toBe('PROCESSING');
    expect(done.request).toMatchObject({ status: 'SUBMITTED', submittedAt: at(0.001), submissions: [expect.objectContaining({ status: 'ACCEPTED' })] });
  });

  it('PROCESSING -> REJECTED with the provider\'s reason when the process fails', () => {
    const processing = recordSubmission(request(), sending('PROCESSING', '77')).request;
    const failed = endProcess(processing, '77', { status: 'FAILED', reason: 'The registry refused the data' }, now.toISOString());
    expect(failed.previousStatus).toBe('PROCESSING');
    expect(failed.request.status).toBe('REJECTED');
    expect(failed.request.submissions?.[0]).toMatchObject({ status: 'FAILED', failureReason: 'The registry refused the data' });
  });

  it('keeps a request SUBMITTED when a later resend fails: the accepted evidence still covers the claims', () => {
    const submitted = recordSubmission(request(), sending('ACCEPTED', '1', at(-1))).request;
    const resent = recordSubmission(submitted, sending('PROCESSING', '2'));
    expect(resent.previousStatus).toBeNull();
    const failed = endProcess(resent.request, '2', { status: 'FAILED', reason: 'no' }, now.toISOString());
    expect(failed).toMatchObject({ previousStatus: null, request: { status: 'SUBMITTED' } });
  });

  it('REJECTED -> PROCESSING on new evidence', () => {
    const rejected = request({ status: 'REJECTED', submissions: [{ ...sending('FAILED', '1', at(-1)), failureReason: 'no' }] });
    expect(recordSubmission(rejected, sending('PROCESSING', '2'))).toMatchObject({ previousStatus: 'REJECTED', request: { status: 'PROCESSING' } });
  });

  it('ignores the end of a process it does not know, or one that already ended', () => {
    const processing = recordSubmission(request(), sending('PROCESSING', '77')).request;
    expect(endProcess(processing, '78', { status: 'COMPLETED' }, now.toISOString())).toEqual({ request: processing, previousStatus: null });
    const done = endProcess(processing, '77', { status: 'COMPLETED' }, now.toISOString()).request;
    expect(endProcess(done, '77', { status: 'FAILED', reason: 'late' }, now.toISOString())).toEqual({ request: done, previousStatus: null });
  });

  it('records one sending once, and tells a retry what the first attempt changed', () => {
    const once = recordSubmission(request(), sending('ACCEPTED', '1'));
    expect(recordSubmission(once.request, sending('ACCEPTED', '1'))).toEqual({ request: once.request, previousStatus: null });
    expect(replaySubmission(once.request, sending('ACCEPTED', '1')).previousStatus).toBe('OPEN');
    const done = endProcess(recordSubmission(request(), sending('PROCESSING', '9')).request, '9', { status: 'COMPLETED' }, now.toISOString()).request;
    expect(replayProcessEnd(done, '9').previousStatus).toBe('PROCESSING');
  });

  it('OPEN or REJECTED past the earliest deadline -> OVERDUE, once; PROCESSING and SUBMITTED never', () => {
    const late = new Date(now.getTime() + 6 * DAY);
    expect(markOverdue(request(), late)).toMatchObject({ previousStatus: 'OPEN', request: { status: 'OVERDUE' } });
    expect(markOverdue(request({ status: 'REJECTED' }), late)).toMatchObject({ previousStatus: 'REJECTED', request: { status: 'OVERDUE' } });
    expect(markOverdue(request({ status: 'OVERDUE' }), late).previousStatus).toBeNull();
    expect(markOverdue(request({ status: 'PROCESSING' }), late).previousStatus).toBeNull();
    expect(markOverdue(request({ status: 'SUBMITTED' }), late).previousStatus).toBeNull();
    expect(markOverdue(request(), now).previousStatus).toBeNull();
  });

  it('announces evidence sent after the deadline as a change from what readers saw: OVERDUE', () => {
    const late = request({ deDelegationDeadline: at(-1) });
    expect(recordSubmission(late, sending('ACCEPTED', '1')).previousStatus).toBe('OVERDUE');
  });
});

describe('deadline reminders', () => {
  const thresholds = [7 * 86_400, 3 * 86_400, 86_400];

  it('is due for the tightest threshold crossed, naming the looser ones as moot', () => {
    const [reminder] = dueReminders(request({ deDelegationDeadline: at(2), deletionDeadline: null }), thresholds, now);
    expect(reminder).toEqual({ kind: 'DE_DELEGATION', deadline: at(2), thresholdSeconds: 3 * 86_400, mootThresholdsSeconds: [7 * 86_400], remainingSeconds: 2 * 86_400 });
  });

  it('is due for each deadline on its own', () => {
    const due = dueReminders(request({ deDelegationDeadline: at(0.5), deletionDeadline: at(6) }), thresholds, now);
    expect(due.map((reminder) => [reminder.kind, reminder.thresholdSeconds])).toEqual([
      ['DE_DELEGATION', 86_400],
      ['DELETION', 7 * 86_400],
    ]);
  });

  it('is not due before the loosest threshold, after the deadline, or once evidence is in', () => {
    expect(dueReminders(request({ deDelegationDeadline: at(8), deletionDeadline: at(40) }), thresholds, now)).toEqual([]);
    expect(dueReminders(request({ status: 'SUBMITTED', deDelegationDeadline: at(1) }), thresholds, now)).toEqual([]);
    expect(dueReminders(request({ status: 'PROCESSING', deDelegationDeadline: at(1) }), thresholds, now)).toEqual([]);
  });

  it('still reminds an OVERDUE (de-delegated) request of its deletion deadline', () => {
    const due = dueReminders(request({ status: 'OVERDUE', deDelegationDeadline: at(-1), deletionDeadline: at(2) }), thresholds, now);
    expect(due.map((reminder) => reminder.kind)).toEqual(['DELETION']);
  });

  it('keys each reminder by request, deadline kind, deadline and threshold', () => {
    expect(reminderKey('rtr:acme:1', 'DELETION', at(2), 86_400)).toBe(`reminder:rtr:acme:1:DELETION:${at(2)}:86400`);
  });
});
