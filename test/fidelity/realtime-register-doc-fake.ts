import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Realtime Register as ../shared/providers/realtime-register.md describes it, written from that document alone (no
 * code from src/sandbox or src/providers): an independent reading to catch misreadings our own simulator shares.
 * Only node:http. Behaviour is set per handle or per process; every request is recorded.
 */

export type ErrorVocabulary = 'errors-page' | 'api-spec';

/** How the fake answers POST .../contacts/{handle}/update. */
export type UpdateAnswer =
  | { kind: 'ok' }
  | { kind: 'accepted'; processId: number; where: 'header' | 'body' | 'both' }
  | { kind: 'update-validation'; errors: Record<string, string> }
  | { kind: 'violations'; violations: { field: string; message: string }[] }
  | { kind: 'status'; status: number; body: Record<string, unknown> };

export interface RecordedCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** The request target exactly as sent (path and query, percent-encoding untouched). */
  rawUrl: string;
}

/** A contact the way the document lists its fields, plus fields and values it does not know. */
export function storedContact(handle: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    handle,
    brand: null,
    name: 'Ann Lee',
    organization: '',
    addressLine: ['Main Street 1'],
    postalCode: '1234 AB',
    city: 'Utrecht',
    state: null,
    country: 'NL',
    email: 'ann@example.nl',
    voice: '+31.384530759',
    fax: null,
    disclosedFields: [],
    registries: ['de'],
    properties: {},
    createdDate: '2026-01-02T03:04:05Z',
    updatedDate: null,
    customer: 'docfake',
    somethingNew: { nested: [1, 2, 3] },
    verifications: [],
    ...extra,
  };
}

export class RealtimeRegisterDocFake {
  readonly apiKey = 'doc-fake-key';
  readonly customer = 'docfake';
  readonly calls: RecordedCall[] = [];
  /** Stored contacts as RTR returns them (anything goes, including fields and values the docs do not list). */
  readonly contacts = new Map<string, Record<string, unknown>>();
  /** The largest page the list answers (the document publishes no cap); its pagination.limit says what it applied. */
  listCap = 100;
  /**
   * How the list applies `handle:in=`: as documented (exact handles), matching whatever the case (answering the stored
   * spelling), or not at all (a proxy or stand-in that drops unknown filters: every contact, paged).
   */
  handleFilter: 'applied' | 'any-case' | 'ignored' = 'applied';
  /** Missing contacts answer in this vocabulary. */
  vocabulary: ErrorVocabulary = 'errors-page';
  readonly updates = new Map<string, UpdateAnswer>();
  /** Each process answers its statuses in order, then keeps the last one. */
  readonly processes = new Map<number, { statuses: string[]; extra?: Record<string, unknown> }>();
  /** The account's notification queue, oldest first. */
  readonly queue: Record<string, unknown>[] = [];
  readonly acked: number[] = [];
  /**
   * Answers the document allows but a well-behaved provider rarely sends (an HTML page from a proxy, a cut-off body,
   * a huge one), by request path: each is sent once, in order, before the path answers normally again.
   */
  readonly raw = new Map<string, { status: number; body: string | Buffer; headers?: Record<string, string> }[]>();
  /** A path the API is mounted under (a proxy routing by path): requests outside it are not the API's. */
  mount = '';
  private server: Server | null = null;

