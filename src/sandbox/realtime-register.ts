import { ContactBook } from './realtime-register-contact-book.js';
import { rtrError } from './realtime-register-contacts.js';
import type { DenicRequestOptions, SimNotification, WebhookDelivery } from './realtime-register-notifications.js';
import { NotificationCenter } from './realtime-register-notifications.js';
import { SEED_CUSTOMER, seedContacts, seedDenicRequests } from './realtime-register-seed.js';
import { seededRandom } from './seeded-random.js';
import type { SimulatorOptions } from './simulator-options.js';
import type { SimRequest, SimResponse } from './simulator-server.js';
import { SimulatorServer } from './simulator-server.js';

/** Sandbox credentials and address the gateway uses for this simulator. */
export interface RealtimeRegisterEndpoint {
  baseUrl: string;
  apiKey: string;
  customer: string;
  webhookSecret: string;
}

export interface RealtimeRegisterSimulatorOptions extends SimulatorOptions {
  /** Share (0..1) of contact updates answered 202 (processed asynchronously) instead of 200. Default 0.1. */
  asyncShare?: number;
  /** POST each new notification to `${gatewayUrl}/webhooks/realtime-register`. Default true. */
  pushWebhooks?: boolean;
  /** Wait before each webhook retry. Default the provider's 10 s, 30 s, 2 min, 5 min, 15 min. */
  webhookRetryDelaysMs?: number[];
  /** DENIC requests queued at start for seeded contacts, deadlines 3, 10, 20, ... days ahead. Default 3. */
  seedDenicRequests?: number;
  /** Seeded contacts of customer `sandbox` (rtr-0001 ...). Default 500. */
  contactCount?: number;
  /** Clock for dates the simulator writes. Default: the wall clock. */
  now?: () => Date;
}

const API_KEY = 'sandbox-rtr-api-key';
/** A second key whose API user lacks CONTACT_VERIFICATION: writing verifications answers 403 AuthorizationFailed. */
export const NO_VERIFICATION_API_KEY = 'sandbox-rtr-no-verification-key';
const WEBHOOK_SECRET = 'sandbox-rtr-webhook-secret';
const PROVIDER_RETRY_DELAYS_MS = [10_000, 30_000, 120_000, 300_000, 900_000];
const ROUTE = /^\/v2\/customers\/([^/]+)\/(contacts|notifications)(?:\/([^/]+))?(?:\/([^/]+))?\/?$/;

/**
 * Realtime Register REST v2 as far as the gateway uses it (providers/realtime-register.md): ApiKey auth, contacts
 * (get, list with filters, create, update with verifications checked against the DENIC matrix), and the
 * notification queue with signed webhook pushes. Control: POST /__control/notifications injects a DENIC request
 * (body: DenicRequestOptions) or, without `claims`, any notification; GET lists notifications and deliveries.
 */
export class RealtimeRegisterSimulator {
  readonly server: SimulatorServer;
  readonly contacts: ContactBook;
  readonly notifications: NotificationCenter;
  /** Share of updates answered 202; tests set 0 or 1. */
  asyncShare: number;
  private readonly coin: () => number;
  private nextProcessId = 500_001;

  constructor(private readonly options: RealtimeRegisterSimulatorOptions) {
    const seed = options.seed ?? 1;
    const now = options.now ?? (() => new Date());
    this.asyncShare = options.asyncShare ?? 0.1;
    this.coin = seededRandom(seed ^ 0x5eed);
    this.server = new SimulatorServer('REALTIME_REGISTER', (request) => this.handle(request), seededRandom(seed ^ 0xfa17));
    if (options.faults) this.server.setFaults(options.faults);
    this.contacts = new ContactBook({ [SEED_CUSTOMER]: seedContacts(options.contactCount ?? 500, seed) }, now);
    this.notifications = new NotificationCenter({
      gatewayUrl: options.gatewayUrl,
      webhookSecret: WEBHOOK_SECRET,
      pushWebhooks: options.pushWebhooks ?? true,
      retryDelaysMs: options.webhookRetryDelaysMs ?? PROVIDER_RETRY_DELAYS_MS,
      now,
      log: options.log ?? (() => {}),
    });
    for (const request of seedDenicRequests(this.contacts.contacts(SEED_CUSTOMER), options.seedDenicRequests ?? 3, now())) {
      this.notifications.injectDenicRequest({ ...request, customer: SEED_CUSTOMER });
    }
  }

  endpoint(): RealtimeRegisterEndpoint {
    return { baseUrl: this.server.url, apiKey: API_KEY, customer: SEED_CUSTOMER, webhookSecret: WEBHOOK_SECRET };
  }

  /** Every webhook push attempt so far. */
  get deliveries(): readonly WebhookDelivery[] {
    return this.notifications.deliveries;
  }

