import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import { OUTCOME_UNKNOWN, ProviderFailure } from '../domain/errors.js';
import type { CircuitState, Provider } from '../domain/providers.js';
import { PROVIDER_LABEL } from '../domain/providers.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { backoffDelay, failedBeforeSending, isIdempotentMethod, isRetryableStatus, parseRetryAfter } from './retry-policy.js';
import type { UpstreamCallRecord } from './upstream-span.js';
import { traceUpstreamCall } from './upstream-span.js';
import { tracingEnabled } from '../observability/tracer.js';
import { utf8Text } from './utf8-text.js';

export { parseRetryAfter } from './retry-policy.js';
export { OUTCOME_UNKNOWN } from '../domain/errors.js';

/** How one provider is reached. Every duration is in milliseconds. */
export interface ProviderHttpOptions {
  provider: Provider;
  /**
   * Where the provider's paths start: an origin (https://api.yoursrs.com), or an origin and a path prefix that every
   * request path is sent below (https://proxy.example/rtr: `/v2/...` goes to `/rtr/v2/...`). No query or fragment.
   */
  baseUrl: string;
  metrics: GatewayMetrics;
  /** Budget for a whole call, retries and backoff included. Default 10_000. */
  deadlineMs?: number;
  /** Budget for one attempt (headers and body). Default: deadlineMs. */
  attemptTimeoutMs?: number;
  /** Retries after the first attempt, for idempotent calls only. Default 2 (at most 3 attempts). */
  maxRetries?: number;
  /** First backoff step; doubles per retry, with full jitter. Default 100. */
  backoffBaseMs?: number;
  /** Cap on one backoff step. Default 2_000. */
  backoffMaxMs?: number;
  breaker?: {
    /** Consecutive failures (network, timeout, 5xx) that open the circuit. Default 5. */
    failureThreshold?: number;
    /** How long the circuit stays open before a trial call. Default 10_000. */
    openMs?: number;
  };
  /** undici Pool connections to this origin. Default 32. */
  connections?: number;
  /** Largest answer body read; a longer one ends the call with a ProviderFailure. Default RESPONSE_BYTES_MAX. */
  maxResponseBytes?: number;
  /** Source of jitter in [0, 1); injectable for deterministic tests. Default Math.random. */
  random?: () => number;
  /** Wall clock in epoch ms for the breaker, Retry-After dates and lastError. Default Date.now. Deadlines use real timers. */
  now?: () => number;
}

export type UpstreamMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One upstream call, described by the provider client. */
export interface UpstreamRequest {
  /** Metrics label, e.g. 'contacts.list'. Also names the call in lastError. */
  operation: string;
  method: UpstreamMethod;
  /** Starts with '/'. */
  path: string;
  /** Encoded with URLSearchParams; undefined and null values are left out. */
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  /** Sent as-is: callers serialize once, e.g. to sign the exact bytes. */
  body?: string | Uint8Array;
  /** Default: true for GET, PUT and DELETE; false for POST and PATCH. Only idempotent calls are retried. */
  idempotent?: boolean;
  /**
   * Whether the call changes something at the provider (submits evidence, opens a session, sends an email). Default:
   * true for calls that are not idempotent. When such a call was sent and no answer came (a timeout, a reset), it may
   * have been applied: the failure says the outcome is unknown and is not retryable, so no caller repeats it blindly
   * (twice the evidence, two Veriff sessions). A login is not idempotent yet changes nothing: it sets false.
   */
  changesState?: boolean;
  /** Overrides ProviderHttpOptions.deadlineMs for this call. */
  deadlineMs?: number;
  /** Sent as x-request-id so provider logs can be matched with ours. */
  requestId?: string;
  /**
   * Asked before the call is sent again (a retry; a client's re-send): false ends the call with the answer it has.
   * Each repeat is paid from the budget of the request that caused the call (src/providers/call-scope.ts).
   */
  mayRepeat?: () => Promise<boolean>;
  /** Extra retryable classification for provider quirks (e.g. a proxy's HTML page under HTTP 500 in front of a SOAP service). Called with the full response; return true to treat as retryable failure. */
  isRetryable?: (response: UpstreamResponse) => boolean;
  /**
   * How long the provider said it will be away, when it says so in its body rather than in Retry-After (Realtime
   * Register's maintenance `endDate`), in ms from `now`. Taken as Retry-After is: no retry sooner, none at all past the
   * deadline, and a circuit such answers open reports that wait rather than its own openMs.
   */
  announcedWaitMs?: (response: UpstreamResponse, now: number) => number | undefined;
  /** Provider answers that must never be sent again, whatever their status (e.g. Openprovider code 50 under HTTP 429). Wins over isRetryable. */
  neverRetry?: (response: UpstreamResponse) => boolean;
}

