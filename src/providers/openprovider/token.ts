import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderFailure } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { Cache } from '../../store/cache.js';
import type { Locks } from '../../store/locks.js';
import type { SealKey } from '../../store/sealed-value.js';
import { seal, sealKey, unseal } from '../../store/sealed-value.js';
import { OPENPROVIDER_BLOCK_CODES, OPENPROVIDER_FAILED_LOGIN_BLOCK_MS, OPENPROVIDER_LOGIN_REFUSAL_MS, OPENPROVIDER_TOKEN_REFRESH_MS } from './wire.js';

/** The lock every gateway instance takes before logging in, so one login serves them all. */
export const OPENPROVIDER_LOGIN_LOCK = 'openprovider-login';

/** Options of the token manager; every duration is in milliseconds. */
export interface OpenproviderTokenManagerOptions {
  /** Performs one login; resolves with the bearer token or rejects with a ProviderFailure (kind AUTH when refused). */
  login: () => Promise<string>;
  /** Shared across instances when Redis is configured (kind 'provider-token'). */
  cache: Cache;
  locks: Locks;
  /** Names the account in shared keys without revealing it, e.g. a hash of base URL and username. */
  account: string;
  /**
   * A secret every instance holds (the account's password): the token is shared only sealed under a key derived from
   * it (src/store/sealed-value.ts), so the cache (Redis) never holds a usable bearer token.
   */
  secret: string;
  logger?: Logger;
  now?: () => number;
  /** Renew a token this long after it was issued. Default 23 h (Openprovider: renew after at most 1 day). */
  refreshAfterMs?: number;
  /** How long a refused login is remembered (no login is tried meanwhile, by any instance). Default 60_000. */
  refusalMemoryMs?: number;
  /**
   * How long a login refused again within the hour of an earlier refusal is remembered: Openprovider blocks logins
   * for 20 minutes after 100 failed ones an hour, and a gateway with wrong credentials must never add to that.
   * Default 1_200_000.
   */
  repeatedRefusalMemoryMs?: number;
  /** How long a rate-limited login (code 50) is remembered at least; a longer Retry-After wins. Default 60_000. */
  rateLimitMemoryMs?: number;
  /** Lifetime of the login lock, so a crashed holder never blocks logins for long. Default 15_000. */
  lockTtlMs?: number;
  /** How long to wait for another instance's login before giving up. Default 10_000. */
  peerWaitMs?: number;
  /** How often to look for that instance's token meanwhile. Default 100. */
  pollMs?: number;
}

interface SharedToken {
  token: string;
  obtainedAt: number;
}

/** How a token is kept in the shared cache: sealed, never as it is. */
interface SealedToken {
  sealed: string;
  obtainedAt: number;
}

/** A refused or rate-limited login, as every instance sharing the cache sees it. */
interface SharedRefusal {
  message: string;
  kind: 'AUTH' | 'RATE_LIMITED';
  httpStatus: number | null;
  code: string | null;
  /** Epoch ms when a login may be tried again. */
  until: number;
}

/** When the last refusal was, kept an hour, so a second one within the hour is remembered for 20 minutes. */
interface SharedRefusalHistory {
  lastRefusedAt: number;
}

const HOUR_MS = 3_600_000;

/**
 * Openprovider bearer tokens, obtained as rarely as the API asks: logins are limited (30 a minute; 100 failed an
 * hour block the account for 20 minutes), so
 * - a token is reused until it nears one day, and shared with every gateway instance through the cache;
 * - concurrent callers in one process share one login (an in-process promise), and instances share one login
 *   through the 'openprovider-login' lock: the holder logs in and stores the token, the others poll the cache;
 * - a refused or rate-limited login is remembered at least a minute (here and in the cache, so by every instance),
 *   and a refusal repeated within the hour for 20 minutes, so a burst of queries gets the same failure instead of a
 *   burst of logins, and the gateway never adds to Openprovider's failed-login block;
 * - a token refused mid-flight is dropped with `invalidate` and the caller may log in once more; it never loops.
 */
