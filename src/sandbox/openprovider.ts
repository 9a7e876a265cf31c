import { utcToWallTime } from '../domain/zoned-time.js';
import { listCustomers } from './openprovider-customer-list.js';
import type { OpenproviderSimCustomer, OpenproviderSimRow } from './openprovider-seed.js';
import { seedOpenprovider, VERIFICATION_WINDOW_MS } from './openprovider-seed.js';
import { seededRandom } from './seeded-random.js';
import type { SimulatorOptions } from './simulator-options.js';
import type { SimRequest, SimResponse } from './simulator-server.js';
import { SimulatorServer } from './simulator-server.js';

/** Sandbox credentials and address the gateway uses for this simulator. */
export interface OpenproviderEndpoint {
  baseUrl: string;
  username: string;
  password: string;
  /** The zone of the `expiration_date` wall times it writes. */
  timeZone: string;
}

/** Blocks Openprovider lifts only by hand: the IP has no authority (production 10005, CTE 10009), or the account is blocked (197). */
export type OpenproviderSimBlock = 10005 | 10009 | 197;

/** Extra knobs for tests; the defaults are Openprovider's published limits. */
export interface OpenproviderSimulatorOptions extends SimulatorOptions {
  /** Clock in epoch ms. Default Date.now. */
  now?: () => number;
  /** More than this many identical calls within the window blacklist the caller (code 10005). Default 300. */
  identicalCallLimit?: number;
  /** Default 300_000 (300 s). */
  identicalCallWindowMs?: number;
  /** Logins allowed per minute before code 50. Default 30. */
  loginsPerMinute?: number;
  /** Failed logins per hour that block logins for 20 minutes. Default 100. */
  failedLoginsPerHour?: number;
  /** Contact handles to seed (each with 1-5 domains). Default 900, about 2,300 rows. */
  handles?: number;
  /** Which environment it plays: an identical-call flood blocks the IP with 10005 in production, 10009 on CTE. */
  environment?: 'production' | 'cte';
  /** How `expiration_date` is written: Amsterdam wall time (Swagger, default) or Unix seconds (the KB table's "integer"). */
  expirationDates?: 'wall-time' | 'unix-seconds';
}

/** A verification email the simulator "sent" (start or restart), for tests. */
export interface OpenproviderSentEmail {
  email: string;
  /** The handle the restart named, if it named one (revision 2: sent whenever the caller knows it). */
  handle?: string;
  kind: 'start' | 'restart';
  language: string;
  at: number;
}

const USERNAME = 'sandbox';
const SANDBOX_PASSWORD = 'sandbox-op-password';
const TOKEN_LIFETIME_MS = 2 * 86_400_000;
const PREFIX = '/v1beta';
const LIST_PATH = `${PREFIX}/customers/verifications/emails/domains`;
const START_PATH = `${PREFIX}/customers/verifications/emails/start`;
const RESTART_PATH = `${PREFIX}/customers/verifications/emails/restart`;
const LOGIN_PATH = `${PREFIX}/auth/login`;
const CUSTOMER_PATH = new RegExp(`^${PREFIX}/customers/([^/]+)$`);
const CUSTOMERS_PATH = `${PREFIX}/customers`;
/** Simulator choice for codes Openprovider does not publish (see src/providers/openprovider/wire.ts). */
const CUSTOMER_NOT_FOUND_CODE = 320;
const VERIFICATION_NOT_FOUND_CODE = 20002;
const AUTH_FAILED = { code: 196, desc: 'Authentication/Authorization Failed', data: '' };
/** Texts of the blocks, after the KB "API limits" and the official WHMCS module's reading of them. */
const BLOCKS: Record<OpenproviderSimBlock, string> = {
  10005: 'This IP has no authority: it is not whitelisted, or it was blacklisted for too many identical requests',
  10009: 'This IP has no authority: it is not whitelisted, or it was blacklisted for too many identical requests',
  197: 'Your account is blocked because of a non-signed agreement',
};
const CALLS_LIMIT = { code: 50, desc: 'Calls limit has been reached', data: '' };
/** Openprovider sends code 196 under varying HTTP statuses; the simulator cycles through them. */
const AUTH_FAILURE_STATUSES = [500, 200, 401];
const AMSTERDAM = 'Europe/Amsterdam';

