import { createHash } from 'node:crypto';
import type { OpenproviderConfig } from '../../config.js';
import type { Contact } from '../../domain/contact.js';
import type { EmailVerification } from '../../domain/email-verification.js';
import { ProviderFailure } from '../../domain/errors.js';
import { UnknownProviderValue } from '../../domain/status-mapping.js';
import { callFields, type CallScope } from '../call-scope.js';
import type { ProviderClientDeps } from '../client-deps.js';
import type { UpstreamRequest, UpstreamResponse } from '../http.js';
import { OpenproviderAccountBlock } from './account-block.js';
import {
  accountBlockFailure,
  credentialsRefused,
  isAuthFailure,
  isNotFound,
  mustNotRepeat,
  isSuccess,
  listData,
  notFound,
  openproviderFailure,
  readEnvelope,
  toContact,
  toEmailVerification,
  unreadableRow,
  wholeNumber,
  flag,
} from './map.js';
import { OpenproviderTokenManager } from './token.js';
import type {
  OpenproviderCustomer,
  OpenproviderCustomerListQuery,
  OpenproviderEnvelope,
  OpenproviderListQuery,
  OpenproviderVerificationRow,
} from './wire.js';
import {
  OPENPROVIDER_CODES,
  OPENPROVIDER_CUSTOMER_LIST_MAX_LIMIT,
  OPENPROVIDER_CUSTOMER_NOT_FOUND_CODE,
  OPENPROVIDER_MAX_LIMIT,
  OPENPROVIDER_PATHS,
  OPENPROVIDER_VERIFICATION_NOT_FOUND_CODE,
} from './wire.js';

/** One page of the email verification list, mapped to the gateway's rows. */
export interface OpenproviderListPage {
  total: number;
  rows: EmailVerification[];
  /**
   * Rows the gateway cannot map (a status outside the documented four, no email), left out of `rows` so one odd row
   * never fails the whole list; whoever shows rows reports these (a field error, or an error beside the connection).
   */
  unreadable?: OpenproviderUnreadableRow[];
}

/** A list row left out: who it is about (as far as the row says) and why, never the row itself. */
export interface OpenproviderUnreadableRow {
  handle: string | null;
  email: string | null;
  domain: string | null;
  /** E.g. `Unknown Openprovider email verification status: "pending review"`. */
  reason: string;
}

/** One page of the customer list, mapped to contacts. */
export interface OpenproviderCustomerPage {
  /** Customers matching in all, as this page reported it. */
  total: number;
  /** Rows this page held, deleted customers included: the step to the next page's offset. */
  rows: number;
  /** The page's live customers (a deleted one is left out, as GetCustomer's answer for it is read as none). */
  contacts: Contact[];
}

export interface OpenproviderStartInput {
  email: string;
  handle?: string | null;
  language?: string | null;
  tag?: string | null;
}

export interface OpenproviderRestartInput {
  email: string;
  /** Sent whenever known: an address used by several handles is otherwise ambiguous (revision 2). */
  handle?: string | null;
  language?: string | null;
  tag?: string | null;
}

type AuthorizedRequest = Omit<UpstreamRequest, 'headers'> & { headers?: Record<string, string> };

/**
 * Wire calls to Openprovider REST v1beta; every call goes through the shared ProviderHttp in deps.http.
 * Calls carry a bearer token from the token manager; a token refused mid-flight (HTTP 401 or code 196) is dropped
 * and the call is sent once more with a fresh one, never more. An IP or account block (10005, 10009, 197) or the
 * calls limit (50) pauses every call, login included, on every instance sharing the cache (see `block`).
 */
/**
 * `with_additional_data=false` on customer reads (GetCustomer's documented query parameter; ListCustomers takes it too):
 * a customer's additional data holds passport scans, birth dates and places, social security numbers, none of which the
 * gateway reads, so none of it should travel to it either.
 */
const WITHOUT_ADDITIONAL_DATA = { with_additional_data: false } as const;

export class OpenproviderClient {
  readonly tokens: OpenproviderTokenManager;
  /** The block in force, if any: `providers { circuit lastError }` shows it. */
  readonly block: OpenproviderAccountBlock;

  constructor(
    readonly config: OpenproviderConfig,
    private readonly deps: ProviderClientDeps,
  ) {
    const account = createHash('sha256').update(`${config.baseUrl}\n${config.username}`).digest('hex').slice(0, 16);
    this.block = new OpenproviderAccountBlock({ cache: deps.stores.cache, account, logger: deps.logger });
    this.tokens = new OpenproviderTokenManager({
      login: () => this.login(),
      cache: deps.stores.cache,
      locks: deps.stores.locks,
      account,
      secret: config.password,
      logger: deps.logger,
    });
  }

