import { createHmac } from 'node:crypto';
import { toUtcIso } from '../domain/dates.js';
import { isRtrHandle } from '../domain/handles.js';
import { VERIFICATION_CLAIMS } from '../domain/verification.js';
import { rtrError } from './realtime-register-contacts.js';
import { listRows } from './realtime-register-list.js';
import type { SimResponse } from './simulator-server.js';

/** A notification in the wire shape of GET .../notifications/{id} (providers/realtime-register.md, "Notifications"). */
export interface SimNotification {
  id: number;
  fireDate: string;
  readDate?: string;
  acknowledgeDate?: string;
  deliveryDate?: string;
  message: string;
  reason?: string;
  customer: string;
  process?: number;
  eventType: string;
  notificationType: string;
  payload: Record<string, unknown>;
  isAsync: boolean;
  processType?: string;
  processIdentifier?: string;
  subjectStatus?: string;
}

/** What injectDenicRequest (and POST /__control/notifications) takes. Dates are ISO 8601. */
export interface DenicRequestOptions {
  handle: string;
  claims: string[];
  customer?: string;
  deDelegationDomain?: string;
  deDelegationDate?: string;
  deletionDomain?: string;
  deletionDate?: string;
  /** 'payload' (default): DENIC data in payload fields too; 'message': only in the message text. */
  shape?: 'payload' | 'message';
  /**
   * 'contact' (default): a contact process, the handle in processIdentifier. 'domain': a domain process, the domain
   * name in processIdentifier (processType `domain`) and the handle only in the payload (or the message text).
   */
  process?: 'contact' | 'domain';
}

/**
 * How the simulator writes the webhook `Signature` (mirrors WEBHOOK_SIGNATURE_READINGS in
 * src/providers/realtime-register/assumptions.ts, which sandbox/ may not import): Base64 of the digest (the docs'
 * prose), Base64 of " " + hex (the docs' worked example), or bare hex.
 */
export type SignatureReading = 'base64-digest' | 'base64-hex' | 'hex';

export function signWebhookBody(secret: string, body: string, reading: SignatureReading): string {
  const digest = createHmac('sha256', secret).update(body).digest();
  if (reading === 'base64-digest') return digest.toString('base64');
  if (reading === 'hex') return digest.toString('hex');
  return Buffer.from(` ${digest.toString('hex')}`, 'latin1').toString('base64');
}

/** One webhook push attempt, for tests and the control API. */
export interface WebhookDelivery {
  notificationId: number;
  /** 1 for the first push, 2 for the first retry, ... */
  attempt: number;
  at: string;
  url: string;
  status: number | null;
  error: string | null;
  delivered: boolean;
}

export interface NotificationCenterOptions {
  gatewayUrl: () => string | null;
  webhookSecret: string;
  /** Read at every push, so tests can switch it. */
  signatureReading: () => SignatureReading;
  /** `user:password` sent as Basic auth instead of the `Signature` (RTR's docs allow it), or null; read at every push. */
  webhookBasic: () => string | null;
  pushWebhooks: boolean;
  /** Wait before each retry; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  now: () => Date;
  log: (message: string) => void;
}

/**
 * ASSUMPTION (kept in step with src/providers/realtime-register/assumptions.ts, DENIC_NOTIFICATION and
 * DENIC_MESSAGE_FORMAT): how a DENIC verification request looks. The docs quote only the first sentence of the
 * message; the de-delegation and deletion sentences are invented, each optional, dates ISO 8601 UTC:
 *   [CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]. First domain to be de-delegated:
 *   example.de on 2026-12-01T00:00:00Z. First domain to be deleted: example.de on 2027-01-01T00:00:00Z
 */
export const DENIC_EVENT = {
  eventType: 'CONTACT_VERIFICATION_REQUIRED',
  notificationType: 'ContactVerificationNotification',
  processType: 'contact',
} as const;

export function denicMessage(options: DenicRequestOptions): string {
  let text = `[CONTACT VERIFICATION REQUIRED] for the following claims: [${options.claims.join(', ')}]`;
  if (options.deDelegationDomain && options.deDelegationDate) text += `. First domain to be de-delegated: ${options.deDelegationDomain} on ${options.deDelegationDate}`;
  if (options.deletionDomain && options.deletionDate) text += `. First domain to be deleted: ${options.deletionDomain} on ${options.deletionDate}`;
  return text;
}

/** Statuses Realtime Register counts as delivered. */
const DELIVERED = new Set([200, 201, 202]);
const PUSH_TIMEOUT_MS = 5_000;
const NOTIFICATION_FIELDS = new Set(['id', 'fireDate', 'readDate', 'acknowledgeDate', 'deliveryDate', 'eventType', 'notificationType', 'processType', 'processIdentifier', 'message']);

/**
 * The notification queue of each customer (poll returns the oldest unacknowledged one, the same until acked) and
 * the webhook push of each new notification, signed and retried like the provider does.
 */
export class NotificationCenter {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly all: SimNotification[] = [];
  private nextId = 70_001;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Pushes waiting for start() or for the gateway URL. */
  private readonly waiting = new Set<SimNotification>();
  private urlWatch: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly options: NotificationCenterOptions) {}

