import { contactKeyString } from '../domain/contact.js';
import type { VerificationEventPayload } from '../domain/events.js';
import type { ProviderClients } from '../providers/clients.js';
import type { Cache } from '../store/index.js';
import { domainNameApiReadsFor, openproviderReadsFor } from './email-provider-reads.js';

/** Drops what an event says is no longer true from the cache. Never throws (the cache never does). */
export type EventCacheInvalidation = (payload: VerificationEventPayload) => Promise<void>;

export interface EventCacheInvalidationDeps {
  cache: Cache;
  clients: Pick<ProviderClients, 'realtimeRegister' | 'openprovider' | 'domainNameApi'>;
}

/**
 * What each event makes stale. The event service runs this before it appends the event, so a subscriber that reacts
 * to an event by querying reads fresh data; with Redis the cache is shared, so the instance that takes the event
 * (webhook, poll queue, email-status watcher, mutation) invalidates for every instance.
 *
 * - VERIFICATION_SUBMITTED, VERIFICATION_REQUEST_CHANGED out of PROCESSING (the followed process ended), and a
 *   Realtime Register PROVIDER_NOTIFICATION about a contact (e.g. a verification process that finished): that contact.
 * - EMAIL_VERIFICATION_CHANGED: Openprovider's list pages (one O(1) clear), or Domain Name API's lookups of that
 *   address and handle.
 * - VERIFICATION_REQUIRED and REGISTRY_CHECK_DECIDED change nothing cached: requests and registry checks live in their
 *   stores, which are read directly (registry checks are never cached).
 */
export function createEventCacheInvalidation(deps: EventCacheInvalidationDeps): EventCacheInvalidation {
  const { cache, clients } = deps;
  const rtrContact = (customer: string | null, handle: string): string =>
    contactKeyString({ provider: 'REALTIME_REGISTER', customer: customer ?? clients.realtimeRegister?.defaultCustomer ?? null, handle });

  return async (payload) => {
    switch (payload.type) {
      case 'VERIFICATION_SUBMITTED':
        await cache.delete('contact', rtrContact(payload.customer, payload.contactHandle));
        return;
      case 'VERIFICATION_REQUEST_CHANGED':
        // A followed process ended: its evidence is now part of the contact (or was dropped).
        if (payload.previousStatus === 'PROCESSING') await cache.delete('contact', rtrContact(payload.request.customer, payload.request.contactHandle));
        return;
      case 'PROVIDER_NOTIFICATION':
        // The notification names no customer: the configured one is the only one whose queue the gateway reads.
        if (payload.provider === 'REALTIME_REGISTER' && payload.contactHandle) await cache.delete('contact', rtrContact(null, payload.contactHandle));
        return;
      case 'EMAIL_VERIFICATION_CHANGED': {
        const row = payload.emailVerification;
        if (row.provider === 'OPENPROVIDER' && clients.openprovider) await openproviderReadsFor(clients.openprovider, cache).invalidate();
        if (row.provider === 'DOMAIN_NAME_API' && clients.domainNameApi) {
          await domainNameApiReadsFor(clients.domainNameApi, cache).invalidate([{ email: row.email, handle: row.handle ?? payload.contactHandle }]);
        }
        return;
      }
      default:
        return;
    }
  };
}
