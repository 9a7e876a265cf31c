import { ContactBook } from './realtime-register-contact-book.js';
import { rtrError } from './realtime-register-contacts.js';
import type { DenicRequestOptions, SignatureReading, SimNotification, WebhookDelivery } from './realtime-register-notifications.js';
import { NotificationCenter } from './realtime-register-notifications.js';
import { ProcessBook, type ProcessPlan } from './realtime-register-processes.js';
import { inVocabulary, type ErrorVocabulary } from './realtime-register-vocabulary.js';
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
  /** Basic credentials the simulator sends with every push instead of the signature, when configured (webhookBasic option). */
  webhookBasic: { username: string; password: string } | null;
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
  /** How pushes are signed. Default 'base64-digest' (the docs' prose). */
  signatureReading?: SignatureReading;
  /** `user:password` sent as Basic auth with every push. Default none. */
  webhookBasic?: string | null;
  /** Which published error vocabulary errors are answered in. Default 'api-spec'. */
  errorVocabulary?: ErrorVocabulary;
}

const API_KEY = 'sandbox-rtr-api-key';
/** A second key whose API user lacks CONTACT_VERIFICATION: writing verifications answers 403 AuthorizationFailed. */
export const NO_VERIFICATION_API_KEY = 'sandbox-rtr-no-verification-key';
const WEBHOOK_SECRET = 'sandbox-rtr-webhook-secret';
const PROVIDER_RETRY_DELAYS_MS = [10_000, 30_000, 120_000, 300_000, 900_000];
const ROUTE = /^\/v2\/customers\/([^/]+)\/(contacts|notifications)(?:\/([^/]+))?(?:\/([^/]+))?\/?$/;
const PROCESS_ROUTE = /^\/v2\/processes\/(\d{1,15})\/?$/;

/**
 * Realtime Register REST v2 as far as the gateway uses it (providers/realtime-register.md): ApiKey auth, contacts
 * (get, list with filters, create, update with verifications checked against the DENIC matrix, validate), 202
 * answers whose processes complete or fail (GET /v2/processes/{id}), both error vocabularies, and the notification
 * queue with webhook pushes signed in any documented reading. Control:
 * - POST /__control/notifications injects a DENIC request (body: DenicRequestOptions) or, without `claims`, any
 *   notification; GET lists notifications and deliveries;
 * - POST /__control/processes sets how a handle's next asynchronous updates end (body: ProcessPlan); GET lists the
 *   processes; DELETE clears the plans;
 * - POST /__control/settings `{errorVocabulary?, signatureReading?, webhookAuth?}`; GET shows them. `webhookAuth`
 *   'basic' (the default when Basic credentials are configured) pushes with them instead of a signature, as RTR does
 *   for an account set to Basic auth; 'signature' signs.
 */
export class RealtimeRegisterSimulator {
  readonly server: SimulatorServer;
  readonly contacts: ContactBook;
  readonly notifications: NotificationCenter;
  readonly processes: ProcessBook;
  /** Share of updates answered 202; tests set 0 or 1. */
  asyncShare: number;
  /** How pushes are signed; tests switch it. */
  signatureReading: SignatureReading;
  /** Which error vocabulary answers are in; tests switch it. */
  errorVocabulary: ErrorVocabulary;
  /** How pushes authenticate: one credential each, as RTR's docs say; 'basic' needs the webhookBasic option. */
  webhookAuth: 'signature' | 'basic';
  /** Every POST .../contacts/{handle}/validate accepted: the holder's reminder emails. */
  readonly validations: { customer: string; handle: string; categories: string[]; at: string }[] = [];
  private readonly coin: () => number;