  /**
   * What a live gateway is configured with against this fake (listening at baseUrl): its key, customer and the
   * document's example webhook key; the poller left to the test (pollNotifications), a caller key with every scope.
   */
  gatewayEnv(baseUrl: string, callerKey: string): Record<string, string> {
    return {
      REALTIME_REGISTER_API_KEY: this.apiKey,
      REALTIME_REGISTER_CUSTOMER: this.customer,
      REALTIME_REGISTER_BASE_URL: baseUrl,
      REALTIME_REGISTER_WEBHOOK_SECRET: 'EXAMPLE_KEY',
      REALTIME_REGISTER_POLL_INTERVAL_MS: '3600000',
      GATEWAY_API_KEYS: `ops=${callerKey}:*`,
    };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  count(method: string, path: string): number {
    return this.calls.filter((call) => call.method === method && call.path === path).length;
  }

  private answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (this.mount) {
      if (!url.pathname.startsWith(`${this.mount}/`)) {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html><body>Not Found</body></html>');
        return;
      }
      url.pathname = url.pathname.slice(this.mount.length);
    }
    this.calls.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, rawUrl: req.url ?? '' });
    const scripted = this.raw.get(url.pathname)?.shift();
    if (scripted) {
      res.writeHead(scripted.status, scripted.headers ?? {});
      res.end(scripted.body);
      return;
    }
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      const text = payload === undefined ? '' : JSON.stringify(payload);
      res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...headers });
      res.end(text);
    };
    // "Header Authorization: ApiKey <key>. No other auth scheme."
    if (req.headers.authorization !== `ApiKey ${this.apiKey}`) {
      return send(401, this.vocabulary === 'errors-page' ? { type: 'AuthenticationError', message: 'Invalid API key' } : { type: 'AuthenticationFailed', message: 'Authentication failed' });
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    // /v2/processes/{id}
    if (req.method === 'GET' && parts[0] === 'v2' && parts[1] === 'processes' && parts.length === 3) {
      const process = this.processes.get(Number(parts[2]));
      if (!process) return send(this.vocabulary === 'errors-page' ? 400 : 404, { type: 'ObjectDoesNotExist', message: 'Process not found' });
      const seen = this.calls.filter((call) => call.path === url.pathname).length;
      const status = process.statuses[Math.min(seen, process.statuses.length) - 1]!;
      return send(200, { id: Number(parts[2]), status, type: 'contact', action: 'update', createdDate: '2026-01-01T00:00:00Z', identifier: 'x', ...process.extra });
    }
    if (parts[0] !== 'v2' || parts[1] !== 'customers' || parts[2] !== this.customer) {
      return send(this.vocabulary === 'errors-page' ? 400 : 404, { type: 'ObjectDoesNotExist', message: 'Customer not found' });
    }
    const [, , , collection, id, action] = parts;
    if (collection === 'contacts') return this.contactsRoute(req.method ?? '', url, id, action, body, send);
    if (collection === 'notifications') {
      if (req.method === 'GET' && id === 'poll') {
        const head = this.queue[0];
        return send(200, head ? { count: this.queue.length, notification: head } : { count: 0 });
      }
      if (req.method === 'POST' && action === 'ack') {
        const index = this.queue.findIndex((item) => String(item.id) === id);
        if (index >= 0) this.queue.splice(index, 1);
        this.acked.push(Number(id));
        return send(200);
      }
    }
    return send(404, { type: 'NotFound', message: 'No such endpoint' });
  }

  private contactsRoute(method: string, url: URL, handle: string | undefined, action: string | undefined, body: string, send: (status: number, payload?: unknown, headers?: Record<string, string>) => void): void {
    const missing = () => send(this.vocabulary === 'errors-page' ? 400 : 404, { type: 'ObjectDoesNotExist', message: `Entity Contact with key ${handle} not found` });
    if (method === 'GET' && handle === undefined) {
      // Filters field=value or field:matcher=value; `in` takes a comma list.
      const asked = this.handleFilter === 'ignored' ? undefined : url.searchParams.get('handle:in')?.split(',');
      const spelling = (handle: string) => (this.handleFilter === 'any-case' ? handle.toLowerCase() : handle);
      const wanted = asked ? new Set(asked.map(spelling)) : null;
      const rows = [...this.contacts.values()].filter((contact) => !wanted || wanted.has(spelling(String(contact.handle))));
      const limit = Math.min(Number(url.searchParams.get('limit') ?? '10'), this.listCap);
      const offset = Number(url.searchParams.get('offset') ?? '0');
      const pagination: Record<string, number> = { limit, offset };
      if (url.searchParams.get('total') !== 'false') pagination.total = rows.length;
      return send(200, { entities: rows.slice(offset, offset + limit), pagination });
    }
    if (handle === undefined) return send(405, { type: 'InvalidMessage', message: 'Method not allowed' });
    if (method === 'GET' && action === undefined) {
      const contact = this.contacts.get(handle);
      return contact ? send(200, contact) : missing();
    }
    if (method === 'POST' && action === 'validate') {
      if (!this.contacts.has(handle)) return missing();
      return send(200);
    }
    if (method === 'POST' && action === 'update') {
      if (!this.contacts.has(handle)) return missing();
      const answer = this.updates.get(handle) ?? { kind: 'ok' };
      switch (answer.kind) {
        case 'ok':
          return send(200);
        case 'accepted': {
          const headers: Record<string, string> = answer.where === 'body' ? {} : { 'x-process-id': String(answer.processId) };
          return send(202, answer.where === 'header' ? undefined : { processId: answer.processId }, headers);
        }
        case 'update-validation':
          return send(400, { type: 'ContactUpdateValidationError', message: 'Contact update validation failed', errors: answer.errors });
        case 'violations':
          return send(400, { type: 'ConstraintViolationException', message: 'Constraint violation', violations: answer.violations });
        default:
          return send(answer.status, answer.body);
      }
    }
    return send(404, { type: 'NotFound', message: 'No such endpoint' });
  }
}

/** HMAC-SHA256(key, body) in the three readings the document allows for the webhook `Signature` header. */
export function docSignatures(key: string, body: string): { base64Digest: string; base64HexText: string; hex: string } {
  const digest = createHmac('sha256', key).update(body).digest();
  return {
    base64Digest: digest.toString('base64'),
    // The document's worked example: Base64 of the lowercase hex text with a leading space.
    base64HexText: Buffer.from(` ${digest.toString('hex')}`).toString('base64'),
    hex: digest.toString('hex'),
  };
}