  injectNotification(partial: Partial<SimNotification> & { customer: string }): SimNotification {
    const { id: _id, fireDate, acknowledgeDate: _ack, readDate: _read, deliveryDate: _delivered, ...fields } = partial;
    const notification: SimNotification = {
      id: this.nextId++,
      fireDate: toUtcIso(fireDate)?.replace(/\.000Z$/, 'Z') ?? this.timestamp(),
      message: 'Notification',
      eventType: 'GENERIC',
      notificationType: 'Notification',
      payload: {},
      isAsync: false,
      ...fields,
    };
    this.all.push(notification);
    if (this.options.pushWebhooks) this.schedulePush(notification, 1, 0);
    return notification;
  }

  injectDenicRequest(input: DenicRequestOptions & { customer: string }): SimNotification {
    const options = normaliseDenic(input);
    const payload =
      (options.shape ?? 'payload') === 'payload'
        ? Object.fromEntries(
            Object.entries({
              handle: options.handle,
              claims: options.claims,
              deDelegationDate: options.deDelegationDate,
              deDelegationDomain: options.deDelegationDomain,
              deletionDate: options.deletionDate,
              deletionDomain: options.deletionDomain,
            }).filter(([, value]) => value !== undefined),
          )
        : {};
    const domainProcess = options.process === 'domain';
    return this.injectNotification({
      customer: input.customer,
      message: denicMessage(options),
      ...DENIC_EVENT,
      ...(domainProcess ? { processType: 'domain', processIdentifier: options.deDelegationDomain ?? `${options.handle}.de` } : { processIdentifier: options.handle }),
      // A domain process names the contact nowhere else: the payload carries the handle even in the message shape.
      payload: domainProcess ? { ...payload, handle: options.handle } : payload,
    });
  }

  /** GET .../notifications/poll: the oldest unacknowledged notification (marked read) and how many are waiting. */
  poll(customer: string): SimResponse {
    const open = this.all.filter((notification) => notification.customer === customer && !notification.acknowledgeDate);
    const oldest = open[0];
    if (!oldest) return { status: 200, body: { count: 0 } };
    oldest.readDate ??= this.timestamp();
    return { status: 200, body: { count: open.length, notification: oldest } };
  }

  /** POST .../notifications/{id}/ack: 200 with an empty body; acking twice is harmless. */
  ack(customer: string, id: number): SimResponse {
    const notification = this.find(customer, id);
    if (!notification) return notFound(id);
    notification.acknowledgeDate ??= this.timestamp();
    return { status: 200 };
  }

  get(customer: string, id: number): SimResponse {
    const notification = this.find(customer, id);
    return notification ? { status: 200, body: notification } : notFound(id);
  }

  list(customer: string, query: URLSearchParams): SimResponse {
    const rows = this.all.filter((notification) => notification.customer === customer);
    return listRows(rows, query, { fields: NOTIFICATION_FIELDS, searchFields: ['message', 'processIdentifier'], defaultOrder: 'id' });
  }

  /** Every notification of every customer, oldest first. */
  notifications(): SimNotification[] {
    return [...this.all];
  }

