import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Provider } from '../domain/providers.js';
import type { FaultSpec } from './faults.js';
import type { SimulatorOptions } from './simulator-options.js';
import type { RecordedRequest, SimRequest, SimResponse } from './simulator-server.js';
import { SimulatorServer } from './simulator-server.js';
import type { RegistrySubject, VeriffOutcome } from './veriff-rules.js';
import { decisionEnvelope, maskIdNumberInBody, outcomeForIdNumber, readRegistryRequest } from './veriff-rules.js';

/** Sandbox credentials and address the gateway uses for this simulator. */
export interface VeriffEndpoint {
  baseUrl: string;
  syncBaseUrl: string;
  apiKey: string;
  sharedSecret: string;
}

export interface VeriffSimulatorOptions extends SimulatorOptions {
  /** How long after a webhook-mode request the decision webhook is first sent. */
  decisionDelayMs: number;
  /**
   * Waits before each redelivery after a non-200 answer (or no answer). Default: hourly for 7 days, as Veriff does;
   * tests pass short ones.
   */
  webhookRetryDelaysMs?: readonly number[];
  /** Loses every decision webhook (recorded in `deliveries` as 'dropped', never sent): only polling finds the decision. */
  dropWebhooks?: boolean;
  /**
   * How answers that carry a decision (the sync 200, GET /v1/sessions/{id}/decision) are signed in `x-hmac-signature`:
   * 'valid' (default, as Veriff does), 'wrong' (another secret) or 'missing'.
   */
  answerSignature?: VeriffAnswerSignature;
}

export type VeriffAnswerSignature = 'valid' | 'wrong' | 'missing';

/** One attempt to deliver a decision webhook. */
export interface VeriffDelivery {
  sessionId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The gateway's HTTP status; null when no answer came (then `error` says why: e.g. 'dropped'). */
  status: number | null;
  error: string | null;
  at: string;
}

export const SANDBOX_VERIFF_API_KEY = 'sandbox-veriff-api-key';
export const SANDBOX_VERIFF_SHARED_SECRET = 'sandbox-veriff-shared-secret';

const HOUR_MS = 3_600_000;
/** Veriff redelivers an unacknowledged decision about hourly for up to 7 days (providers/veriff.md). */
export const VERIFF_RETRY_DELAYS_MS: readonly number[] = Array.from({ length: 7 * 24 }, () => HOUR_MS);

/** A decision waiting to be delivered. Holds the last four characters of the ID number, never the number. */
interface ScheduledDecision {
  sessionId: string;
  outcome: VeriffOutcome;
  subject: RegistrySubject;
  acceptanceTime: string;
}

/** GET /v1/sessions/{sessionId}/decision (Veriff: "for polling when webhook delivery fails"). */
const DECISION_PATH = /^\/v1\/sessions\/([0-9a-fA-F-]{1,64})\/decision$/;
const MAX_SESSIONS = 10_000;
/** The secret behind a 'wrong' answer signature. */
const NOT_THE_SHARED_SECRET = 'not-the-sandbox-veriff-shared-secret';

/**
 * Veriff's registry validation: `POST /v1/validate-registry` with the same headers, signature rules, 1102 field rules
 * and error bodies as the real API, served twice:
 *
 * - `server` (endpoint().baseUrl) is the default endpoint: it answers `{status: "success", verification: {id,
 *   status: "submitted"}}` and POSTs the signed decision to `${gatewayUrl()}/webhooks/veriff` after decisionDelayMs,
 *   redelivering on any non-200 answer per webhookRetryDelaysMs (every attempt lands in `deliveries`);
 * - `syncServer` (endpoint().syncBaseUrl, a second port, as sync-api.veriff.me is a second host) answers with the
 *   decision in the body.
 *
 * The decision follows the ID number's last digit (see outcomeForIdNumber). The full number is used while the
 * request is handled and then dropped: the request log keeps it masked to its last four characters, and pending
 * webhooks keep only those four.
 */