/** The provider's answer, whatever its status; the client maps error bodies to domain errors. */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A finished attempt and the timeout to name if it has to be reported as one. */
interface Concluded {
  attempt: Attempt;
  timeoutMs: number;
}

type Outcome = 'success' | 'client_error' | 'rate_limited' | 'server_error' | 'timeout' | 'network_error' | 'too_large';

/**
 * Default cap on one answer's body. The largest answers the gateway asks for (a list page of 100 contacts, a SOAP
 * customer read) are a few hundred kilobytes; 8 MiB leaves room for all of them while a provider, or a proxy in front
 * of it, streaming an endless or gigabyte body cannot fill the gateway's memory (64 connections at most hold 512 MiB).
 */
export const RESPONSE_BYTES_MAX = 8 * 1024 * 1024;

/** What one attempt produced (a response, or a failure to get one) and how long it took. */
type Attempt = { seconds: number } & (
  | { kind: 'response'; response: UpstreamResponse }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'network'; code: string }
  | { kind: 'too_large'; limitBytes: number }
);

/**
 * The one HTTP layer every provider client uses: a keep-alive undici Pool per provider origin, an overall deadline
 * per call, retries with backoff for idempotent calls, a circuit breaker, and per-attempt metrics.
 *
 * Any HTTP status is returned to the client. Only a missing answer (network error, timeout, open circuit) throws,
 * always as ProviderFailure kind UNAVAILABLE with a message that carries no URL, query or body.
 */
export class ProviderHttp {
  private readonly provider: Provider;
  private readonly label: string;
  private readonly metrics: GatewayMetrics;
  private readonly pool: Pool;
  /** The base URL's own path without its trailing slash ('' for an origin): the prefix of every request path. */
  private readonly basePath: string;
  private readonly breaker: CircuitBreaker;
  private readonly deadlineMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoff: { baseMs: number; maxMs: number; random: () => number };
  private readonly now: () => number;
  private readonly maxResponseBytes: number;
  private failure: { message: string; at: string } | null = null;
  /** Until when (epoch ms) the provider's last outage answer said it would be away; 0 when it did not say or recovered. */
  private awayUntil = 0;

  constructor(options: ProviderHttpOptions) {
    const origin = new URL(options.baseUrl);
    if (origin.search || origin.hash) {
      throw new Error(`ProviderHttp baseUrl must not carry a query or fragment (provider ${options.provider})`);
    }
    // A base URL below the host's root (a provider behind a path-routing proxy, a test double mounted under a prefix)
    // is accepted by configuration like any URL; every request path is sent below it rather than at the host's root.
    this.basePath = origin.pathname.replace(/\/+$/, '');
    this.provider = options.provider;
    this.label = PROVIDER_LABEL[options.provider];
    this.metrics = options.metrics;
    this.pool = new Pool(origin.origin, { connections: options.connections ?? 32 });
    this.deadlineMs = options.deadlineMs ?? 10_000;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? this.deadlineMs;
    this.maxRetries = options.maxRetries ?? 2;
    this.backoff = { baseMs: options.backoffBaseMs ?? 100, maxMs: options.backoffMaxMs ?? 2_000, random: options.random ?? Math.random };
    this.now = options.now ?? Date.now;
    this.maxResponseBytes = options.maxResponseBytes ?? RESPONSE_BYTES_MAX;
    this.breaker = new CircuitBreaker({
      failureThreshold: options.breaker?.failureThreshold ?? 5,
      openMs: options.breaker?.openMs ?? 10_000,
      now: this.now,
      onTransition: (state) => this.metrics.circuitState.set({ provider: this.provider }, CIRCUIT_GAUGE[state]),
    });
    this.metrics.circuitState.set({ provider: this.provider }, CIRCUIT_GAUGE.CLOSED);
  }

