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

/**
 * The provider's words for why a process failed: `error`, then `errors` (a list of texts or objects, or a map of field
 * to text), then `result`, then `statusDetail`. The document lists `result?, errors?` and no shape for either.
 */
function failureReason(record: Record<string, unknown>, status: string): string {
  const errors = record.errors;
  const errorItems = Array.isArray(errors) ? errors.slice(0, 5) : typeof errors === 'object' && errors !== null ? Object.values(errors).slice(0, 5) : [];
  const candidates = [record.error, ...errorItems, record.result, record.statusDetail].map(reasonText);
  const reason = candidates.find((value): value is string => value !== null);
  // Stored and published with the request: an ID number the provider quotes (from the evidence sent) is masked.
  return maskedHead(reason ?? `Realtime Register ended the process ${status}.`, REASON_MAX);
}

/** A text, or an object's message (description, detail, then type): null when there is none. */
function reasonText(value: unknown): string | null {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const fields = value as Record<string, unknown>;
    value = [fields.message, fields.description, fields.detail, fields.type].find((field) => typeof field === 'string' && field.trim() !== '');
  }
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
