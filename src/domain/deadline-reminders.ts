import type { DeadlineKind, VerificationRequest } from './verification-request.js';
import { effectiveRequestStatus } from './verification-request.js';

/** A reminder that is due: which deadline, at which threshold, and the looser thresholds it makes moot. */
export interface DueReminder {
  kind: DeadlineKind;
  deadline: string;
  /** The threshold (seconds before the deadline) this reminder is for: the tightest one already crossed. */
  thresholdSeconds: number;
  /** Looser thresholds crossed at the same time (a request that arrives 2 days out has crossed 7d and 3d): they are
   * recorded as done without an event of their own, so subscribers get one reminder, not a burst. */
  mootThresholdsSeconds: number[];
  remainingSeconds: number;
}

/** Requests that still need evidence: a reminder means something only for them. */
const NEEDS_EVIDENCE = new Set(['OPEN', 'REJECTED', 'OVERDUE']);

/**
 * The reminders a request is due at `now` for each deadline (de-delegation, deletion) still ahead: at most one per
 * deadline, for the tightest threshold crossed. Whether one was already sent is the store's business (a claim per
 * request, deadline kind and threshold); this only says which would be sent. An OVERDUE request (de-delegated) still
 * gets reminders for its later deletion deadline.
 */
export function dueReminders(request: VerificationRequest, thresholdsSeconds: readonly number[], now: Date): DueReminder[] {
  if (!NEEDS_EVIDENCE.has(effectiveRequestStatus(request, now))) return [];
  const deadlines: [DeadlineKind, string | null][] = [
    ['DE_DELEGATION', request.deDelegationDeadline],
    ['DELETION', request.deletionDeadline],
  ];
  const due: DueReminder[] = [];
  for (const [kind, deadline] of deadlines) {
    const at = deadline ? Date.parse(deadline) : Number.NaN;
    if (Number.isNaN(at) || at <= now.getTime()) continue;
    const remainingSeconds = Math.floor((at - now.getTime()) / 1000);
    const crossed = thresholdsSeconds.filter((threshold) => remainingSeconds <= threshold).sort((a, b) => a - b);
    if (crossed.length === 0) continue;
    due.push({ kind, deadline: deadline!, thresholdSeconds: crossed[0]!, mootThresholdsSeconds: crossed.slice(1), remainingSeconds });
  }
  return due;
}

/** The once-only key of a reminder: per request, deadline kind, deadline instant and threshold. */
export function reminderKey(requestId: string, kind: DeadlineKind, deadline: string, thresholdSeconds: number): string {
  return `reminder:${requestId}:${kind}:${deadline}:${thresholdSeconds}`;
}