  /** Current breaker state (OPEN turns HALF_OPEN lazily once openMs has passed). */
  get circuit(): CircuitState {
    return this.breaker.state;
  }

  /** Last failure seen, safe to show (no bodies, no credentials, no query strings): e.g. "HTTP 503 on contacts.list" or "timeout after 2000 ms on contacts.get"; and when. */
  get lastError(): { message: string; at: string } | null {
    return this.failure;
  }

  /**
   * Sends the request, retrying idempotent calls on retryable failures within the deadline. Resolves with the
   * provider's response for any HTTP status; rejects with ProviderFailure UNAVAILABLE when no answer came.
   */
  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    if (!tracingEnabled()) return this.send(req, null);
    return traceUpstreamCall({ provider: this.provider, operation: req.operation, method: req.method, circuit: () => this.circuit }, (record) => this.send(req, record));
  }

  /** request() without its span; `record` (tracing on) learns the retries. */
  private async send(req: UpstreamRequest, record: UpstreamCallRecord | null): Promise<UpstreamResponse> {
    const deadlineMs = req.deadlineMs ?? this.deadlineMs;
    const deadlineAt = performance.now() + deadlineMs;
    const idempotent = req.idempotent ?? isIdempotentMethod(req.method);
    const changesState = req.changesState ?? !idempotent;
    const path = belowBase(this.basePath, withQuery(req.path, req.query));
    const headers = req.requestId ? { ...req.headers, 'x-request-id': req.requestId } : { ...req.headers };

    let previous: Concluded | undefined;
    for (let retry = 0; ; retry++) {
      const admission = this.breaker.admit();
      if (!admission.allowed) {
        // The circuit opened while this call was backing off: hand back what the call already has.
        if (previous) return this.conclude(req, previous, changesState);
        this.metrics.upstreamRequests.inc({ provider: this.provider, operation: req.operation, outcome: 'circuit_open' });
        throw this.circuitOpen(admission.retryAfterMs, admission.trialRunning);
      }
      if (retry > 0) this.metrics.upstreamRetries.inc({ provider: this.provider, operation: req.operation });
      if (record) record.retries = retry;

      const remainingMs = deadlineAt - performance.now();
      const budgetMs = Math.min(this.attemptTimeoutMs, remainingMs);
      let attempt: Attempt;
      try {
        attempt = await this.attempt(req, path, headers, budgetMs);
      } catch (bug) {
        this.breaker.release();
        throw bug;
      }
      const retryable = this.settle(req, attempt);
      // A timeout is reported against the deadline when the deadline is what cut this attempt short.
      const current: Concluded = { attempt, timeoutMs: remainingMs <= this.attemptTimeoutMs ? deadlineMs : this.attemptTimeoutMs };
      if (!retryable || !idempotent || retry >= this.maxRetries) return this.conclude(req, current, changesState);

      const retryAfterMs = attempt.kind === 'response' ? this.announcedWait(req, attempt.response) : undefined;
      const waitMs = Math.max(backoffDelay(retry, this.backoff), retryAfterMs ?? 0);
      // Waiting past the deadline only to be cut off: better to hand back what we have now.
      if (performance.now() + waitMs >= deadlineAt) return this.conclude(req, current, changesState);
      // A retry is one more call the request causes: paid for first, or the call ends with what it has.
      if (req.mayRepeat && !(await req.mayRepeat())) return this.conclude(req, current, changesState);
      previous = current;
      await sleep(waitMs);
    }
  }

  /** Closes the pool; in-flight requests fail, later ones reject. */
  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * One attempt, aborted when its budget runs out; the body is read in full within the same budget. The abort signal
   * is an EventEmitter, which undici takes in place of an AbortSignal: adding and removing undici's one listener on an
   * AbortSignal (an EventTarget) cost about ten times as much, on every upstream call.
   */
  private async attempt(req: UpstreamRequest, path: string, headers: Record<string, string>, budgetMs: number): Promise<Attempt> {
    const abort = new EventEmitter();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.emit('abort');
    }, Math.max(0, budgetMs));
    const startedAt = performance.now();
    const seconds = () => (performance.now() - startedAt) / 1000;
    try {
      const res = await this.pool.request({ method: req.method, path, headers, body: req.body ?? null, signal: abort });
      const body = await readCapped(res.body, res.headers['content-length'], this.maxResponseBytes);
      if (body === null) return { kind: 'too_large', limitBytes: this.maxResponseBytes, seconds: seconds() };
      return { kind: 'response', response: { status: res.statusCode, headers: res.headers, body }, seconds: seconds() };
    } catch (error) {
      if (timedOut) return { kind: 'timeout', afterMs: Math.round(budgetMs), seconds: seconds() };
      if (isUndiciMisuse(error)) throw error; // a bug in the caller, not an upstream failure
      return { kind: 'network', code: networkErrorCode(error), seconds: seconds() };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Books one finished attempt: metrics, breaker, lastError. Returns whether it is worth retrying.
   * The breaker counts outages only (network, timeout, 5xx); 4xx and 429 mean the provider is up and answering.
   */
  private settle(req: UpstreamRequest, attempt: Attempt): boolean {
    const outcome = outcomeOf(attempt);
    const labels = { provider: this.provider, operation: req.operation, outcome };
    this.metrics.upstreamRequests.inc(labels);
    this.metrics.upstreamDuration.observe(labels, attempt.seconds);

    if (outcome === 'timeout' || outcome === 'network_error' || outcome === 'server_error') this.breaker.recordFailure();
    else this.breaker.recordSuccess();
    if (outcome === 'server_error' && attempt.kind === 'response') {
      const waitMs = this.announcedWait(req, attempt.response);
      if (waitMs !== undefined) this.awayUntil = this.now() + waitMs;
    } else if (outcome !== 'timeout' && outcome !== 'network_error') {
      this.awayUntil = 0;
    }

    if (attempt.kind === 'timeout') {
      this.remember(`timeout after ${attempt.afterMs} ms on ${req.operation}`);
      return true;
    }
    if (attempt.kind === 'network') {
      this.remember(`network error (${attempt.code}) on ${req.operation}`);
      return true;
    }
    if (attempt.kind === 'too_large') {
      // The same call would get the same answer: not worth a retry.
      this.remember(`answer over ${attempt.limitBytes} bytes on ${req.operation}`);
      return false;
    }
    const { status } = attempt.response;
    const retryable =
      !(req.neverRetry?.(attempt.response) ?? false) && (isRetryableStatus(status) || (req.isRetryable?.(attempt.response) ?? false));
    if (retryable || status >= 500) this.remember(`HTTP ${status} on ${req.operation}`);
    return retryable;
  }

  /** The wait an answer asks for: the provider's own announcement (announcedWaitMs), else Retry-After. */
  private announcedWait(req: UpstreamRequest, response: UpstreamResponse): number | undefined {
    const now = this.now();
    return req.announcedWaitMs?.(response, now) ?? parseRetryAfter(response.headers['retry-after'], now);
  }

  private remember(message: string): void {
    this.failure = { message, at: new Date(this.now()).toISOString() };
  }

  /**
   * The call's result from its last attempt: the response, or UNAVAILABLE when there was none. A write that may have
   * reached the provider is OUTCOME_UNKNOWN and not retryable: "try again" would repeat what may already be done.
   */
  private conclude(req: UpstreamRequest, { attempt, timeoutMs }: Concluded, changesState: boolean): UpstreamResponse {
    if (attempt.kind === 'response') return attempt.response;
    if (attempt.kind === 'too_large') {
      throw new ProviderFailure(this.provider, `${this.label} sent an answer larger than ${attempt.limitBytes} bytes; it was not read.`, {
        kind: 'ERROR',
        retryable: false,
      });
    }
    const message =
      attempt.kind === 'timeout'
        ? `${this.label} did not answer within ${timeoutMs} ms`
        : `${this.label} could not be reached (${attempt.code})`;
    if (changesState && !(attempt.kind === 'network' && failedBeforeSending(attempt.code))) {
      throw new ProviderFailure(
        this.provider,
        `${message} after ${req.operation} was sent: it may have been applied. Check its state before sending it again.`,
        { kind: 'UNAVAILABLE', code: OUTCOME_UNKNOWN, retryable: false },
      );
    }
    throw new ProviderFailure(this.provider, message, { kind: 'UNAVAILABLE', retryable: true });
  }

  private circuitOpen(retryAfterMs: number, trialRunning: boolean): ProviderFailure {
    // The provider said how long it is away (a maintenance window, a long Retry-After): the caller learns that, not
    // the breaker's next trial in a few seconds, which would only meet the same outage again.
    const announcedMs = this.awayUntil - this.now();
    if (announcedMs > retryAfterMs && announcedMs > 1_000) {
      const announced = Math.ceil(announcedMs / 1000);
      return new ProviderFailure(this.provider, `${this.label} said it is unavailable for another ${announced} s; calls are paused (circuit ${trialRunning ? 'half-open' : 'open'})`, {
        kind: 'UNAVAILABLE',
        retryable: true,
        retryAfterSeconds: announced,
      });
    }
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    const message = trialRunning
      ? `${this.label} is recovering; calls are paused for ${seconds} s while a trial call runs (circuit half-open)`
      : `${this.label} is failing; calls are paused for ${seconds} s (circuit open)`;
    return new ProviderFailure(this.provider, message, { kind: 'UNAVAILABLE', retryable: true, retryAfterSeconds: seconds });
  }
}