export class VeriffSimulator {
  readonly server: SimulatorServer;
  readonly syncServer: SimulatorServer;
  /** Every decision-webhook attempt, oldest first. */
  readonly deliveries: VeriffDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  /** Decision bodies by session once decided, for redeliver() and the decision endpoint. No ID numbers in them. */
  private readonly sentBodies = new Map<string, string>();
  /** Webhook-mode sessions: their decision and when it is made (decisionDelayMs after the request). */
  private readonly sessions = new Map<string, { decision: ScheduledDecision; decidesAt: number }>();
  private readonly retryDelaysMs: readonly number[];
  private stopped = false;
  /** See VeriffSimulatorOptions; changed at run time by setBehaviour() or POST /__control/veriff. */
  dropWebhooks: boolean;
  answerSignature: VeriffAnswerSignature;

  constructor(private readonly options: VeriffSimulatorOptions) {
    this.retryDelaysMs = options.webhookRetryDelaysMs ?? VERIFF_RETRY_DELAYS_MS;
    this.dropWebhooks = options.dropWebhooks ?? false;
    this.answerSignature = options.answerSignature ?? 'valid';
    this.syncServer = new VeriffSimulatorServer('VERIFF', (request) => this.handle(request, 'sync'));
    this.server = new VeriffSimulatorServer('VERIFF', (request) => this.handle(request, 'webhook'), this.syncServer);
    if (options.faults) this.server.setFaults(options.faults);
    // POST {"dropWebhooks": true, "answerSignature": "wrong"}: lose webhooks, or sign answers with another secret.
    this.server.addControlRoute('/__control/veriff', (method, body) => {
      if (method === 'POST') {
        try {
          this.setBehaviour(JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>);
        } catch (error) {
          return { status: 400, body: { error: (error as Error).message } };
        }
      }
      return { status: 200, body: { dropWebhooks: this.dropWebhooks, answerSignature: this.answerSignature } };
    });
  }

  /** Changes how webhooks are delivered and answers signed; throws on an unknown value. */
  setBehaviour(change: { dropWebhooks?: unknown; answerSignature?: unknown }): void {
    if (change.dropWebhooks !== undefined && typeof change.dropWebhooks !== 'boolean') throw new Error('dropWebhooks must be true or false');
    if (change.answerSignature !== undefined && !['valid', 'wrong', 'missing'].includes(change.answerSignature as string)) {
      throw new Error('answerSignature must be "valid", "wrong" or "missing"');
    }
    if (change.dropWebhooks !== undefined) this.dropWebhooks = change.dropWebhooks as boolean;
    if (change.answerSignature !== undefined) this.answerSignature = change.answerSignature as VeriffAnswerSignature;
  }

  endpoint(): VeriffEndpoint {
    return {
      baseUrl: this.server.url,
      syncBaseUrl: this.syncServer.url,
      apiKey: SANDBOX_VERIFF_API_KEY,
      sharedSecret: SANDBOX_VERIFF_SHARED_SECRET,
    };
  }

