import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * What a plugin's onSubscribe returns. A plugin that returns one constant object of these (the hooks read the
 * subscription from their payload's `args`) allocates nothing per subscription for it.
 */
// `any`: the constraint yoga's own Plugin type puts on a context.
export type SubscribeHooks<C extends Record<string, any> = {}> = Exclude<Awaited<ReturnType<NonNullable<Plugin<C>['onSubscribe']>>>, void>;

/**
 * What a plugin does to each subscription it wraps. One object per plugin, shared by every subscription: the
 * per-subscription part is only `state`, so a wrapper costs an idle subscriber a few fields, not a set of closures
 * (envelop's onNext/onEnd wrappers hold about 1 KB each per subscriber; bench/README.md, fan-out).
 */
export interface ResultStreamHooks<S> {
  /** Each result on its way to the client. */
  map?(result: ExecutionResult, state: S): ExecutionResult;
  /** The source threw: the last result to send instead, after which the stream ends. Absent: the error goes on. */
  recover?(error: unknown, state: S): ExecutionResult;
  /** Once, when the stream ends: done, ended by the client (return()), or failed. */
  end?(state: S): void;
}

const DONE: IteratorResult<ExecutionResult> = Object.freeze({ value: undefined, done: true });

/**
 * A subscription's results passed through one plugin's hooks. Hand-written rather than an async generator: a
 * generator's return() waits until its pending next() settles, so a client that went away (SSE disconnect, graphql-ws
 * complete or close) would keep the subscription, and its listener on the event log, alive until the next matching
 * event. Here return() reaches the source at once, and the source's pending next() resolves done.
 */
export class ResultStream<S> implements AsyncIterableIterator<ExecutionResult> {
  private readonly source: AsyncIterator<ExecutionResult>;
  private finished = false;

  constructor(
    source: AsyncIterable<ExecutionResult>,
    private readonly hooks: ResultStreamHooks<S>,
    private readonly state: S,
  ) {
    this.source = source[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.finished) return Promise.resolve(DONE);
    return this.source.next().then(
      (step) => {
        if (step.done) {
          this.finish();
          return step;
        }
        return this.hooks.map ? { value: this.hooks.map(step.value, this.state), done: false } : step;
      },
      (error: unknown) => {
        this.finish();
        if (!this.hooks.recover) throw error;
        const last = this.hooks.recover(error, this.state);
        return { value: this.hooks.map ? this.hooks.map(last, this.state) : last, done: false };
      },
    );
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    // A source that ended (done or thrown) has nothing to release.
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

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.hooks.end?.(this.state);
  }
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
