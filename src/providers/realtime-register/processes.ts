import { maskedHead } from '../../domain/digit-runs.js';

/**
 * Realtime Register's asynchronous processes: every 202 names one (header `x-process-id`, body `processId`), and
 * `GET /v2/processes/{processId}` says where it stands (providers/realtime-register.md, "Asynchronous processes";
 * the vendor's API spec, realtimeregister/skills processes.yaml and _shared.yaml; realtimeregister-ts
 * models/process/Process.ts). This file is the wire shape and what each status means; the call is in client.ts.
 */

/** Every status the spec lists. */
export const PROCESS_STATUSES = ['NEW', 'VALIDATED', 'RUNNING', 'COMPLETED', 'INVALID', 'CANCELLED', 'FAILED', 'IN_DOUBT', 'SCHEDULED', 'SUSPENDED'] as const;

/** The final ones besides COMPLETED: the process ended without doing the work. */
const FAILED_STATUSES = new Set(['FAILED', 'INVALID', 'CANCELLED']);

/** What the gateway does with a status: wait more, or end the follow-up one way or the other. */
export type ProcessOutcome = 'PENDING' | 'COMPLETED' | 'FAILED';

/** The parts of a process the gateway reads. */
export interface RtrProcessState {
  id: string;
  /** The status as RTR sent it (a status it adds later counts as PENDING: it is not final as far as we know). */
  status: string;
  outcome: ProcessOutcome;
  /** For FAILED: the provider's reason (error, errors, statusDetail), else a sentence naming the status. */
  reason: string | null;
}

/** `{id, status, type, createdDate, statusDetail?, error?, errors?, ...}` -> RtrProcessState; null when unreadable. */
export function processStateFromWire(body: unknown): RtrProcessState | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const record = body as Record<string, unknown>;
  const status = typeof record.status === 'string' ? record.status.trim().toUpperCase() : '';
  const id = typeof record.id === 'number' || typeof record.id === 'string' ? String(record.id) : '';
  if (!status) return null;
  const outcome: ProcessOutcome = status === 'COMPLETED' ? 'COMPLETED' : FAILED_STATUSES.has(status) ? 'FAILED' : 'PENDING';
  return { id, status, outcome, reason: outcome === 'FAILED' ? failureReason(record, status) : null };
}

const REASON_MAX = 500;

/** The provider's words for why a process failed: `error.message`, then `errors[]`, then `statusDetail`. */
function failureReason(record: Record<string, unknown>, status: string): string {
  const candidates: unknown[] = [];
  const error = record.error;
  if (typeof error === 'string') candidates.push(error);
  if (typeof error === 'object' && error !== null) {
    const fields = error as Record<string, unknown>;
    candidates.push(fields.message, fields.description, fields.type);
  }
  const errors = record.errors;
  if (Array.isArray(errors)) {
    for (const item of errors.slice(0, 5)) candidates.push(typeof item === 'object' && item !== null ? (item as Record<string, unknown>).message : item);
  }
  candidates.push(record.statusDetail);
  const reason = candidates.find((value): value is string => typeof value === 'string' && value.trim() !== '');
  // Stored and published with the request: an ID number the provider quotes (from the evidence sent) is masked.
  return maskedHead(reason?.trim() ?? `Realtime Register ended the process ${status}.`, REASON_MAX);
}