  constructor(private readonly options: RealtimeRegisterSimulatorOptions) {
    const seed = options.seed ?? 1;
    const now = options.now ?? (() => new Date());
    this.asyncShare = options.asyncShare ?? 0.1;
    this.signatureReading = options.signatureReading ?? 'base64-digest';
    this.errorVocabulary = options.errorVocabulary ?? 'api-spec';
    this.webhookAuth = options.webhookBasic ? 'basic' : 'signature';
    this.coin = seededRandom(seed ^ 0x5eed);
    this.processes = new ProcessBook(seededRandom(seed ^ 0x9c0c), now);
    this.server = new SimulatorServer('REALTIME_REGISTER', (request) => this.handle(request), seededRandom(seed ^ 0xfa17));
    if (options.faults) this.server.setFaults(options.faults);
    this.contacts = new ContactBook({ [SEED_CUSTOMER]: seedContacts(options.contactCount ?? 500, seed) }, now);
    this.notifications = new NotificationCenter({
      gatewayUrl: options.gatewayUrl,
      webhookSecret: WEBHOOK_SECRET,
      signatureReading: () => this.signatureReading,
      webhookBasic: () => (this.webhookAuth === 'basic' ? (options.webhookBasic ?? null) : null),
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
    const basic = this.options.webhookBasic ?? null;
    const separator = basic?.indexOf(':') ?? -1;
    return {
      baseUrl: this.server.url,
      apiKey: API_KEY,
      customer: SEED_CUSTOMER,
      webhookSecret: WEBHOOK_SECRET,
      webhookBasic: basic && separator > 0 ? { username: basic.slice(0, separator), password: basic.slice(separator + 1) } : null,
    };
  }

  /** How a handle's next asynchronous updates end (also POST /__control/processes). Throws on a bad plan. */
  planProcess(plan: ProcessPlan): ProcessPlan {
    return this.processes.plan(plan);
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
    this.server.addControlRoute('/__control/processes', (method, body) => this.processControl(method, body));
    this.server.addControlRoute('/__control/settings', (method, body) => this.settingsControl(method, body));
    this.notifications.start();
  }

  async stop(): Promise<void> {
    this.notifications.stop();
    await this.server.stop();
  }

  private handle(request: SimRequest): SimResponse {
    const answer = this.answer(request);
    return inVocabulary(answer, this.errorVocabulary, request.method === 'POST' && request.path.endsWith('/update'));
  }

  private answer(request: SimRequest): SimResponse {
    if (request.faults.outage) return outage();
    const authorization = request.headers.authorization;
    const key = authorization?.startsWith('ApiKey ') ? authorization.slice('ApiKey '.length) : null;
    if (key !== API_KEY && key !== NO_VERIFICATION_API_KEY) return rtrError(401, 'AuthenticationFailed', 'Authentication failed');

    const process = PROCESS_ROUTE.exec(request.path);
    if (process && request.method === 'GET') return this.processes.get(Number(process[1]));
    const match = ROUTE.exec(request.path);
    if (!match) return rtrError(404, 'NotFound', `No endpoint ${request.method} ${request.path}`);
    const [, rawCustomer = '', collection, rawId, action] = match;
    const customer = decodeURIComponent(rawCustomer);
    const id = rawId === undefined ? undefined : decodeURIComponent(rawId);
    if (collection === 'notifications') return this.notificationRoute(request.method, customer, id, action, request.query);

    const route = `${request.method} ${id === undefined ? '' : 'id'}${action === undefined ? '' : `/${action}`}`;
    if (route === 'GET ') return this.contacts.list(customer, request.query);
    if (route === 'GET id') return this.contacts.get(customer, id!);
    if (route !== 'POST id' && route !== 'POST id/update' && route !== 'POST id/validate') return rtrError(404, 'NotFound', `No endpoint ${request.method} ${request.path}`);
    const body = parseBody(request.text);
    if (!body) return rtrError(400, 'ValidationError', 'The request body must be a JSON object');
    if (route === 'POST id') return this.withProcessId(this.contacts.create(customer, id!, body));
    if (route === 'POST id/validate') return this.validate(customer, id!, body);
    if (body.verifications !== undefined && key === NO_VERIFICATION_API_KEY) {
      return rtrError(403, 'AuthorizationFailed', 'The API user lacks the CONTACT_VERIFICATION permission');
    }
    const async = this.processes.forcesAsync(id!) || this.coin() < this.asyncShare;
    if (!async) return this.withProcessId(this.contacts.update(customer, id!, body));
    // RTR checks the request before it accepts it for processing; the change itself lands only if the process completes.
    const refused = this.contacts.checkUpdate(customer, id!, body);
    if (refused) return refused;
    const processId = this.processes.start(customer, id!, 'update', () => void this.contacts.update(customer, id!, body));
    return { status: 202, headers: { 'x-process-id': String(processId) }, body: { processId } };
  }

  /** POST .../contacts/{handle}/validate `{"categories": [...]}`: the holder gets a validation (reminder) email. */
  private validate(customer: string, handle: string, body: Record<string, unknown>): SimResponse {
    const exists = this.contacts.get(customer, handle);
    if (exists.status !== 200) return exists;
    const categories = body.categories;
    if (!Array.isArray(categories) || categories.length === 0 || !categories.every((category) => typeof category === 'string' && category !== '')) {
      return rtrError(400, 'ValidationError', 'categories must be a non-empty list of validation category names');
    }
    this.validations.push({ customer, handle, categories: categories as string[], at: new Date().toISOString() });
    return this.withProcessId({ status: 200 });
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

  /** Every accepted write names its process in x-process-id (202s carry it in the body too, see answer()). */
  private withProcessId(answer: SimResponse): SimResponse {
    if (answer.status >= 300) return answer;
    return { ...answer, headers: { 'x-process-id': String(this.processes.reserveId()) } };
  }

  private processControl(method: string, body: Buffer): SimResponse {
    if (method === 'GET') return { status: 200, body: { processes: this.processes.list() } };
    if (method === 'DELETE') {
      this.processes.clearPlans();
      return { status: 204 };
    }
    if (method !== 'POST') return { status: 405, body: { error: 'Use GET, POST or DELETE.' } };
    const plan = parseBody(body.toString('utf8'));
    if (!plan) return { status: 400, body: { error: 'The body must be a JSON object.' } };
    try {
      return { status: 200, body: this.planProcess(plan as unknown as ProcessPlan) };
    } catch (error) {
      return { status: 400, body: { error: (error as Error).message } };
    }
  }

  private settingsControl(method: string, body: Buffer): SimResponse {
    if (method === 'POST') {
      const settings = parseBody(body.toString('utf8'));
      if (!settings) return { status: 400, body: { error: 'The body must be a JSON object.' } };
      const { errorVocabulary, signatureReading, webhookAuth } = settings;
      if (errorVocabulary !== undefined && errorVocabulary !== 'api-spec' && errorVocabulary !== 'errors-page') {
        return { status: 400, body: { error: "errorVocabulary must be 'api-spec' or 'errors-page'" } };
      }
      if (signatureReading !== undefined && !['base64-digest', 'base64-hex', 'hex'].includes(signatureReading as string)) {
        return { status: 400, body: { error: "signatureReading must be 'base64-digest', 'base64-hex' or 'hex'" } };
      }
      if (webhookAuth !== undefined && webhookAuth !== 'signature' && !(webhookAuth === 'basic' && this.options.webhookBasic)) {
        return { status: 400, body: { error: "webhookAuth must be 'signature', or 'basic' when the simulator has Basic credentials" } };
      }
      if (webhookAuth) this.webhookAuth = webhookAuth as 'signature' | 'basic';
      if (errorVocabulary) this.errorVocabulary = errorVocabulary;
      if (signatureReading) this.signatureReading = signatureReading as SignatureReading;
    } else if (method !== 'GET') {
      return { status: 405, body: { error: 'Use GET or POST.' } };
    }
    return { status: 200, body: { errorVocabulary: this.errorVocabulary, signatureReading: this.signatureReading, webhookAuth: this.webhookAuth } };
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


