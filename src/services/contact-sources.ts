import type { Contact } from '../domain/contact.js';
import type { RequestScope } from './request-scope.js';

/**
 * Contact lookups for a provider whose contacts the contact service does not read itself (Openprovider and Domain
 * Name API: the email-verification capability knows those APIs and provides a source for each).
 *
 * The contact service calls `load` only for cache misses, once per batch, with distinct handles; it caches what comes
 * back (kind `contact`) and coalesces identical in-flight lookups. Contacts returned must have `customer: null`.
 */
export interface ContactSource {
  /**
   * The contacts among `handles` that exist, keyed by handle; absent handles resolve to null. An Error for a handle
   * whose own read failed (the others are still served); throws when the whole batch failed.
   */
  load(handles: string[], scope: RequestScope): Promise<Map<string, Contact | Error>>;
}
