import { isIsoDateTime } from '../domain/dates.js';
import { InputRejected } from '../domain/errors.js';
import { problem } from '../domain/field-problem.js';
import { providerHandleProblems } from '../domain/handle-problems.js';
import type { VerificationRequest, VerificationRequestFilter, VerificationRequestStatus } from '../domain/verification-request.js';
import { earliestDeadline, effectiveRequestStatus } from '../domain/verification-request.js';
import type { QuarantinedDelivery } from '../domain/quarantined-delivery.js';
import type { ServiceDeps } from './deps.js';
import { createRealtimeRegisterWebhook } from './notification-webhook.js';
import type { Page, PageArgs } from './page.js';
import { createVerificationRequestBackground } from './verification-request-background.js';
import { recordSubmission, type SubmissionRecord } from './verification-request-lifecycle.js';
import type { WebhookHandler } from './webhook.js';

export type { SubmissionRecord } from './verification-request-lifecycle.js';

/** DENIC verification requests, from Realtime Register notifications (webhook and poll queue). */
export interface VerificationRequestService {
  /** Soonest earliest deadline first (none last), then receivedAt, then id. Throws InputRejected for a bad filter or page. */
  list(filter: VerificationRequestFilter | null, page: PageArgs): Promise<Page<VerificationRequest>>;
  /** The contact's requests in list order; customer null matches any. Read from `snapshot` when given. */
  forContact(handle: string, customer: string | null, status: VerificationRequestStatus[] | null, snapshot?: RequestStoreSnapshot): Promise<VerificationRequest[]>;
  /** A read of the store made at most once, for everything one execution asks of it (see RequestStoreSnapshot). */
  snapshot(): RequestStoreSnapshot;
  get(id: string): Promise<VerificationRequest | null>;
  /**
   * Everything that follows "the provider accepted the evidence", in ONE call so a caller (or an outbox) can retry it
   * whole: the request's submission and status (SUBMITTED for 200; PROCESSING for 202, its process then followed to
   * the end), VERIFICATION_SUBMITTED and VERIFICATION_REQUEST_CHANGED. Idempotent per sending (`submittedAt`).
   * Resolves with the request as stored (null without requestId). Throws StoreUnavailable / EventLogUnavailable.
   */
  recordSubmission(record: SubmissionRecord): Promise<VerificationRequest | null>;
  /** POST /webhooks/realtime-register */
  webhook: WebhookHandler;
  /**
   * Polls the Realtime Register queue now instead of waiting for the next interval (tests, operators); resolves with
   * the number of notifications ingested (0 when another instance holds the poller lease or polling is off).
   */
  pollNotifications(): Promise<number>;
  /** Checks due 202 processes now (0 when another instance holds the follower lease). */
  followProcesses(): Promise<number>;
  /** Runs the deadline scan now (OVERDUE, reminders); resolves with the events emitted. */
  scanDeadlines(): Promise<number>;
  /** Deliveries kept because they could not be used, newest first (at most `limit`). */
  quarantined(limit: number): Promise<QuarantinedDelivery[]>;
  /**
   * Starts the background work, each on one instance at a time: the notification poller (unless
   * REALTIME_REGISTER_POLL is off), the process follower and the deadline scan.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every stored request, read on first use and then kept. Each contact's `verificationRequests` read the whole store
 * (one HVALS of every request) on its own, and a page of requests asking for their contacts' requests, a few laps
 * deep, made thousands of those reads at once, which stalled Redis for every caller: the schema keeps one snapshot
 * per execution (a request, or one subscription event) and answers all its contacts from it.
 */
export interface RequestStoreSnapshot {
  read(): Promise<VerificationRequest[]>;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

export function createVerificationRequestService(deps: ServiceDeps): VerificationRequestService {
  const store = deps.stores.verificationRequests;
  const rtr = deps.config.providers.realtimeRegister;
  const background = createVerificationRequestBackground(deps);

  const sorted = async (keep: (request: VerificationRequest, now: Date) => boolean, stored = store.list()): Promise<VerificationRequest[]> => {
    const now = new Date();
    return (await stored).filter((request) => keep(request, now)).sort(compareRequests);
  };

  return {
    async list(filter, page) {
      const first = pageSize(page.first);
      const after = page.after === null || page.after === undefined ? null : decodeCursor(page.after);
      const deadlineBefore = filter?.deadlineBefore ?? null;
      const problems = providerHandleProblems(filter?.contactHandle, ['filter', 'contactHandle']);
      if (deadlineBefore !== null && !isIsoDateTime(deadlineBefore)) {
        problems.push(problem(['filter', 'deadlineBefore'], 'INVALID_FORMAT', 'deadlineBefore must be an ISO 8601 date-time with an offset, e.g. 2026-05-01T00:00:00Z.'));
      }
      if (problems.length) throw new InputRejected(problems);
      const all = await sorted((request, now) => matchesFilter(request, filter, now));
      const start = after ? all.findIndex((request) => compareRequests(request, after) > 0) : 0;
      const rest = start < 0 ? [] : all.slice(start);
      const items = rest.slice(0, first).map((node) => ({ cursor: encodeCursor(node), node }));
      return { items, totalCount: all.length, hasNextPage: rest.length > first, hasPreviousPage: after !== null };
    },

    async forContact(handle, customer, status, snapshot) {
      return sorted(
        (request, now) =>
          request.contactHandle === handle &&
          (customer === null || request.customer === null || request.customer === customer) &&
          (!status?.length || status.includes(effectiveRequestStatus(request, now))),
        snapshot ? snapshot.read() : store.list(),
      );
    },

    snapshot() {
      let stored: Promise<VerificationRequest[]> | null = null;
      return { read: () => (stored ??= store.list()) };
    },

    get: (id) => store.get(id),

    recordSubmission: (record) => recordSubmission(background.lifecycle, record),

    webhook: createRealtimeRegisterWebhook(rtr, background.ingest, background.quarantine, deps.logger.child({ component: 'rtr-webhook' })),

    pollNotifications: background.pollNotifications,
    followProcesses: background.followProcesses,
    scanDeadlines: background.scanDeadlines,
    quarantined: background.quarantined,
    start: async () => background.start(),
    stop: background.stop,
  };
}

function matchesFilter(request: VerificationRequest, filter: VerificationRequestFilter | null, now: Date): boolean {
  if (!filter) return true;
  if (filter.providers?.length && !filter.providers.includes(request.provider)) return false;
  if (filter.status?.length && !filter.status.includes(effectiveRequestStatus(request, now))) return false;
  if (filter.contactHandle && request.contactHandle !== filter.contactHandle) return false;
  if (filter.deadlineBefore) {
    const deadline = earliestDeadline(request);
    if (deadline === null || Date.parse(deadline) >= Date.parse(filter.deadlineBefore)) return false;
  }
  return true;
}

/** The sort key a cursor carries: enough to find the position again even after requests were added. */
type SortKey = Pick<VerificationRequest, 'id' | 'receivedAt' | 'deDelegationDeadline' | 'deletionDeadline'>;

/** Earliest deadline ascending with none last, then receivedAt, then id. */
export function compareRequests(a: SortKey, b: SortKey): number {
  const deadlineA = timeOf(earliestDeadline(a));
  const deadlineB = timeOf(earliestDeadline(b));
  if (deadlineA !== deadlineB) return deadlineA < deadlineB ? -1 : 1;
  const receivedA = timeOf(a.receivedAt);
  const receivedB = timeOf(b.receivedAt);
  if (receivedA !== receivedB) return receivedA < receivedB ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function timeOf(value: string | null): number {
  const time = value === null ? Number.NaN : Date.parse(value);
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

const CURSOR_PREFIX = 'vr1:';

/** Opaque to clients: base64url of the last item's sort key. */
function encodeCursor(request: VerificationRequest): string {
  const key = [earliestDeadline(request), request.receivedAt, request.id];
  return Buffer.from(CURSOR_PREFIX + JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): SortKey {
  const invalid = () => new InputRejected([problem(['after'], 'INVALID_VALUE', 'after is not a cursor from this connection.')]);
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) throw invalid();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) throw invalid();
  let key: unknown;
  try {
    key = JSON.parse(text.slice(CURSOR_PREFIX.length));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(key) || key.length !== 3) throw invalid();
  const [deadline, receivedAt, id] = key as unknown[];
  const isInstant = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));
  if (!(deadline === null || isInstant(deadline)) || !isInstant(receivedAt) || typeof id !== 'string' || id === '') throw invalid();
  return { id, receivedAt, deDelegationDeadline: deadline, deletionDeadline: null };
}

function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  // Relay's cursor connections spec refuses only a negative first: first: 0 asks for the count (and hasNextPage) alone.
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new InputRejected([problem(['first'], 'INVALID_VALUE', `first must be between 0 and ${MAX_PAGE_SIZE}.`)]);
  }
  return first;
}