export class OpenproviderTokenManager {
  private current: SharedToken | null = null;
  private pending: Promise<string> | null = null;
  private remembered: { error: ProviderFailure; until: number } | null = null;
  private readonly now: () => number;
  private readonly refreshAfterMs: number;
  private readonly refusalMemoryMs: number;
  private readonly repeatedRefusalMemoryMs: number;
  private readonly rateLimitMemoryMs: number;
  private readonly lockTtlMs: number;
  private readonly peerWaitMs: number;
  private readonly pollMs: number;
  private readonly sealKey: SealKey;

  constructor(private readonly options: OpenproviderTokenManagerOptions) {
    this.sealKey = sealKey(options.secret, `openprovider-token:${options.account}`);
    this.now = options.now ?? Date.now;
    this.refreshAfterMs = options.refreshAfterMs ?? OPENPROVIDER_TOKEN_REFRESH_MS;
    this.refusalMemoryMs = options.refusalMemoryMs ?? OPENPROVIDER_LOGIN_REFUSAL_MS;
    this.repeatedRefusalMemoryMs = options.repeatedRefusalMemoryMs ?? OPENPROVIDER_FAILED_LOGIN_BLOCK_MS;
    this.rateLimitMemoryMs = options.rateLimitMemoryMs ?? OPENPROVIDER_LOGIN_REFUSAL_MS;
    this.lockTtlMs = options.lockTtlMs ?? 15_000;
    this.peerWaitMs = options.peerWaitMs ?? 10_000;
    this.pollMs = options.pollMs ?? 100;
  }

  private get tokenKey(): string {
    return `openprovider:${this.options.account}:token`;
  }

  private get refusalKey(): string {
    return `openprovider:${this.options.account}:refused`;
  }

  private get historyKey(): string {
    return `openprovider:${this.options.account}:refused-history`;
  }

