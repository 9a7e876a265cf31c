import type { Logger } from '../observability/logger.js';

/** What a service needs to know about the request it works for: its id (sent upstream) and its logger. */
export interface RequestScope {
  requestId: string;
  logger: Logger;
  /** Who is calling (the GraphQL context carries it): its `name` goes into audit trails, never the key. */
  principal?: { name: string | null };
}
