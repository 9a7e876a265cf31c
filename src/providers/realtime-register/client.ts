import type { RealtimeRegisterConfig } from '../../config.js';
import type { Contact, ContactDraft } from '../../domain/contact.js';
import { InputRejected } from '../../domain/errors.js';
import { problem } from '../../domain/field-problem.js';
import { isRtrHandle } from '../../domain/handles.js';
import type { ProviderClientDeps } from '../client-deps.js';
import type { UpstreamMethod, UpstreamRequest, UpstreamResponse } from '../http.js';
import { LIST_LIMIT_MAX, PROCESS_ID_HEADER } from './assumptions.js';
import { realtimeRegisterMetrics } from '../../observability/realtime-register-metrics.js';
import { EMAIL_VALIDATION_CATEGORIES } from './assumptions.js';
import { isNoSuchObject, maintenanceWaitMs, rtrError, unreadableAnswer } from './errors.js';
import type { ContactChanges, UnknownValueReporter } from './map.js';
import { contactCreateBody, contactFromWire, contactUpdateBody, isWireContact } from './map.js';
import { processStateFromWire, type RtrProcessState } from './processes.js';
import type { RtrNotification, RtrPollResult } from './notification.js';
import type { RtrPage } from './wire.js';
import { maskedHead } from '../../domain/digit-runs.js';
import { callFields, type CallScope } from '../call-scope.js';

/** Per call: the request it is made for (its id, its upstream budget), and the customer when not the configured one. */
export interface RtrCallOptions extends CallScope {
  customer?: string;
}

/** A contact listing (GET .../contacts): `handles` becomes `handle:in=`, `filters` are `field[:matcher]=value`. */
export interface ContactListQuery {
  handles?: readonly string[];
  filters?: Record<string, string>;
  q?: string;
  /** `field` or `-field` (descending). */
  order?: string;
  /** 1..LIST_LIMIT_MAX; default: the number of handles, else the provider's 10. */
  limit?: number;
  offset?: number;
  /** false skips counting (pagination.total absent). */
  total?: boolean;
}

export interface ContactListPage {
  contacts: Contact[];
  limit: number;
  offset: number;
  total: number | null;
}

/** A write the provider accepted: at once (200/201) or to finish later (202, with its process id). */
export interface RtrWriteResult {
  async: boolean;
  processId: string | null;
}

export interface NotificationListPage {
  notifications: RtrNotification[];
  limit: number;
  offset: number;
  total: number | null;
}

/**
 * Realtime Register REST v2 (providers/realtime-register.md): contacts and the notification queue. Every call goes
 * through the shared ProviderHttp (deadline, breaker, metrics; GETs retried, POSTs not). Answers come back in the
 * gateway's domain shapes; non-2xx answers become domain errors (errors.ts).
 */
export class RealtimeRegisterClient {
  /** Unknown values already logged (each once per process); every occurrence is counted. */
  private readonly reportedUnknown = new Set<string>();

  constructor(
    readonly config: RealtimeRegisterConfig,
    private readonly deps: ProviderClientDeps,
  ) {}

  /** Logs a value outside the vocabulary once, counts it every time: the read goes on without it. */
  private readonly onUnknown: UnknownValueReporter = (field, value) => {
    if (this.deps.metrics) realtimeRegisterMetrics(this.deps.metrics.registry).unknownValues.inc({ field });
    // Whatever the item's writer stored, so kept as free text is: its long digit runs (an ID number) masked.
    const kept = maskedHead(value, 64);
    const key = `${field}:${kept}`;
    if (this.reportedUnknown.has(key) || this.reportedUnknown.size >= 1_000) return;
    this.reportedUnknown.add(key);
    this.deps.logger.warn({ field, value: kept }, 'Realtime Register sent a stored verification value outside the published vocabulary; leaving that item out');
  };

  /** The customer calls use when none is given (REALTIME_REGISTER_CUSTOMER). */
  get defaultCustomer(): string {
    return this.config.customer;
  }

  /** One contact, or null when the provider has none under that handle. */
  async getContact(handle: string, options: RtrCallOptions = {}): Promise<Contact | null> {
    const customer = this.customerOf(options);
    const response = await this.call('contacts.get', 'GET', this.contactPath(customer, handle), options);
    // Either vocabulary: ObjectDoesNotExist with 400 (errors page) or 404 (API spec), or a bare 404.
    if (isNoSuchObject(response)) return null;
    const wire = this.json<unknown>(response, 'contacts.get');
    if (!isWireContact(wire)) throw unreadableAnswer('contacts.get', response.status);
    return contactFromWire(wire, customer, this.onUnknown);
  }

