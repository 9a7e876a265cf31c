/** Thrown when a store call does not settle within its deadline. */
export class DeadlineExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Races a promise with a timer. Why: ioredis' own commandTimeout is per connection, but some callers (the cache)
 * want a shorter bound than the connection's. The losing promise is left running with its rejection handled, so a
 * late failure never becomes an unhandled rejection.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what = 'redis call'): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves after ms; used for reconnect backoff in loops. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