  /** Starts pushing: notifications injected before now are pushed once the gateway URL is known. */
  start(): void {
    this.running = true;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const notification of waiting) this.schedulePush(notification, 1, 0);
  }

  /** Cancels pending retries; in-flight pushes finish but schedule nothing more. */
  stop(): void {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.urlWatch) clearInterval(this.urlWatch);
    this.urlWatch = null;
  }

  private schedulePush(notification: SimNotification, attempt: number, delayMs: number): void {
    if (!this.running) {
      this.waiting.add(notification);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.push(notification, attempt);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async push(notification: SimNotification, attempt: number): Promise<void> {
    const base = this.options.gatewayUrl();
    if (!base) return this.waitForUrl(notification);
    // A notification acked through the queue meanwhile needs no more pushing.
    if (attempt > 1 && notification.acknowledgeDate) return;
    const url = `${base.replace(/\/$/, '')}/webhooks/realtime-register`;
    const { acknowledgeDate: _ack, ...pushed } = notification;
    const body = JSON.stringify(pushed);
    // An account set to Basic auth gets it "instead of HMAC" (RTR's docs): one credential per push, never both.
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const basic = this.options.webhookBasic();
    if (basic) headers.authorization = `Basic ${Buffer.from(basic, 'utf8').toString('base64')}`;
    else headers.signature = signWebhookBody(this.options.webhookSecret, body, this.options.signatureReading());
    const record: WebhookDelivery = { notificationId: notification.id, attempt, at: this.timestamp(), url, status: null, error: null, delivered: false };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      record.status = response.status;
      record.delivered = DELIVERED.has(response.status);
    } catch (error) {
      record.error = (error as Error).name === 'TimeoutError' ? `no answer within ${PUSH_TIMEOUT_MS} ms` : String((error as Error).message);
    }
    this.deliveries.push(record);
    if (record.delivered) {
      notification.deliveryDate ??= this.timestamp();
      return;
    }
    const delay = this.options.retryDelaysMs[attempt - 1];
    if (delay === undefined) {
      this.options.log(`Realtime Register simulator: webhook for notification ${notification.id} failed ${attempt} times; giving up (the real queue would stall)`);
      return;
    }
    this.options.log(`Realtime Register simulator: webhook for notification ${notification.id} failed (${record.status ?? record.error}); retry in ${delay} ms`);
    if (this.running) this.schedulePush(notification, attempt + 1, delay);
  }

  /** No gateway yet (standalone sandbox): check once a second and push when one appears. */
  private waitForUrl(notification: SimNotification): void {
    this.waiting.add(notification);
    if (this.urlWatch || !this.running) return;
    this.urlWatch = setInterval(() => {
      if (!this.options.gatewayUrl()) return;
      clearInterval(this.urlWatch!);
      this.urlWatch = null;
      this.start();
    }, 1_000);
    this.urlWatch.unref();
  }

  private find(customer: string, id: number): SimNotification | undefined {
    return this.all.find((notification) => notification.customer === customer && notification.id === id);
  }

  private timestamp(): string {
    return this.options.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

function notFound(id: number): SimResponse {
  return rtrError(404, 'ObjectDoesNotExist', `Notification ${id} does not exist`);
}

/** Checks injected options (a bad control request is the caller's mistake: thrown, answered 400). */
function normaliseDenic(options: DenicRequestOptions): DenicRequestOptions {
  if (typeof options.handle !== 'string' || !isRtrHandle(options.handle)) throw new Error('handle must be 3 to 40 characters of [a-zA-Z0-9-_@.]');
  if (!Array.isArray(options.claims) || options.claims.length === 0 || !options.claims.every((claim) => (VERIFICATION_CLAIMS as readonly string[]).includes(claim))) {
    throw new Error(`claims must be a non-empty list of ${VERIFICATION_CLAIMS.join(', ')}`);
  }
  if (options.shape !== undefined && options.shape !== 'payload' && options.shape !== 'message') throw new Error("shape must be 'payload' or 'message'");
  if (options.process !== undefined && options.process !== 'contact' && options.process !== 'domain') throw new Error("process must be 'contact' or 'domain'");
  const date = (field: 'deDelegationDate' | 'deletionDate') => {
    const value = options[field];
    if (value === undefined) return undefined;
    const iso = toUtcIso(value);
    if (!iso) throw new Error(`${field} must be an ISO 8601 date-time`);
    return iso.replace(/\.000Z$/, 'Z');
  };
  return { ...options, claims: [...options.claims], deDelegationDate: date('deDelegationDate'), deletionDate: date('deletionDate') };
}
