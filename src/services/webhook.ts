import type { IncomingHttpHeaders } from 'node:http';

/** A provider's push, as received: the raw bytes (signatures are over them) and the headers. */
export interface WebhookDelivery {
  body: Buffer;
  headers: IncomingHttpHeaders;
}

/** What to answer the provider: 2xx only once the delivery is durably stored. */
export interface WebhookAnswer {
  status: number;
  body?: Record<string, unknown>;
}

/**
 * A body past the route's limit, for a provider whose refusals cost more than reading on: every byte is handed to
 * `update` as it arrives (to digest it), only the first bytes are kept, and `judge` answers from those.
 */
export interface OversizedDelivery {
  update(chunk: Buffer): void;
  judge(head: Buffer, bytes: number): Promise<WebhookAnswer>;
}

export interface WebhookHandler {
  (delivery: WebhookDelivery): Promise<WebhookAnswer>;
  /**
   * Set when an oversized delivery must not simply be refused (Realtime Register stalls the account's queue after five
   * refused deliveries): bodies up to `maxBytes` are read to their end and judged; larger ones are still 413.
   */
  oversized?: {
    maxBytes: number;
    /** Null when the headers carry no credential worth reading the rest for: the body is then refused (413) unread. */
    begin(headers: IncomingHttpHeaders): OversizedDelivery | null;
  };
}