  /** Requests to either endpoint whose path starts with prefix. */
  count(prefix = '', method?: string): number {
    return this.server.count(prefix, method) + this.syncServer.count(prefix, method);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all([this.server.start(), this.syncServer.start()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
    await Promise.all([this.server.stop(), this.syncServer.stop()]);
  }

  /** Sends an already delivered decision once more, as Veriff may; resolves with the gateway's status (null: no answer). */
  async redeliver(sessionId: string): Promise<number | null> {
    const body = this.sentBodies.get(sessionId);
    if (body === undefined) throw new Error(`no decision was sent for session ${sessionId}`);
    return (await this.post(sessionId, body, 0)).status;
  }

  private handle(request: SimRequest, mode: 'sync' | 'webhook'): SimResponse {
    const decisionPath = DECISION_PATH.exec(request.path);
    if (request.path !== '/v1/validate-registry' && !decisionPath) return failed(404, '1404', 'Not found');
    const allowed = decisionPath ? 'GET' : 'POST';
    if (request.method !== allowed) return { ...failed(405, '1405', 'Method not allowed'), headers: { allow: allowed } };
    if (request.faults.outage) return { ...failed(503, '1503', 'Service temporarily unavailable'), headers: { 'retry-after': '60' } };

    // GET and DELETE are signed over the session id, POST over the body (providers/veriff.md, "Signature").
    const refused = this.refuseUnauthorized(request, decisionPath ? Buffer.from(decisionPath[1]!) : request.body);
    if (refused) return refused;
    if (decisionPath) return this.decisionOf(decisionPath[1]!);

    let json: unknown;
    try {
      json = JSON.parse(request.text);
    } catch {
      return failed(400, '1102', 'Request is missing required field verification');
    }
    const reading = readRegistryRequest(json);
    if (!reading.ok) return failed(400, '1102', reading.message);

    const sessionId = randomUUID();
    const outcome = outcomeForIdNumber(reading.idNumber);
    const acceptanceTime = new Date().toISOString();
    if (mode === 'sync') {
      // The real sync answer echoes the ID number; so does this one, while the request is still at hand.
      const body = decisionEnvelope({
        sessionId,
        outcome,
        subject: reading.subject,
        seed: this.options.seed ?? 1,
        idNumber: reading.idNumber,
        acceptanceTime,
        decisionTime: new Date().toISOString(),
      });
      return this.signedAnswer(body);
    }
    const decision = { sessionId, outcome, subject: reading.subject, acceptanceTime };
    this.sessions.set(sessionId, { decision, decidesAt: Date.now() + this.options.decisionDelayMs });
    // A long-running sandbox keeps the latest sessions only.
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    this.schedule(decision, this.options.decisionDelayMs, 1);
    // ASSUMPTION (ASSUMPTIONS.md in src/providers/veriff): the default endpoint's 200 body.
    return {
      status: 200,
      body: { status: 'success', verification: { id: sessionId, status: 'submitted', vendorData: reading.subject.vendorData, endUserId: reading.subject.endUserId } },
    };
  }

  /** 1801 / 1803 / 1812 / 1818, or null when the call is authenticated. */
  private refuseUnauthorized(request: SimRequest, signed: Buffer): SimResponse | null {
    const client = header(request, 'x-auth-client');
    if (!client) return failed(401, '1801', 'Mandatory X-AUTH-CLIENT header containing the API key is missing from the request.');
    const apiKey = header(request, 'x-api-key');
    if (client !== SANDBOX_VERIFF_API_KEY || (apiKey !== null && apiKey !== SANDBOX_VERIFF_API_KEY)) {
      return failed(401, '1803', 'Integration with the API key was not found.');
    }
    const signature = header(request, 'x-hmac-signature');
    if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature)) return failed(401, '1812', 'Signature is not a valid SHA256 hash.');
    if (!signatureMatches(signed, signature)) {
      return failed(401, '1818', 'Signature does not match the HMAC-SHA256 of the request body and the integration API secret.');
    }
    return null;
  }

  /** The decision once made (the same body the webhook carries), `verification: null` before; 404 for an unknown session. */
  private decisionOf(sessionId: string): SimResponse {
    const session = this.sessions.get(sessionId);
    if (!session) return failed(404, '1404', 'Session not found');
    if (Date.now() < session.decidesAt) return this.signedAnswer({ status: 'success', verification: null });
    return this.signedAnswer(this.decisionBody(session.decision));
  }

