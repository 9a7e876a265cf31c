import { NotImplemented } from '../domain/errors.js';
import type { VerificationRequest, VerificationRequestFilter, VerificationRequestStatus } from '../domain/verification-request.js';
import type { ServiceDeps } from './deps.js';
import type { Page, PageArgs } from './page.js';
import type { WebhookHandler } from './webhook.js';

/** DENIC verification requests, from Realtime Register notifications (webhook and poll queue). */
export interface VerificationRequestService {
  list(filter: VerificationRequestFilter | null, page: PageArgs): Promise<Page<VerificationRequest>>;
  forContact(handle: string, customer: string | null, status: VerificationRequestStatus[] | null): Promise<VerificationRequest[]>;
  get(id: string): Promise<VerificationRequest | null>;
  /** Marks the request SUBMITTED (called after the provider accepted covering evidence). */
  markSubmitted(id: string): Promise<VerificationRequest | null>;
  /** POST /webhooks/realtime-register */
  webhook: WebhookHandler;
  /** Starts the notification poller (one instance at a time) and the overdue sweep. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createVerificationRequestService(_deps: ServiceDeps): VerificationRequestService {
  const missing = async (): Promise<never> => {
    throw new NotImplemented('Verification requests');
  };
  return {
    list: missing,
    forContact: missing,
    get: missing,
    markSubmitted: missing,
    webhook: async () => ({ status: 501, body: { error: 'Realtime Register notifications are not implemented yet.' } }),
    start: async () => {},
    stop: async () => {},
  };
}
