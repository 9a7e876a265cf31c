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

export type WebhookHandler = (delivery: WebhookDelivery) => Promise<WebhookAnswer>;
