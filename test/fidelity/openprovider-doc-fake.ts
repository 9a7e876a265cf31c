import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An Openprovider REST v1beta written only from the public documents (../shared/providers/openprovider.md and
 * openprovider-swagger-excerpt.json), deliberately sharing no code with src/sandbox or src/providers: if the gateway
 * and its own simulator share a misreading, this fake does not. Everything the documents leave open is a knob, so a
 * test can answer each variant they allow.
 */

/** A verification row as the list returns it; `extra` fields are merged in as they are (unknown to the gateway). */
export interface DocRow {
  domain: string;
  email: string;
  handle: string;
  status: string;
  description: string;
  is_suspended: boolean;
  expiration_date: string | number;
  [unknown: string]: unknown;
}

/** A forced answer for the next call(s) to a path. */
export interface ForcedAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface OpenproviderDocFake {
  baseUrl: string;
  rows: DocRow[];
  customers: Map<string, Record<string, unknown>>;
  requests: SeenRequest[];
  /** Answer every call to `path` (exact, without query) with this, `times` times (default: until cleared). */
  force(path: string, answer: ForcedAnswer, times?: number): void;
  clearForced(): void;
  /**
   * How a success envelope is written: 'swagger' with every field (as the examples), or 'proto3' as a protobuf JSON
   * gateway writes it (the Swagger is protoc-generated: int32 formats, "(empty)" default responses), leaving out
   * empty strings, false, zero and empty arrays.
   */
  style: 'swagger' | 'proto3';
  /** Extra top-level envelope members the documents allow (`maintenance`, `warnings`). */
  envelopeExtras: Record<string, unknown>;
  /**
   * Numbers and booleans written as JSON strings (`"code": "0"`, `"total": "2"`, `"is_suspended": "false"`), as a
   * JSON writer that quotes scalars does: the same values to a liberal reader.
   */
  scalarsAsText: boolean;
  calls(path: string | RegExp): SeenRequest[];
  close(): Promise<void>;
}

const USERNAME = 'doc-reseller';
const PASSWORD = 'doc-password-1';
export const DOC_CREDENTIALS = { username: USERNAME, password: PASSWORD };

/** The documents' maximum page size and default. */
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