  /** A token that is fresh enough, logging in only when there is none (once, however many callers wait). */
  async token(): Promise<string> {
    if (this.remembered && this.remembered.until > this.now()) throw this.remembered.error;
    if (this.current && this.isFresh(this.current)) return this.current.token;
    this.pending ??= this.obtain().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** The mark of one shared token that Openprovider refused, named by when it was obtained (one login at a time). */
  private refusedTokenKey(obtainedAt: number): string {
    return `openprovider:${this.options.account}:token-refused:${obtainedAt}`;
  }

  /**
   * Drops a token Openprovider refused (HTTP 401 or code 196), here and for every instance, if it is still the current
   * one. The shared entry is marked refused rather than deleted: a delete after our read could remove the token another
   * instance has stored since (its new login), and that would cost a second login for nothing.
   */
  async invalidate(token: string): Promise<void> {
    if (this.current?.token === token) this.current = null;
    const shared = this.opened(await this.options.cache.get<SealedToken>('provider-token', this.tokenKey));
    if (shared?.token === token) await this.options.cache.set('provider-token', this.refusedTokenKey(shared.obtainedAt), true, this.refreshAfterMs);
  }

  /** The shared entry's token, or null when there is none or it does not open under this key (then it is ignored). */
  private opened(entry: SealedToken | undefined | null): SharedToken | null {
    if (!entry || typeof entry.obtainedAt !== 'number') return null;
    const token = unseal(entry.sealed, this.sealKey);
    return token === null ? null : { token, obtainedAt: entry.obtainedAt };
  }

  private isFresh(entry: SharedToken): boolean {
    return this.now() - entry.obtainedAt < this.refreshAfterMs;
  }

  /** The shared token, another instance's remembered refusal, or neither. */
  private async readShared(): Promise<{ token?: SharedToken; refusal?: SharedRefusal }> {
    const [sealed, refusal] = await Promise.all([
      this.options.cache.get<SealedToken>('provider-token', this.tokenKey),
      this.options.cache.get<SharedRefusal>('provider-token', this.refusalKey),
    ]);
    const opened = this.opened(sealed);
    const token = opened && this.isFresh(opened) && !(await this.options.cache.get<boolean>('provider-token', this.refusedTokenKey(opened.obtainedAt))) ? opened : null;
    return {
      ...(token ? { token } : {}),
      ...(refusal && typeof refusal.until === 'number' && refusal.until > this.now() ? { refusal } : {}),
    };
  }

  private adopt(shared: { token?: SharedToken; refusal?: SharedRefusal }): string | undefined {
    if (shared.token) {
      this.current = shared.token;
      return shared.token.token;
    }
    if (shared.refusal) {
      const { refusal } = shared;
      const error = new ProviderFailure('OPENPROVIDER', refusal.message, {
        kind: refusal.kind,
        code: refusal.code,
        httpStatus: refusal.httpStatus,
        retryable: refusal.kind === 'RATE_LIMITED',
        retryAfterSeconds: refusal.kind === 'RATE_LIMITED' ? Math.max(1, Math.ceil((refusal.until - this.now()) / 1000)) : null,
      });
      // Another instance learnt it: remember it here too, until the shared entry ends (never longer).
      this.remembered = { error, until: refusal.until };
      throw error;
    }
    return undefined;
  }

  private async obtain(): Promise<string> {
    const giveUpAt = this.now() + this.peerWaitMs;
    for (;;) {
      const found = this.adopt(await this.readShared());
      if (found) return found;
      const lease = await this.options.locks.acquire(OPENPROVIDER_LOGIN_LOCK, this.lockTtlMs);
      if (lease) {
        try {
          // Another instance may have stored a token between our read and our lock.
          return this.adopt(await this.readShared()) ?? (await this.loginAndShare());
        } finally {
          await lease.release();
        }
      }
      // No lock and no reachable shared store (Redis down: both fail): there is no one to coordinate with, so log in
      // here, still once per process.
      if (this.options.cache.degraded) return this.loginAndShare();
      if (this.now() >= giveUpAt) {
        throw new ProviderFailure('OPENPROVIDER', 'Another gateway instance is logging in to Openprovider and has not finished; try again shortly.', {
          kind: 'UNAVAILABLE',
          retryable: true,
          retryAfterSeconds: 1,
        });
      }
      await sleep(this.pollMs);
    }
  }

  private async loginAndShare(): Promise<string> {
    let token: string;
    try {
      token = await this.options.login();
    } catch (error) {
      await this.rememberFailure(error);
      throw error;
    }
    const entry: SharedToken = { token, obtainedAt: this.now() };
    this.current = entry;
    this.remembered = null;
    await this.options.cache.set<SealedToken>('provider-token', this.tokenKey, { sealed: seal(token, this.sealKey), obtainedAt: entry.obtainedAt }, this.refreshAfterMs);
    await this.options.cache.delete('provider-token', this.refusalKey);
    this.options.logger?.info('logged in to Openprovider');
    return token;
  }

  private async rememberFailure(error: unknown): Promise<void> {
    if (!(error instanceof ProviderFailure)) return;
    let memoryMs: number;
    if (error.kind === 'AUTH') {
      // An IP or account block is not a refusal of the credentials: the client's account block keeps those.
      if (error.code !== null && OPENPROVIDER_BLOCK_CODES.includes(Number(error.code))) return;
      const history = await this.options.cache.get<SharedRefusalHistory>('provider-token', this.historyKey);
      const repeated = !!history && typeof history.lastRefusedAt === 'number' && this.now() - history.lastRefusedAt < HOUR_MS;
      memoryMs = repeated ? this.repeatedRefusalMemoryMs : this.refusalMemoryMs;
      await this.options.cache.set<SharedRefusalHistory>('provider-token', this.historyKey, { lastRefusedAt: this.now() }, HOUR_MS);
      this.options.logger?.error(
        { httpStatus: error.httpStatus, pauseSeconds: Math.round(memoryMs / 1000) },
        'Openprovider refused the credentials; no login is tried again for a while',
      );
    } else if (error.kind === 'RATE_LIMITED') {
      memoryMs = Math.max(this.rateLimitMemoryMs, (error.retryAfterSeconds ?? 0) * 1000);
      this.options.logger?.warn({ pauseSeconds: Math.round(memoryMs / 1000) }, 'Openprovider limits logins; no login is tried for a while');
    } else {
      return;
    }
    const until = this.now() + memoryMs;
    this.remembered = { error, until };
    const refusal: SharedRefusal = { message: error.message, kind: error.kind, httpStatus: error.httpStatus, code: error.code, until };
    await this.options.cache.set('provider-token', this.refusalKey, refusal, memoryMs);
  }
}