  /** A JSON answer signed (or not, or wrongly) over its exact bytes, as answerSignature says. */
  private signedAnswer(value: unknown): SimResponse {
    const body = typeof value === 'string' ? value : JSON.stringify(value);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.answerSignature !== 'missing') {
      headers['x-hmac-signature'] = createHmac('sha256', this.answerSignature === 'valid' ? SANDBOX_VERIFF_SHARED_SECRET : NOT_THE_SHARED_SECRET)
        .update(body)
        .digest('hex');
    }
    return { status: 200, headers, body };
  }

  /** The decision body of a session, built once when first needed (webhook or poll), without the ID number. */
  private decisionBody(decision: ScheduledDecision): string {
    let body = this.sentBodies.get(decision.sessionId);
    if (body === undefined) {
      body = JSON.stringify(decisionEnvelope({ ...decision, seed: this.options.seed ?? 1, idNumber: null, decisionTime: new Date().toISOString() }));
      this.sentBodies.set(decision.sessionId, body);
    }
    return body;
  }

  private schedule(decision: ScheduledDecision, delayMs: number, attempt: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(decision, attempt);
    }, delayMs);
    this.timers.add(timer);
  }

  private async deliver(decision: ScheduledDecision, attempt: number): Promise<void> {
    const body = this.decisionBody(decision);
    if (this.dropWebhooks) {
      // Lost on the way: Veriff believes it was delivered, the gateway never hears of it.
      this.deliveries.push({ sessionId: decision.sessionId, attempt, status: null, error: 'dropped', at: new Date().toISOString() });
      this.log(`Veriff simulator: dropped the decision webhook for ${decision.sessionId}`);
      return;
    }
    const { status, error } = await this.post(decision.sessionId, body, attempt);
    if (status === 200 || this.stopped) return;
    const waitMs = this.retryDelaysMs[attempt - 1];
    if (waitMs === undefined) {
      this.log(`Veriff simulator: gave up delivering the decision for ${decision.sessionId} after ${attempt} attempts`);
      return;
    }
    this.log(`Veriff simulator: decision for ${decision.sessionId} not accepted (${status ?? error}); retrying in ${waitMs} ms`);
    this.schedule(decision, waitMs, attempt + 1);
  }

  /** One signed POST to the gateway's webhook; attempt 0 marks a manual redelivery. */
  private async post(sessionId: string, body: string, attempt: number): Promise<{ status: number | null; error: string | null }> {
    const gatewayUrl = this.options.gatewayUrl();
    let result: { status: number | null; error: string | null };
    if (!gatewayUrl) {
      result = { status: null, error: 'no gateway URL' };
    } else {
      const controller = new AbortController();
      this.inFlight.add(controller);
      const timeout = setTimeout(() => controller.abort(), 10_000);
      try {
        const response = await fetch(`${gatewayUrl}/webhooks/veriff`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-auth-client': SANDBOX_VERIFF_API_KEY,
            'x-hmac-signature': sign(body),
          },
          body,
          signal: controller.signal,
        });
        await response.arrayBuffer();
        result = { status: response.status, error: null };
      } catch (error) {
        result = { status: null, error: (error as Error).name === 'AbortError' ? 'timeout' : (error as Error).message };
      } finally {
        clearTimeout(timeout);
        this.inFlight.delete(controller);
      }
    }
    this.deliveries.push({ sessionId, attempt, ...result, at: new Date().toISOString() });
    return result;
  }

  private log(message: string): void {
    this.options.log?.(message);
  }
}

/**
 * A SimulatorServer whose request log masks ID numbers as requests are recorded (so neither `requests` nor
 * /__control/requests ever holds one) and whose faults also apply to its twin (the sync endpoint), so
 * SANDBOX_FAULTS and /__control/faults on the default endpoint cover both.
 */
class VeriffSimulatorServer extends SimulatorServer {
  override readonly requests: RecordedRequest[] = new IdNumberMaskingLog();

  constructor(provider: Provider, handler: (request: SimRequest) => SimResponse, private readonly twin?: SimulatorServer) {
    super(provider, handler);
  }

  override setFaults(faults: FaultSpec | null | undefined): void {
    super.setFaults(faults);
    this.twin?.setFaults(faults);
  }
}

/** An array that masks the ID number in every request body pushed into it. */
class IdNumberMaskingLog extends Array<RecordedRequest> {
  override push(...items: RecordedRequest[]): number {
    return super.push(...items.map((item) => ({ ...item, body: maskIdNumberInBody(item.body) })));
  }
}

function failed(status: number, code: string, message: string): SimResponse {
  return { status, body: { status: 'failed', code, message } };
}

function header(request: SimRequest, name: string): string | null {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text && text.trim() !== '' ? text.trim() : null;
}

function sign(body: string | Buffer): string {
  return createHmac('sha256', SANDBOX_VERIFF_SHARED_SECRET).update(body).digest('hex');
}

function signatureMatches(body: Buffer | Uint8Array, signature: string): boolean {
  const expected = createHmac('sha256', SANDBOX_VERIFF_SHARED_SECRET).update(body).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
