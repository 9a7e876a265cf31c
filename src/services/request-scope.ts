import type { Logger } from '../observability/logger.js';
import type { UpstreamBudget } from './upstream-budget.js';

/** What a service needs to know about the request it works for: its id (sent upstream) and its logger. */
export interface RequestScope {
  requestId: string;
  logger: Logger;
  /** Who is calling (the GraphQL context carries it): its `name` goes into audit trails, never the key. */
  principal?: { name: string | null };
  /** The calls this request may still cause upstream; absent for background work. */
  upstream?: UpstreamBudget;
}