const CIRCUIT_GAUGE: Record<CircuitState, number> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };

function outcomeOf(attempt: Attempt): Outcome {
  if (attempt.kind === 'timeout') return 'timeout';
  if (attempt.kind === 'network') return 'network_error';
  if (attempt.kind === 'too_large') return 'too_large';
  const { status } = attempt.response;
  if (status < 400) return 'success';
  if (status === 429) return 'rate_limited';
  return status < 500 ? 'client_error' : 'server_error';
}

/**
 * The body as text, or null (the rest discarded) once it passes `limit` bytes. A Content-Length within the limit takes
 * undici's own reader (undici holds the body to that length), the path nearly every answer takes; a longer one is
 * refused unread, and a body without a length (chunked) is counted as it arrives.
 */
async function readCapped(body: Dispatcher.ResponseData['body'], contentLength: string | string[] | undefined, limit: number): Promise<string | null> {
  const declared = typeof contentLength === 'string' && /^\d{1,15}$/.test(contentLength) ? Number(contentLength) : null;
  if (declared !== null && declared <= limit) return body.text();
  if (declared !== null) {
    discard(body);
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      discard(body);
      return null;
    }
    chunks.push(chunk);
  }
  // Decoded as undici's own reader decodes a sized body (utf8Text): Buffer#toString kept a leading byte order mark, so
  // the same answer parsed as JSON when it came with a Content-Length and was "unreadable" when it came chunked.
  return utf8Text(Buffer.concat(chunks, size));
}


