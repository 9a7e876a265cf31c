import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Provider } from '../domain/providers.js';
import type { FaultSpec } from './faults.js';
import { checkFaultSpec } from './faults.js';
import { seededRandom } from './seeded-random.js';

/** One request a simulator served, kept so tests can count upstream calls. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The faults in force, for provider-specific ones (outage). */
  faults: FaultSpec;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: string | object;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

/** A provider-specific control endpoint under /__control (never recorded, never faulted). */
export type ControlHandler = (method: string, body: Buffer) => SimResponse;

/**
 * The loopback HTTP server under every provider simulator: routes to the provider's handler, records requests,
 * injects faults, and serves a control API at /__control (faults, request log) that is never recorded.
 */
export class SimulatorServer {
  readonly requests: RecordedRequest[] = [];
  /**
   * The request log keeps the newest this many (a sandbox gateway runs for days; an unbounded log would grow without
   * end). Counts are over the kept requests: code counting across more requests than this raises it.
   */
  maxRecorded = 100_000;
  private faults: FaultSpec = {};
  /** Requests still to fail under the current faults' failFirst. */
  private failuresLeft = 0;
  private dice: () => number;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly controlRoutes = new Map<string, ControlHandler>();
  private baseUrl = '';

  constructor(
    readonly provider: Provider,
    private readonly handler: SimHandler,
    private readonly random: () => number = Math.random,
  ) {
    this.dice = random;
  }

  get url(): string {
    return this.baseUrl;
  }

  /** Replaces the faults in force (null or {}: healthy); restarts the failFirst count and, with a seed, the dice. */
  setFaults(faults: FaultSpec | null | undefined): void {
    this.faults = { ...(faults ?? {}) };
    this.failuresLeft = this.faults.failFirst ?? 0;
    this.dice = this.faults.seed === undefined ? this.random : seededRandom(this.faults.seed);
  }

  getFaults(): FaultSpec {
    return { ...this.faults };
  }

  /** Requests whose path starts with prefix (all when omitted). */
  count(prefix = '', method?: string): number {
    return this.requests.filter((request) => request.path.startsWith(prefix) && (!method || request.method === method)).length;
  }

  /** Adds a control endpoint, e.g. /__control/notifications to inject provider notifications. */
  addControlRoute(path: string, handler: ControlHandler): void {
    this.controlRoutes.set(path, handler);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.serve(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (url.pathname.startsWith('/__control')) return this.control(req.method ?? 'GET', url.pathname, body, res);

    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: body.toString('utf8'),
      at: Date.now(),
    });
    if (this.requests.length > this.maxRecorded) this.requests.splice(0, this.requests.length - Math.floor(this.maxRecorded * 0.75));
    const faults = this.faults;
    // Counted on arrival, so "the first N" are the first N to arrive, whatever the latency.
    const failNow = this.failuresLeft > 0;
    if (failNow) this.failuresLeft--;
    if (faults.latencyMs) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (failNow) return this.write(res, injectedError(faults));
    if (this.chance(faults.timeoutRate)) return; // accepted, never answered
    if (this.chance(faults.resetRate)) {
      req.socket.destroy();
      return;
    }
    if (this.chance(faults.errorRate)) return this.write(res, injectedError(faults));

    let answer: SimResponse;
    try {
      answer = await this.handler({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        text: body.toString('utf8'),
        faults,
      });
    } catch (error) {
      answer = { status: 500, body: { type: 'InternalServerError', message: `simulator bug: ${(error as Error).message}` } };
    }
    if (this.chance(faults.malformedRate)) answer = malformed(answer, faults.malformed ?? 'truncated');
    this.write(res, answer);
  }

  private chance(rate: number | undefined): boolean {
    return !!rate && this.dice() < rate;
  }

  private write(res: ServerResponse, answer: SimResponse): void {
    if (res.destroyed) return;
    const isText = typeof answer.body === 'string';
    const text = answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body);
    const headers: Record<string, string> = { ...(answer.headers ?? {}) };
    if (text && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json';
    }
    res.writeHead(answer.status, headers);
    res.end(text);
  }

  private control(method: string, path: string, body: Buffer, res: ServerResponse): void {
    const custom = this.controlRoutes.get(path);
    if (custom) return this.write(res, custom(method, body));
    if (path === '/__control/faults' && method === 'POST') {
      try {
        this.setFaults(body.length ? checkFaultSpec(JSON.parse(body.toString('utf8'))) : {});
        return this.write(res, { status: 200, body: this.faults });
      } catch (error) {
        return this.write(res, { status: 400, body: { error: error instanceof SyntaxError ? 'faults must be a JSON object' : (error as Error).message } });
      }
    }
    if (path === '/__control/faults') return this.write(res, { status: 200, body: this.faults });
    if (path === '/__control/requests' && method === 'DELETE') {
      this.clearRequests();
      return this.write(res, { status: 204 });
    }
    if (path === '/__control/requests') return this.write(res, { status: 200, body: { count: this.requests.length, requests: this.requests } });
    this.write(res, { status: 404, body: { error: 'unknown control path' } });
  }
}

function injectedError(faults: FaultSpec): SimResponse {
  const status = faults.status ?? 503;
  const headers: Record<string, string> = {};
  if (faults.retryAfterSeconds !== undefined && (status === 429 || status === 503)) headers['retry-after'] = String(faults.retryAfterSeconds);
  // An empty body, as load balancers in front of the real providers answer.
  return { status, headers };
}

function malformed(answer: SimResponse, kind: 'truncated' | 'html'): SimResponse {
  if (kind === 'html') {
    return { status: answer.status, headers: { 'content-type': 'text/html' }, body: '<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>' };
  }
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
  return { ...answer, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
}