  /** ListDomainEmailVerifications: one page of rows (one per email and domain). `limit` is capped at 1000. */
  async listEmailVerifications(query: OpenproviderListQuery, scope?: CallScope): Promise<OpenproviderListPage> {
    const { response, data } = await this.listPage<OpenproviderVerificationRow>(
      { operation: 'emailVerifications.list', path: OPENPROVIDER_PATHS.listEmailVerifications, what: 'the email verification list', maxLimit: OPENPROVIDER_MAX_LIMIT },
      query,
      scope,
    );
    const rows: EmailVerification[] = [];
    const unreadable: OpenproviderUnreadableRow[] = [];
    for (const row of data.results) {
      try {
        rows.push(toEmailVerification(row, this.config.timeZone));
      } catch (error) {
        if (!(error instanceof UnknownProviderValue)) throw error;
        unreadable.push(unreadableRow(row, error));
      }
    }
    if (unreadable.length) {
      // The provider's value (a status text) is logged, never the row's address.
      this.deps.logger.warn({ operation: 'emailVerifications.list', rows: unreadable.length, reason: unreadable[0]!.reason.slice(0, 120) }, 'Openprovider list rows the gateway cannot map were left out');
    }
    return { total: data.total, rows, ...(unreadable.length ? { unreadable } : {}) };
  }