/**
 * Openprovider REST v1beta simulator: login and bearer tokens, the email verification list / start / restart,
 * GetCustomer and ListCustomers (src/sandbox/openprovider-customer-list.ts), with Openprovider's `{code, desc, data}` envelope and quirks (code 196 under HTTP 200/401/500, code
 * 50 and 10005 under HTTP 500, start succeeding with 20001, `status` with spaces, Amsterdam wall-time dates).
 * It also models the identical-call blacklist (more than 300 identical calls in 300 s -> code 10005, or 10009 on CTE,
 * until lifted), the account block of a non-signed agreement (197), the calls limit (50) and the login limits, and
 * counts logins, so tests can prove the gateway stays clear of them and stops calling once blocked. Tests and the
 * sandbox steer these through methods or `POST /__control/account`.
 */
export class OpenproviderSimulator {
  readonly server: SimulatorServer;
  /** Every login attempt, good or bad. */
  logins = 0;
  failedLogins = 0;
  /** The block in force: set by an identical-call flood or blockAccount(); cleared only by liftBlacklist() (by hand). */
  block: OpenproviderSimBlock | null = null;
  /** Calls still to be answered with code 50 (limitCalls). */
  private callsLimited = 0;
  readonly sentEmails: OpenproviderSentEmail[] = [];
  readonly rows: OpenproviderSimRow[];
  readonly customers: Map<string, OpenproviderSimCustomer>;
  private readonly tokens = new Map<string, number>();
  private readonly identicalCalls = new Map<string, number[]>();
  private readonly loginTimes: number[] = [];
  private readonly failedLoginTimes: number[] = [];
  private loginsBlockedUntil = 0;
  private readonly now: () => number;
  private readonly random: () => number;
  private nextVerificationId = 15_000;
  private password = SANDBOX_PASSWORD;

  constructor(private readonly options: OpenproviderSimulatorOptions) {
    this.now = options.now ?? Date.now;
    this.random = seededRandom((options.seed ?? 1) * 31 + 7);
    const seed = seedOpenprovider(options.seed ?? 1, Math.floor(this.now() / 3_600_000) * 3_600_000, options.handles);
    this.rows = seed.rows;
    this.customers = seed.customers;
    this.server = new SimulatorServer('OPENPROVIDER', (request) => this.handle(request));
    if (options.faults) this.server.setFaults(options.faults);
    // POST {"block": 10005 | 10009 | 197 | null, "callsLimited": n}: block the IP or account, or limit the next n calls.
    this.server.addControlRoute('/__control/account', (method, body) => {
      if (method === 'POST') {
        try {
          const change = JSON.parse(body.toString('utf8') || '{}') as { block?: unknown; callsLimited?: unknown };
          if (change.block === null) this.liftBlacklist();
          else if (change.block !== undefined) this.blockAccount(Number(change.block) as OpenproviderSimBlock);
          if (change.callsLimited !== undefined) this.limitCalls(Number(change.callsLimited));
        } catch (error) {
          return { status: 400, body: { error: (error as Error).message } };
        }
      }
      return { status: 200, body: { block: this.block, callsLimited: this.callsLimited, logins: this.logins, failedLogins: this.failedLogins } };
    });
  }

  /** The sandbox credentials (the initial password, even after changePassword). */
  endpoint(): OpenproviderEndpoint {
    return { baseUrl: this.server.url, username: USERNAME, password: SANDBOX_PASSWORD, timeZone: AMSTERDAM };
  }

  /** True while the IP or account is blocked. */
  get blacklisted(): boolean {
    return this.block !== null;
  }

  /** Blocks every call (login included) with this code until liftBlacklist(), as Openprovider does. */
  blockAccount(code: OpenproviderSimBlock): void {
    if (!(code in BLOCKS)) throw new Error('block must be 10005, 10009, 197 or null');
    this.block = code;
  }

  /** Answers the next `count` calls (login included) with code 50 under HTTP 500. */
  limitCalls(count: number): void {
    if (!Number.isInteger(count) || count < 0 || count > 10_000) throw new Error('callsLimited must be a whole number from 0 to 10000');
    this.callsLimited = count;
  }

