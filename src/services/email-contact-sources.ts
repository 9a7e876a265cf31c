import type { Contact } from '../domain/contact.js';
import type { DomainNameApiClient } from '../providers/domain-name-api/client.js';
import type { OpenproviderClient } from '../providers/openprovider/client.js';
import type { Cache } from '../store/index.js';
import type { ContactSource } from './contact-sources.js';
import { domainNameApiReadsFor, openproviderReadsFor } from './email-provider-reads.js';

/**
 * Openprovider contacts: GetCustomer for one handle, the customer list (a page of 1000 a call) where it takes fewer
 * calls than one GetCustomer per handle; see src/services/openprovider-customer-reads.ts.
 */
export function createOpenproviderContactSource(client: OpenproviderClient, cache: Cache): ContactSource {
  const reads = openproviderReadsFor(client, cache);
  return {
    load: (handles, scope) => reads.contacts(handles, scope),
  };
}

/**
 * Domain Name API contacts: GetDetails by External ID, the same cached read that serves the contact's email
 * verification, so `contact { emailVerifications }` costs one upstream call per handle.
 */
export function createDomainNameApiContactSource(client: DomainNameApiClient, cache: Cache): ContactSource {
  const reads = domainNameApiReadsFor(client, cache);
  return {
    async load(handles, scope) {
      const found = await reads.manyByHandle(handles, scope);
      const contacts = new Map<string, Contact | Error>();
      for (const [handle, details] of found) {
        if (details instanceof Error) contacts.set(handle, details);
        else if (details.contact) contacts.set(handle, { ...details.contact, handle });
      }
      return contacts;
    },
  };
}