  /** StartEmailVerification; resolves with Openprovider's verification id. Success is code 20001, not 0. */
  async startEmailVerification(input: OpenproviderStartInput, scope?: CallScope): Promise<number | null> {
    const { response, envelope } = await this.send<{ id?: unknown }>({
      operation: 'emailVerifications.start',
      method: 'POST',
      path: OPENPROVIDER_PATHS.startEmailVerification,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: input.email, handle: input.handle ?? '', language: input.language ?? '', tag: input.tag ?? '' }),
      ...callFields('OPENPROVIDER', scope),
    });
    if (!isSuccess(response, envelope, OPENPROVIDER_CODES.verificationStarted)) {
      throw openproviderFailure(response, envelope, 'starting the email verification');
    }
    return wholeNumber(envelope?.data?.id);
  }

  /**
   * RestartEmailVerification: starts the verification of an address again, or resends the last email while one
   * is running. Throws NotFound when Openprovider has no verification for the address.
   */
  async restartEmailVerification(input: OpenproviderRestartInput, scope?: CallScope): Promise<void> {
    const { response, envelope } = await this.send<{ success?: unknown }>({
      operation: 'emailVerifications.restart',
      method: 'POST',
      path: OPENPROVIDER_PATHS.restartEmailVerification,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: input.email, ...(input.handle ? { handle: input.handle } : {}), language: input.language ?? '', tag: input.tag ?? '' }),
      ...callFields('OPENPROVIDER', scope),
    });
    if (isSuccess(response, envelope) && flag(envelope?.data?.success) !== false) return;
    if (isNotFound(response, envelope, OPENPROVIDER_VERIFICATION_NOT_FOUND_CODE)) {
      throw notFound('Openprovider has no email verification for this address.');
    }
    if (isSuccess(response, envelope)) {
      throw new ProviderFailure('OPENPROVIDER', 'Openprovider answered the restart with success: false.', {
        kind: 'ERROR',
        code: '0',
        httpStatus: response.status,
        retryable: false,
      });
    }
    throw openproviderFailure(response, envelope, 'restarting the email verification');
  }

  /**
   * GetCustomer: the contact behind a handle, or null when Openprovider has no such handle. Asked without additional
   * data (WITHOUT_ADDITIONAL_DATA): the gateway reads none of it, and it holds passport scans and birth data.
   */
  async getCustomer(handle: string, scope?: CallScope): Promise<Contact | null> {
    const { response, envelope } = await this.send<OpenproviderCustomer>({
      operation: 'customers.get',
      method: 'GET',
      path: OPENPROVIDER_PATHS.customer(handle),
      query: WITHOUT_ADDITIONAL_DATA,
      ...callFields('OPENPROVIDER', scope),
    });
    if (isSuccess(response, envelope) && envelope?.data && typeof envelope.data === 'object') {
      if (flag(envelope.data.is_deleted) === true) return null;
      return toContact({ ...envelope.data, handle: envelope.data.handle || handle });
    }
    if (isNotFound(response, envelope, OPENPROVIDER_CUSTOMER_NOT_FOUND_CODE)) return null;
    throw openproviderFailure(response, envelope, 'the customer lookup');
  }

  /** ListCustomers: one page of the reseller's customers. `limit` is capped at 1000 (see wire.ts). */
  async listCustomers(query: OpenproviderCustomerListQuery, scope?: CallScope): Promise<OpenproviderCustomerPage> {
    const { data } = await this.listPage<OpenproviderCustomer>(
      { operation: 'customers.list', path: OPENPROVIDER_PATHS.listCustomers, what: 'the customer list', maxLimit: OPENPROVIDER_CUSTOMER_LIST_MAX_LIMIT },
      { ...query, ...WITHOUT_ADDITIONAL_DATA },
      scope,
    );
    const { results, total } = data;
    const contacts = results
      .filter((customer) => customer && typeof customer === 'object' && typeof customer.handle === 'string' && customer.handle && flag(customer.is_deleted) !== true)
      .map((customer) => toContact(customer));
    return { total, rows: results.length, contacts };
  }

  /**
   * One page of a paged list, `limit` capped at the list's maximum. The total is required with rows: paging stops at it
   * and reads a row past it as absent, so rows without it are unreadable (a ProviderError), as is any failed answer.
   */
  private async listPage<T>(
    list: { operation: string; path: string; what: string; maxLimit: number },
    query: { limit?: number; offset?: number; with_additional_data?: boolean },
    scope?: CallScope,
  ): Promise<{ response: UpstreamResponse; data: { total: number; results: T[] } }> {
    const { response, envelope } = await this.send<{ total?: number; results?: T[] }>({
      operation: list.operation,
      method: 'GET',
      path: list.path,
      query: { ...query, limit: query.limit === undefined ? undefined : Math.min(query.limit, list.maxLimit) },
      ...callFields('OPENPROVIDER', scope),
    });
    const data = isSuccess(response, envelope) ? listData<T>(envelope!.data, { totalRequired: true, offset: query.offset }) : null;
    if (!data) throw openproviderFailure(response, envelope, list.what);
    return { response, data };
  }

  /** One authorized call; re-sent once with a fresh token when the token was refused. Refused at once while blocked. */
  private async send<T>(request: AuthorizedRequest): Promise<{ response: UpstreamResponse; envelope: OpenproviderEnvelope<T> | null }> {
    for (let attempt = 0; ; attempt++) {
      await this.block.check();
      const token = await this.tokens.token();
      const response = await this.deps.http.request({
        ...request,
        headers: { accept: 'application/json', ...request.headers, authorization: `Bearer ${token}` },
        neverRetry: mustNotRepeat,
      });
      const envelope = readEnvelope<T>(response);
      await this.throwIfBlocked(response, envelope);
      // The re-send is one more call the request causes: without budget left, the refusal is the answer.
      if (attempt === 0 && isAuthFailure(response, envelope) && (!request.mayRepeat || (await request.mayRepeat()))) {
        this.deps.logger.info({ operation: request.operation, httpStatus: response.status }, 'Openprovider refused the token; logging in again once');
        await this.tokens.invalidate(token);
        continue;
      }
      return { response, envelope };
    }
  }

  /** An IP or account block starts the pause; code 50 on a call (not a login: the token manager keeps those) too. */
  private async throwIfBlocked(response: UpstreamResponse, envelope: OpenproviderEnvelope | null): Promise<void> {
    const blocked = accountBlockFailure(response, envelope);
    if (blocked) throw await this.block.start(blocked.failure, blocked.durationMs);
  }

  /**
   * POST /auth/login. Code 196 (under HTTP 200, 401 or 500) or HTTP 401/403 means the credentials were refused; code
   * 50 that logins are limited (the token manager remembers both); an IP or account block pauses every call.
   */
  private async login(): Promise<string> {
    await this.block.check();
    const response = await this.deps.http.request({
      operation: 'auth.login',
      method: 'POST',
      path: OPENPROVIDER_PATHS.login,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username: this.config.username, password: this.config.password, ip: '0.0.0.0' }),
      // A login that got no answer changed nothing at Openprovider: its failure stays a plain, retryable outage.
      changesState: false,
      neverRetry: mustNotRepeat,
    });
    const envelope = readEnvelope<{ token?: string }>(response);
    const blocked = accountBlockFailure(response, envelope);
    if (blocked && blocked.failure.kind !== 'RATE_LIMITED') throw await this.block.start(blocked.failure, blocked.durationMs);
    if (blocked) {
      // Token generation is limited (30 a minute, then blocked for one): the token manager keeps this from logging in.
      throw new ProviderFailure('OPENPROVIDER', `Openprovider limits logins (code 50); no login is tried for ${blocked.failure.retryAfterSeconds} s.`, {
        kind: 'RATE_LIMITED',
        code: blocked.failure.code,
        httpStatus: response.status,
        retryable: true,
        retryAfterSeconds: blocked.failure.retryAfterSeconds,
      });
    }
    const token = envelope?.data?.token;
    if (isSuccess(response, envelope) && typeof token === 'string' && token) return token;
    if (isAuthFailure(response, envelope) || response.status === 403) throw credentialsRefused(response.status);
    throw openproviderFailure(response, envelope, 'the login');
  }
}