  /** As if the account's password was changed at Openprovider: issued tokens stop working, logins need the new one. */
  changePassword(password: string): void {
    this.password = password;
    this.revokeTokens();
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** Makes every issued token invalid, as if they had expired (the next call gets HTTP 401 / code 196). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** What Openprovider support does by hand. */
  liftBlacklist(): void {
    this.block = null;
    this.identicalCalls.clear();
  }

  /**
   * As if the customer was deleted at Openprovider: GetCustomer answers it with `is_deleted`, the customer list leaves
   * it out (so every later customer moves up one place in the list). Tests use it to change the list under a reader.
   */
  deleteCustomer(handle: string): void {
    const customer = this.customers.get(handle.toUpperCase());
    if (!customer) throw new Error(`no customer ${handle}`);
    customer.is_deleted = true;
  }

  /** Rows of one address (all its domains). */
  rowsOf(email: string): OpenproviderSimRow[] {
    const wanted = email.toLowerCase();
    return this.rows.filter((row) => row.email.toLowerCase() === wanted);
  }

  /** A row as the list endpoint writes it. */
  wireRow(row: OpenproviderSimRow): Record<string, unknown> {
    return {
      domain: row.domain,
      email: row.email,
      handle: row.handle,
      status: row.status,
      description: row.description,
      is_suspended: row.is_suspended,
      expiration_date: this.expirationDate(row),
    };
  }

  /** Wall time while "in progress" (else the zero date), or Unix seconds (0 for none) when so configured. */
  private expirationDate(row: OpenproviderSimRow): string | number {
    const running = row.status === 'in progress' && row.expiresAt !== null;
    if (this.options.expirationDates === 'unix-seconds') return running ? Math.floor(row.expiresAt! / 1000) : 0;
    return running ? amsterdamWallTime(row.expiresAt!) : '0000-00-00 00:00:00';
  }

  private handle(request: SimRequest): SimResponse {
    if (request.faults.outage) {
      return { status: 503, body: { code: 4005, desc: 'API is in maintenance mode', data: '', maintenance: true } };
    }
    if (this.block === null && this.isIdenticalCallFlood(request)) this.block = this.options.environment === 'cte' ? 10009 : 10005;
    if (this.block !== null) return { status: 500, body: { code: this.block, desc: BLOCKS[this.block], data: '' } };
    if (this.callsLimited > 0) {
      this.callsLimited--;
      return { status: 500, body: CALLS_LIMIT };
    }
    if (request.path === LOGIN_PATH && request.method === 'POST') return this.login(request);
    if (!this.authorized(request)) return { status: 401, body: AUTH_FAILED };
    if (request.path === LIST_PATH && request.method === 'GET') return this.list(request.query);
    if (request.path === START_PATH && request.method === 'POST') return this.startVerification(request);
    if (request.path === RESTART_PATH && request.method === 'POST') return this.restartVerification(request);
    if (request.path === CUSTOMERS_PATH && request.method === 'GET') return this.listCustomers(request.query);
    const customer = CUSTOMER_PATH.exec(request.path);
    if (customer && request.method === 'GET') return this.getCustomer(decodeURIComponent(customer[1]!));
    return { status: 404, body: { code: 404, desc: 'Route not found', data: '' } };
  }

  /** More than identicalCallLimit identical calls (method, path, query, body) within the window. */
  private isIdenticalCallFlood(request: SimRequest): boolean {
    const limit = this.options.identicalCallLimit ?? 300;
    const windowMs = this.options.identicalCallWindowMs ?? 300_000;
    const query = [...request.query.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join('&');
    const key = `${request.method} ${request.path}?${query} ${request.text}`;
    const now = this.now();
    const times = (this.identicalCalls.get(key) ?? []).filter((at) => now - at < windowMs);
    times.push(now);
    this.identicalCalls.set(key, times);
    return times.length > limit;
  }

  private login(request: SimRequest): SimResponse {
    this.logins++;
    const now = this.now();
    prune(this.loginTimes, now - 60_000);
    prune(this.failedLoginTimes, now - 3_600_000);
    this.loginTimes.push(now);
    if (this.loginTimes.length > (this.options.loginsPerMinute ?? 30)) {
      return { status: 500, body: CALLS_LIMIT };
    }
    const body = parseJson(request.text);
    const good = body?.username === USERNAME && body?.password === this.password;
    if (!good || now < this.loginsBlockedUntil) {
      this.failedLogins++;
      this.failedLoginTimes.push(now);
      if (this.failedLoginTimes.length >= (this.options.failedLoginsPerHour ?? 100)) this.loginsBlockedUntil = now + 20 * 60_000;
      return { status: AUTH_FAILURE_STATUSES[(this.failedLogins - 1) % AUTH_FAILURE_STATUSES.length]!, body: AUTH_FAILED };
    }
    const token = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16)).join('');
    this.tokens.set(token, now);
    return { status: 200, body: { code: 0, desc: '', data: { token, reseller_id: 123456 } } };
  }

  private authorized(request: SimRequest): boolean {
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const issuedAt = this.tokens.get(token);
    return issuedAt !== undefined && this.now() - issuedAt < TOKEN_LIFETIME_MS;
  }