export async function startOpenproviderDocFake(): Promise<OpenproviderDocFake> {
  const tokens = new Set<string>();
  const forced = new Map<string, { answer: ForcedAnswer; left: number }>();
  let issued = 0;

  const fake: OpenproviderDocFake = {
    baseUrl: '',
    rows: [],
    customers: new Map(),
    requests: [],
    style: 'swagger',
    envelopeExtras: {},
    scalarsAsText: false,
    force(path, answer, times = Number.POSITIVE_INFINITY) {
      forced.set(path, { answer, left: times });
    },
    clearForced() {
      forced.clear();
    },
    calls(path) {
      return fake.requests.filter((request) => (typeof path === 'string' ? request.path === path : path.test(request.path)));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  /** proto3 JSON leaves out default values; the documents' examples do not. Both are the same message. */
  const written = (value: unknown): unknown => {
    if (fake.style === 'swagger') return value;
    if (Array.isArray(value)) return value.map(written);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, member] of Object.entries(value)) {
        if (member === '' || member === false || member === 0 || (Array.isArray(member) && member.length === 0)) continue;
        out[key] = written(member);
      }
      return out;
    }
    return value;
  };

  const quoted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(quoted);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, quoted(member)]));
    return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  };
  const send = (response: ServerResponse, status: number, envelope: Record<string, unknown>) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    const whole = { ...envelope, ...fake.envelopeExtras };
    response.end(JSON.stringify(fake.scalarsAsText ? quoted(whole) : whole));
  };
  const ok = (response: ServerResponse, data: unknown, code = 0, desc = '') =>
    send(response, 200, { code, desc, data: written(data) });
  // Swagger `errorError`: {code, desc, data: string}.
  const error = (response: ServerResponse, status: number, code: number, desc: string) => send(response, status, { code, desc, data: '' });

  const handle = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    fake.requests.push({ method: request.method ?? '', path: url.pathname, query: url.searchParams, headers: request.headers, body });
    const held = forced.get(url.pathname);
    if (held && held.left > 0) {
      held.left--;
      response.writeHead(held.answer.status, { 'content-type': 'application/json', ...held.answer.headers });
      response.end(held.answer.body);
      return;
    }

    if (request.method === 'POST' && url.pathname === '/v1beta/auth/login') {
      let credentials: { username?: unknown; password?: unknown; ip?: unknown };
      try {
        credentials = JSON.parse(body);
      } catch {
        return error(response, 400, 1, 'Invalid JSON');
      }
      // Bad credentials: code 196, "sometimes with HTTP 500 or even 200".
      if (credentials.username !== USERNAME || credentials.password !== PASSWORD || typeof credentials.ip !== 'string') {
        return error(response, 500, 196, 'Authentication/Authorization Failed');
      }
      const token = `doc-token-${++issued}`;
      tokens.add(token);
      return ok(response, { token, reseller_id: 123 });
    }

    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) return error(response, 401, 196, 'Authentication/Authorization Failed');

    if (request.method === 'GET' && url.pathname === '/v1beta/customers/verifications/emails/domains') {
      const q = url.searchParams;
      const limit = q.has('limit') ? Number(q.get('limit')) : DEFAULT_LIMIT;
      const offset = q.has('offset') ? Number(q.get('offset')) : 0;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT || !Number.isInteger(offset) || offset < 0) {
        return error(response, 400, 10003, 'Invalid limit or offset');
      }
      const matches = fake.rows.filter(
        (row) =>
          (!q.has('domain') || row.domain === q.get('domain')) &&
          (!q.has('email') || row.email === q.get('email')) &&
          (!q.has('handle') || row.handle === q.get('handle')) &&
          (!q.has('status') || row.status === q.get('status')) &&
          (!q.has('description') || row.description === q.get('description')) &&
          (!q.has('is_suspended') || String(row.is_suspended) === q.get('is_suspended')),
      );
      return ok(response, { total: matches.length, results: matches.slice(offset, offset + limit) });
    }

    if (request.method === 'POST' && url.pathname === '/v1beta/customers/verifications/emails/restart') {
      const input = JSON.parse(body) as { email?: string; handle?: string };
      const rows = fake.rows.filter((row) => row.email === input.email && (!input.handle || row.handle === input.handle));
      if (rows.length === 0) return error(response, 400, 399, 'Email verification not found');
      for (const row of rows) row.status = 'in progress';
      return ok(response, { success: true });
    }

    if (request.method === 'GET' && url.pathname === '/v1beta/customers') {
      const q = url.searchParams;
      const limit = q.has('limit') ? Math.min(Number(q.get('limit')), MAX_LIMIT) : DEFAULT_LIMIT;
      const offset = q.has('offset') ? Number(q.get('offset')) : 0;
      const all = [...fake.customers.values()];
      return ok(response, { total: all.length, results: all.slice(offset, offset + limit) });
    }

    const customer = /^\/v1beta\/customers\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && customer) {
      const found = fake.customers.get(decodeURIComponent(customer[1]!));
      return found ? ok(response, found) : error(response, 404, 404, 'Customer not found');
    }

    return error(response, 404, 404, 'Not found');
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A customer as Swagger's `customerCustomer` example writes one, with the personal additional data it carries. */
export function docCustomer(handle: string, email: string): Record<string, unknown> {
  return {
    id: 123456789,
    handle,
    company_name: 'Example company',
    email,
    email_verification_status: 'ACT',
    name: { first_name: 'Test', full_name: 'Test Person', initials: 'T P', last_name: 'Person', prefix: 'Mr' },
    address: { city: 'Test city', country: 'nl', number: '123', state: 'Testprovince', street: 'Test street', suffix: 'A', zipcode: '1235 XX' },
    phone: { area_code: '111', country_code: '+03', subscriber_number: '123456' },
    fax: { area_code: '', country_code: '', subscriber_number: '' },
    additional_data: { passport_number: 'PP-SECRET-998877', social_security_number: 'SSN-SECRET-665544', birth_date: '1970-01-01' },
    deleted_at: '0000-00-00 00:00:00',
    is_deleted: false,
    locale: 'nl_NL',
    reseller_id: 5349,
    tags: [{ key: 'customer', value: 'VIP' }],
    vat: 'XX123456789X11',
  };
}