  /** One list call; with `handles`, the contacts among them that exist (any order). */
  async listContacts(query: ContactListQuery, options: RtrCallOptions = {}): Promise<ContactListPage> {
    const customer = this.customerOf(options);
    const handles = query.handles ?? [];
    handles.forEach((handle, index) => this.assertHandle(handle, ['handles', String(index)]));
    const limit = query.limit ?? (handles.length || undefined);
    if (limit !== undefined && (limit < 1 || limit > LIST_LIMIT_MAX)) {
      throw new InputRejected([problem(['limit'], 'INVALID_VALUE', `limit must be between 1 and ${LIST_LIMIT_MAX}.`)]);
    }
    const search = queryString({
      ...query.filters,
      ...(handles.length ? { 'handle:in': handles.join(',') } : {}),
      q: query.q,
      order: query.order,
      limit,
      offset: query.offset,
      total: query.total === false ? false : undefined,
    });
    const response = await this.call('contacts.list', 'GET', `/v2/customers/${segment(customer)}/contacts${search}`, options);
    const page = this.page<unknown>(response, 'contacts.list');
    // An entity that is not a contact (null, a bare string, no handle) would otherwise be left out, and its handle
    // read as "no such contact".
    if (!page.entities.every(isWireContact)) throw unreadableAnswer('contacts.list', response.status);
    const pagination = paginationOf(page.pagination, query.offset);
    return { ...pagination, contacts: page.entities.map((wire) => contactFromWire(wire, customer, this.onUnknown)) };
  }

  /** POST .../contacts/{handle}. Throws Conflict when the handle is taken. */
  async createContact(draft: ContactDraft, options: RtrCallOptions = {}): Promise<RtrWriteResult> {
    const customer = this.customerOf({ ...options, customer: draft.customer ?? options.customer });
    const body = JSON.stringify(contactCreateBody(draft));
    const response = await this.call('contacts.create', 'POST', this.contactPath(customer, draft.handle), options, { body });
    return this.writeResult(response, 'contacts.create', []);
  }

  /** POST .../contacts/{handle}/update: only the fields in `changes` change; `verifications` adds evidence. */
  async updateContact(handle: string, changes: ContactChanges, options: RtrCallOptions = {}): Promise<RtrWriteResult> {
    const customer = this.customerOf(options);
    const body = JSON.stringify(contactUpdateBody(changes));
    const response = await this.call('contacts.update', 'POST', `${this.contactPath(customer, handle)}/update`, options, { body });
    return this.writeResult(response, 'contacts.update', changes.verifications ? ['verifications'] : []);
  }

  /**
   * POST .../contacts/{handle}/validate with `{"categories": [...]}`: starts validating the contact or, while one is
   * active, sends the holder a reminder (realtimeregister-ts ContactApi.validate). The categories are an assumption
   * (assumptions.ts, EMAIL_VALIDATION_CATEGORIES). Not retried: a retry could send the holder a second email.
   */
  async validateContact(handle: string, options: RtrCallOptions = {}): Promise<RtrWriteResult> {
    const customer = this.customerOf(options);
    const body = JSON.stringify({ categories: [...EMAIL_VALIDATION_CATEGORIES] });
    const response = await this.call('contacts.validate', 'POST', `${this.contactPath(customer, handle)}/validate`, options, { body });
    return this.writeResult(response, 'contacts.validate', []);
  }

  /**
   * GET /v2/processes/{processId}: where an asynchronous (202) write stands. Null when RTR has no such process
   * (either vocabulary's "no such object"), so a follower can end instead of asking forever.
   */
  async getProcess(processId: string, options: RtrCallOptions = {}): Promise<RtrProcessState | null> {
    if (!isProcessId(processId)) {
      throw new InputRejected([problem(['processId'], 'INVALID_FORMAT', 'processId must be the id Realtime Register gave the process.')]);
    }
    const response = await this.call('processes.get', 'GET', `/v2/processes/${processId}`, options);
    if (isNoSuchObject(response)) return null;
    const state = processStateFromWire(this.json<unknown>(response, 'processes.get'));
    if (!state) throw unreadableAnswer('processes.get', response.status);
    return state;
  }

  /** The oldest unacknowledged notification (the same one until acked) and how many are waiting. */
  async pollNotification(options: RtrCallOptions = {}): Promise<RtrPollResult> {
    const response = await this.call('notifications.poll', 'GET', `${this.notificationsPath(options)}/poll`, options);
    const body = this.json<unknown>(response, 'notifications.poll');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unreadableAnswer('notifications.poll', response.status);
    const { count, notification } = body as { count?: unknown; notification?: RtrNotification | null };
    // Only `notification` matters to the reader (absent: the queue is empty); a count it cannot read is not a reason to
    // stop reading the queue.
    const waiting = typeof count === 'number' ? count : typeof count === 'string' && /^\d{1,15}$/.test(count) ? Number(count) : null;
    return { count: waiting, notification: notification ?? null };
  }

  /** Removes a notification from the queue. Acking twice is harmless, so the call may be retried. */
  async ackNotification(id: number, options: RtrCallOptions = {}): Promise<void> {
    const path = `${this.notificationsPath(options)}/${encodeURIComponent(String(id))}/ack`;
    const response = await this.call('notifications.ack', 'POST', path, options, { idempotent: true });
    if (response.status >= 300) throw rtrError(response, { operation: 'notifications.ack' });
  }

  async getNotification(id: number, options: RtrCallOptions = {}): Promise<RtrNotification | null> {
    const response = await this.call('notifications.get', 'GET', `${this.notificationsPath(options)}/${encodeURIComponent(String(id))}`, options);
    if (isNoSuchObject(response)) return null;
    return this.json<RtrNotification>(response, 'notifications.get');
  }