  /** ListDomainEmailVerifications: exact, case-insensitive filters; limit default 100, at most 1000. */
  private list(query: URLSearchParams): SimResponse {
    const limit = Math.min(1000, Math.max(0, integer(query.get('limit'), 100)));
    const offset = Math.max(0, integer(query.get('offset'), 0));
    const equals = (name: string) => {
      const value = query.get(name);
      return value === null || value === '' ? null : value.trim().toLowerCase();
    };
    const domain = equals('domain');
    const email = equals('email');
    const handle = equals('handle');
    const status = equals('status');
    const description = equals('description');
    const suspendedText = equals('is_suspended');
    const suspended = suspendedText === 'true' || suspendedText === '1' ? true : suspendedText === 'false' || suspendedText === '0' ? false : null;
    const matched = this.rows.filter(
      (row) =>
        (domain === null || row.domain.toLowerCase() === domain) &&
        (email === null || row.email.toLowerCase() === email) &&
        (handle === null || row.handle.toLowerCase() === handle) &&
        (status === null || row.status === status) &&
        (description === null || row.description === description) &&
        (suspended === null || row.is_suspended === suspended),
    );
    const results = matched.slice(offset, offset + limit).map((row) => this.wireRow(row));
    return { status: 200, body: { code: 0, desc: '', data: { total: matched.length, results } } };
  }

  /** StartEmailVerification: the address's rows go "in progress"; success is code 20001. */
  private startVerification(request: SimRequest): SimResponse {
    const body = parseJson(request.text);
    const email = typeof body?.email === 'string' ? body.email : '';
    if (!email) return { status: 400, body: { code: 399, desc: 'Email is required', data: '' } };
    const rows = this.rowsOf(email);
    if (rows.length === 0) return { status: 404, body: { code: VERIFICATION_NOT_FOUND_CODE, desc: 'No domains found for this email', data: '' } };
    this.beginVerification(rows);
    this.sentEmails.push({ email: rows[0]!.email, kind: 'start', language: String(body?.language ?? ''), at: this.now() });
    return { status: 200, body: { code: 20001, desc: 'Verification email in progress', data: { id: this.nextVerificationId++ } } };
  }

  /**
   * RestartEmailVerification: a failed or not verified address goes "in progress" with a new expiration; a running
   * one gets its last email again; a verified one is left alone. A `handle` narrows it to that handle's rows (an
   * address used by several handles is otherwise ambiguous), and one the address does not have is not found.
   */
  private restartVerification(request: SimRequest): SimResponse {
    const body = parseJson(request.text);
    const email = typeof body?.email === 'string' ? body.email : '';
    if (!email) return { status: 400, body: { code: 399, desc: 'Email is required', data: '' } };
    const handle = typeof body?.handle === 'string' && body.handle.trim() ? body.handle.trim() : undefined;
    const rows = this.rowsOf(email).filter((row) => !handle || row.handle.toUpperCase() === handle.toUpperCase());
    if (rows.length === 0) return { status: 404, body: { code: VERIFICATION_NOT_FOUND_CODE, desc: 'Email verification not found', data: '' } };
    const status = rows[0]!.status;
    if (status === 'failed' || status === 'not verified') this.beginVerification(rows);
    if (status !== 'verified') {
      this.sentEmails.push({ email: rows[0]!.email, ...(handle ? { handle } : {}), kind: 'restart', language: String(body?.language ?? ''), at: this.now() });
    }
    return { status: 200, body: { code: 0, desc: '', data: { success: true } } };
  }

  private beginVerification(rows: OpenproviderSimRow[]): void {
    const expiresAt = Math.floor((this.now() + VERIFICATION_WINDOW_MS) / 1000) * 1000;
    for (const row of rows) {
      row.status = 'in progress';
      row.description = '';
      row.expiresAt = expiresAt;
    }
  }

  private listCustomers(query: URLSearchParams): SimResponse {
    const answer = listCustomers(this.customers.values(), query);
    if (!answer.ok) return { status: 400, body: { code: 399, desc: answer.desc, data: '' } };
    return { status: 200, body: { code: 0, desc: '', data: { results: answer.results, total: answer.total } } };
  }

  private getCustomer(handle: string): SimResponse {
    const customer = this.customers.get(handle.toUpperCase());
    if (!customer) return { status: 404, body: { code: CUSTOMER_NOT_FOUND_CODE, desc: 'Customer not found', data: '' } };
    return { status: 200, body: { code: 0, desc: '', data: customer } };
  }
}

/** An instant as Europe/Amsterdam wall time, `YYYY-MM-DD HH:MM:SS`. */
export function amsterdamWallTime(ms: number): string {
  return utcToWallTime(ms, AMSTERDAM);
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function integer(value: string | null, fallback: number): number {
  if (value === null || !/^-?\d+$/.test(value.trim())) return fallback;
  return Number(value);
}

function prune(times: number[], before: number): void {
  while (times.length > 0 && times[0]! < before) times.shift();
}