/** Drops the rest of a body (and its connection). undici then emits an AbortError on it: expected, so swallowed here. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * A request path below the base URL's path. A base URL that already ends in the path's first segment (`https://host/v1`
 * for Veriff's `/v1/...`, `.../v2` for Realtime Register's `/v2/...`) is the usual way of writing the same service, so
 * that segment is sent once, not twice.
 */
function belowBase(basePath: string, path: string): string {
  if (!basePath) return path;
  const first = /^\/[^/?]+/.exec(path)?.[0];
  return first && basePath.endsWith(first) ? `${basePath}${path.slice(first.length)}` : `${basePath}${path}`;
}

function withQuery(path: string, query: UpstreamRequest['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.append(key, String(value));
  }
  // URLSearchParams writes a space as `+` (form encoding), which only form decoders read back as a space; `%20` is a
  // space to every decoder (RFC 3986 ones too), e.g. Openprovider's `status=not verified`. A literal `+` is already %2B.
  const encoded = params.toString().replace(/\+/g, '%20');
  if (!encoded) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${encoded}`;
}

/** The most specific code on a socket-level error: ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, ... */
function networkErrorCode(error: unknown): string {
  const candidates = [error, (error as { cause?: unknown })?.cause, (error as { errors?: unknown[] })?.errors?.[0]];
  for (const candidate of candidates) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && code) return code;
  }
  return error instanceof Error ? error.name : 'unknown error';
}

/** undici rejects bad arguments (e.g. an invalid header) with this code; that is our bug, not an outage. */
function isUndiciMisuse(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'UND_ERR_INVALID_ARG';
}