  async listNotifications(query: { limit?: number; offset?: number; order?: string } = {}, options: RtrCallOptions = {}): Promise<NotificationListPage> {
    const response = await this.call('notifications.list', 'GET', this.notificationsPath(options), options, { query });
    const page = this.page<RtrNotification>(response, 'notifications.list');
    return { ...paginationOf(page.pagination, query.offset), notifications: page.entities };
  }

  private call(
    operation: string,
    method: UpstreamMethod,
    path: string,
    options: RtrCallOptions,
    extra: Pick<UpstreamRequest, 'query' | 'body' | 'idempotent'> = {},
  ): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { authorization: `ApiKey ${this.config.apiKey}`, accept: 'application/json' };
    if (extra.body !== undefined) headers['content-type'] = 'application/json';
    return this.deps.http.request({ operation, method, path, headers, ...callFields('REALTIME_REGISTER', options), announcedWaitMs: maintenanceWaitMs, ...extra });
  }

  /** The body of a 2xx, or the domain error of anything else. */
  private json<T>(response: UpstreamResponse, operation: string): T {
    if (response.status < 200 || response.status >= 300) throw rtrError(response, { operation });
    try {
      return JSON.parse(response.body) as T;
    } catch {
      throw unreadableAnswer(operation, response.status);
    }
  }

  private page<T>(response: UpstreamResponse, operation: string): RtrPage<T> {
    const page = this.json<Partial<RtrPage<T>>>(response, operation);
    if (!Array.isArray(page?.entities) || typeof page.pagination !== 'object' || page.pagination === null) {
      throw unreadableAnswer(operation, response.status);
    }
    return page as RtrPage<T>;
  }

  /** 200/201 done; 202 accepted, its process id in the x-process-id header or the body's processId. */
  private writeResult(response: UpstreamResponse, operation: string, inputPath: string[]): RtrWriteResult {
    if (response.status < 200 || response.status >= 300) throw rtrError(response, { operation, inputPath });
    const header = response.headers[PROCESS_ID_HEADER];
    const fromHeader = Array.isArray(header) ? header[0] : header;
    return { async: response.status === 202, processId: fromHeader || processIdInBody(response.body) };
  }

  private customerOf(options: RtrCallOptions): string {
    const customer = options.customer ?? this.config.customer;
    this.assertHandle(customer, ['customer']);
    return customer;
  }

  private contactPath(customer: string, handle: string): string {
    this.assertHandle(handle, ['handle']);
    return `/v2/customers/${segment(customer)}/contacts/${segment(handle)}`;
  }

  private notificationsPath(options: RtrCallOptions): string {
    return `/v2/customers/${segment(this.customerOf(options))}/notifications`;
  }

  /** Customer and handle path segments are 3–40 of [a-zA-Z0-9-_@.]; others are refused before any call. */
  private assertHandle(value: string, path: string[]): void {
    if (!isRtrHandle(value)) {
      throw new InputRejected([problem(path, 'INVALID_FORMAT', `${path[0]} must be 3 to 40 characters of a-z, A-Z, 0-9, -, _, @ and .`)]);
    }
  }
}

/**
 * `?name=value&...` spelt as the document writes it (`handle:in=h1,h2,h3`): `:` in a filter name, `,` between the
 * values of `in`, and `@` in a handle stay as they are (each is allowed in a query, RFC 3986 3.4), everything else is
 * percent-encoded. A server that decodes reads the same either way; one that matches the documented text does too.
 */
function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([name, value]) => `${queryPart(name)}=${queryPart(String(value))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function queryPart(text: string): string {
  return encodeURIComponent(text).replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%40/g, '@');
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

/**
 * `pagination: {limit, offset, total}` as numbers, whatever the spelling (a numeric string is read as its number):
 * limit 0 when not given (callers then take no page cap from it), offset the one asked for, total null when not
 * counted (`total=false`) or unreadable.
 */
function paginationOf(pagination: RtrPage<unknown>['pagination'], askedOffset: number | undefined): { limit: number; offset: number; total: number | null } {
  const count = (value: unknown): number | null => {
    const number = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
    return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : null;
  };
  return { limit: count(pagination.limit) ?? 0, offset: count(pagination.offset) ?? askedOffset ?? 0, total: count(pagination.total) };
}

/**
 * A process id that stays one path segment: RTR's spec makes it an integer, but the document gives it no form, and an
 * id refused here ends its follow-up REJECTED although the provider may still complete the process. Unreserved URL
 * characters only (RFC 3986 2.3), never dots alone.
 */
function isProcessId(value: string): boolean {
  return /^[A-Za-z0-9._~-]{1,64}$/.test(value) && !/^\.+$/.test(value);
}

function processIdInBody(text: string): string | null {
  if (!text) return null;
  try {
    const body = JSON.parse(text) as { processId?: unknown } | null;
    const id = body?.processId;
    return typeof id === 'number' || (typeof id === 'string' && id !== '') ? String(id) : null;
  } catch {
    return null;
  }
}
