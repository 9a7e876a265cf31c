import type { ExecutionResult } from 'graphql';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';
import { isAsyncIterable, type SubscribeHooks } from './result-stream.js';

/** The longest delay setTimeout takes (about 24.8 days); a later expiry is waited for in steps of it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const DONE: IteratorResult<ExecutionResult> = Object.freeze({ value: undefined, done: true });

/**
 * Ends a subscription when the credential it was opened with expires (a JWT's exp, Principal.expiresAt): its last
 * result is an UNAUTHENTICATED error, and no event after the expiry is delivered. Authentication happens once, when
 * the stream opens (HTTP) or the socket's connection_init arrives (graphql-ws, which re-checks it for each new
 * operation): without this, a token meant to live five minutes kept a stream of every later event for as long as its
 * client held the connection. API keys do not expire, so their subscriptions are not wrapped.
 */
export function useCredentialExpiry(): Plugin<GatewayContext> {
  const hooks: SubscribeHooks<GatewayContext> = {
    onSubscribeResult({ args, result, setResult }) {
      const expiresAt = args.contextValue.principal?.expiresAt;
      if (expiresAt === undefined || !isAsyncIterable(result)) return;
      setResult(new UntilExpiry(result as AsyncIterable<ExecutionResult>, expiresAt));
    },
  };
  return { onSubscribe: () => hooks };
}

/**
 * A subscription's results until `expiresAt`. At the expiry the source is ended at once (its pending next() settles,
 * so an SSE writer or graphql-ws waiting on it wakes without an event), and the next pull answers the error.
 */
class UntilExpiry implements AsyncIterableIterator<ExecutionResult> {
  private readonly source: AsyncIterator<ExecutionResult>;
  private timer: NodeJS.Timeout | null = null;
  private expired = false;
  private finished = false;

  constructor(source: AsyncIterable<ExecutionResult>, private readonly expiresAt: number) {
    this.source = source[Symbol.asyncIterator]();
    this.arm();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.finished) return DONE;
    const step = this.expired ? DONE : await this.source.next();
    // An event that arrives together with the expiry is not delivered either.
    if (this.expired) {
      this.finish();
      return { value: { errors: [credentialExpired()] }, done: false };
    }
    if (step.done) this.finish();
    return step;
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    if (this.finished) return DONE;
    this.finish();
    await this.source.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    await this.source.return?.();
    throw error;
  }

  private arm(): void {
    const wait = this.expiresAt - Date.now();
    if (wait <= 0) return this.expire();
    this.timer = setTimeout(() => this.arm(), Math.min(wait, MAX_TIMER_MS));
    this.timer.unref();
  }

  private expire(): void {
    if (this.finished || this.expired) return;
    this.expired = true;
    this.timer = null;
    void this.source.return?.();
  }

  private finish(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

function credentialExpired(): GraphQLError {
  return new GraphQLError('The token has expired; subscribe again with a valid one.', { extensions: { code: 'UNAUTHENTICATED' } });
}
