import type { Contact, ContactDraft, ContactKey } from '../domain/contact.js';
import { NotImplemented } from '../domain/errors.js';
import type { Provider } from '../domain/providers.js';
import type { ContactVerificationDraft } from '../domain/verification.js';
import type { VerificationRequest } from '../domain/verification-request.js';
import type { ServiceDeps } from './deps.js';
import type { RequestScope } from './request-scope.js';
import type { VerificationRequestService } from './verification-requests.js';

export interface SubmitVerificationInput {
  handle: string;
  customer?: string | null;
  verifications: ContactVerificationDraft[];
  requestId?: string | null;
}

export interface SubmitVerificationResult {
  contact: Contact | null;
  async: boolean;
  processId: string | null;
  request: VerificationRequest | null;
}

export interface CreateContactResult {
  contact: Contact;
  async: boolean;
  processId: string | null;
}

/** Contacts of every provider that has them, and the Realtime Register writes. */
export interface ContactService {
  /**
   * The normalised key for a lookup: the default Realtime Register customer filled in, customer dropped for other
   * providers. Throws InputRejected for a malformed handle and ProviderFailure when the provider is disabled.
   */
  keyFor(provider: Provider, handle: string, customer?: string | null): ContactKey;
  /** DataLoader batch function: one entry per key, null where the provider has no such contact. */
  load(keys: readonly ContactKey[], scope: RequestScope): Promise<(Contact | null)[]>;
  /** Throws InputRejected, Conflict or ProviderFailure. */
  create(input: ContactDraft, scope: RequestScope): Promise<CreateContactResult>;
  /** Throws InputRejected, NotFound or ProviderFailure. */
  submitVerification(input: SubmitVerificationInput, scope: RequestScope): Promise<SubmitVerificationResult>;
}

export function createContactService(_deps: ServiceDeps & { verificationRequests: VerificationRequestService }): ContactService {
  return {
    keyFor: (provider, handle, customer) => ({ provider, handle, customer: customer ?? null }),
    load: async () => {
      throw new NotImplemented('Contact lookup');
    },
    create: async () => {
      throw new NotImplemented('createContact');
    },
    submitVerification: async () => {
      throw new NotImplemented('submitContactVerification');
    },
  };
}
