/**
 * A store (Redis) could not be read or written. Keyed stores and the event log throw it; callers decide: a webhook
 * answers 503 so the provider delivers again, a query reports the failure. Carries the underlying error as `cause`.
 */
export class StoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailable';
  }
}