  /** Queues a DENIC verification request (and pushes it). Throws on bad options. */
  injectDenicRequest(options: DenicRequestOptions): SimNotification {
    return this.notifications.injectDenicRequest({ ...options, customer: options.customer ?? SEED_CUSTOMER });
  }

  /** Queues any other notification (and pushes it); id and fireDate are assigned. */
  injectNotification(partial: Partial<SimNotification>): SimNotification {
    return this.notifications.injectNotification({ ...partial, customer: partial.customer ?? SEED_CUSTOMER });
  }

  async start(): Promise<void> {
    await this.server.start();
    this.server.addControlRoute('/__control/notifications', (method, body) => this.control(method, body));
    this.notifications.start();
  }

  async stop(): Promise<void> {
    this.notifications.stop();
    await this.server.stop();
  }

  private handle(request: SimRequest): SimResponse {
    if (request.faults.outage) return outage();
    const authorization = request.headers.authorization;
    const key = authorization?.startsWith('ApiKey ') ? authorization.slice('ApiKey '.length) : null;
    if (key !== API_KEY && key !== NO_VERIFICATION_API_KEY) return rtrError(401, 'AuthenticationFailed', 'Authentication failed');

    const match = ROUTE.exec(request.path);
    if (!match) return rtrError(404, 'NotFound', `No endpoint ${request.method} ${request.path}`);
    const [, rawCustomer = '', collection, rawId, action] = match;
    const customer = decodeURIComponent(rawCustomer);
    const id = rawId === undefined ? undefined : decodeURIComponent(rawId);
    if (collection === 'notifications') return this.notificationRoute(request.method, customer, id, action, request.query);

    const route = `${request.method} ${id === undefined ? '' : 'id'}${action === undefined ? '' : `/${action}`}`;
    if (route === 'GET ') return this.contacts.list(customer, request.query);
    if (route === 'GET id') return this.contacts.get(customer, id!);
    if (route !== 'POST id' && route !== 'POST id/update') return rtrError(404, 'NotFound', `No endpoint ${request.method} ${request.path}`);
    const body = parseBody(request.text);
    if (!body) return rtrError(400, 'ValidationError', 'The request body must be a JSON object');
    if (route === 'POST id') return this.withProcess(this.contacts.create(customer, id!, body), false);
    if (body.verifications !== undefined && key === NO_VERIFICATION_API_KEY) {
      return rtrError(403, 'AuthorizationFailed', 'The API user lacks the CONTACT_VERIFICATION permission');
    }
    return this.withProcess(this.contacts.update(customer, id!, body), this.coin() < this.asyncShare);
  }

  private notificationRoute(method: string, customer: string, id: string | undefined, action: string | undefined, query: URLSearchParams): SimResponse {
    if (!this.contacts.hasCustomer(customer)) return rtrError(404, 'ObjectDoesNotExist', `Customer ${customer} does not exist`);
    if (method === 'GET' && id === undefined) return this.notifications.list(customer, query);
    if (method === 'GET' && id === 'poll' && action === undefined) return this.notifications.poll(customer);
    const numeric = id !== undefined && /^\d+$/.test(id) ? Number(id) : null;
    if (numeric !== null && method === 'GET' && action === undefined) return this.notifications.get(customer, numeric);
    if (numeric !== null && method === 'POST' && action === 'ack') return this.notifications.ack(customer, numeric);
    return rtrError(404, 'NotFound', `No endpoint ${method} ${id ?? ''}`);
  }

  /** Every accepted write names its process in x-process-id; a 202 also carries it in the body. */
  private withProcess(answer: SimResponse, async: boolean): SimResponse {
    if (answer.status >= 300) return answer;
    const processId = this.nextProcessId++;
    const headers = { 'x-process-id': String(processId) };
    return async ? { status: 202, headers, body: { processId } } : { ...answer, headers };
  }

  private control(method: string, body: Buffer): SimResponse {
    if (method === 'GET') return { status: 200, body: { notifications: this.notifications.notifications(), deliveries: this.deliveries } };
    if (method !== 'POST') return { status: 405, body: { error: 'Use GET or POST.' } };
    const options = parseBody(body.toString('utf8'));
    if (!options) return { status: 400, body: { error: 'The body must be a JSON object.' } };
    try {
      const notification = 'claims' in options ? this.injectDenicRequest(options as unknown as DenicRequestOptions) : this.injectNotification(options as Partial<SimNotification>);
      return { status: 201, body: notification };
    } catch (error) {
      return { status: 400, body: { error: (error as Error).message } };
    }
  }
}

/** ProviderUnavailable with a maintenance window: the current hour. */
function outage(): SimResponse {
  const start = new Date();
  start.setUTCMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 3_600_000);
  return rtrError(503, 'ProviderUnavailable', 'Realtime Register is down for maintenance', {
    startDate: start.toISOString().replace('.000Z', 'Z'),
    endDate: end.toISOString().replace('.000Z', 'Z'),
  });
}

function parseBody(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}


