import { ProviderFailure, type ProviderFailureKind } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { Cache } from '../../store/cache.js';

/** A block in force, as every gateway instance sharing the cache sees it. */
interface SharedBlock {
  message: string;
  kind: ProviderFailureKind;
  code: string | null;
  httpStatus: number | null;
  retryable: boolean;
  /** Epoch ms when the block was seen, and when the next call may go out. */
  since: number;
  until: number;
}

export interface OpenproviderAccountBlockOptions {
  /** Shared across instances when Redis is configured (kind 'provider-token', like the token). */
  cache: Cache;
  /** Names the account in shared keys without revealing it (the token manager's account hash). */
  account: string;
  logger?: Logger;
  now?: () => number;
}

/**
 * Openprovider answers that block the account or the gateway's IP (10005, 10009, 197) or limit its calls (code 50)
 * are not failures of one call: every further call only adds to the block (providers/openprovider.md, "Limits").
 * So once one is seen, no instance sends anything to Openprovider until the block's time is up: callers get the
 * same failure at once, with the fix in its message, and `providers { circuit lastError }` shows it.
 */
export class OpenproviderAccountBlock {
  private local: SharedBlock | null = null;
  private readonly now: () => number;

  constructor(private readonly options: OpenproviderAccountBlockOptions) {
    this.now = options.now ?? Date.now;
  }

  private get key(): string {
    return `openprovider:${this.options.account}:blocked`;
  }

  /** The block in force here, if any (no I/O): for the providers query. */
  get current(): { message: string; since: number; until: number } | null {
    const block = this.local;
    return block && block.until > this.now() ? { message: block.message, since: block.since, until: block.until } : null;
  }

  /** Throws the block's failure while one is in force, whether this instance or another one learnt of it. */
  async check(): Promise<void> {
    let block = this.current ? this.local : null;
    if (!block) {
      const shared = await this.options.cache.get<SharedBlock>('provider-token', this.key);
      if (shared && typeof shared.until === 'number' && shared.until > this.now()) block = this.local = { ...shared, since: shared.since ?? this.now() };
    }
    if (block) throw this.failureOf(block);
  }

  /** Starts a block of `durationMs` after an answer that carries one; returns the failure to throw now. */
  async start(failure: ProviderFailure, durationMs: number): Promise<ProviderFailure> {
    const block: SharedBlock = {
      message: failure.message,
      kind: failure.kind,
      code: failure.code,
      httpStatus: failure.httpStatus,
      retryable: failure.retryable,
      since: this.now(),
      until: this.now() + durationMs,
    };
    this.local = block;
    await this.options.cache.set('provider-token', this.key, block, durationMs);
    this.options.logger?.error(
      { code: failure.code, httpStatus: failure.httpStatus, pauseSeconds: Math.round(durationMs / 1000) },
      `Openprovider calls paused: ${failure.message}`,
    );
    return this.failureOf(block);
  }

  private failureOf(block: SharedBlock): ProviderFailure {
    const seconds = Math.max(1, Math.ceil((block.until - this.now()) / 1000));
    return new ProviderFailure('OPENPROVIDER', block.message, {
      kind: block.kind,
      code: block.code,
      httpStatus: block.httpStatus,
      retryable: block.retryable,
      // A rate limit says when to come back; an IP or account block waits for a person, the pause is only ours.
      retryAfterSeconds: block.retryable ? seconds : null,
    });
  }
}
