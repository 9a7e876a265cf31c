import type { ContactKey } from '../domain/contact.js';
import type { EmailVerification, EmailVerificationFilter } from '../domain/email-verification.js';
import { NotImplemented } from '../domain/errors.js';
import type { Provider } from '../domain/providers.js';
import type { ServiceDeps } from './deps.js';
import type { Page, PageArgs } from './page.js';
import type { RequestScope } from './request-scope.js';

export interface ResendInput {
  provider: Provider;
  email?: string | null;
  handle?: string | null;
  language?: string | null;
}

/** ICANN registrant email verification across Openprovider and Domain Name API. */
export interface EmailVerificationService {
  /** Throws InputRejected for a bad filter, page size or cursor. */
  list(filter: EmailVerificationFilter | null, page: PageArgs, scope: RequestScope): Promise<Page<EmailVerification>>;
  /** Rows for one contact (by its provider and handle, and email where known). */
  forContact(contact: ContactKey & { email: string | null }, scope: RequestScope): Promise<EmailVerification[]>;
  /** A row by its node id (emailVerificationKey). */
  get(id: string, scope: RequestScope): Promise<EmailVerification | null>;
  /** Throws InputRejected, NotFound or ProviderFailure. */
  resend(input: ResendInput, scope: RequestScope): Promise<EmailVerification | null>;
}

export function createEmailVerificationService(_deps: ServiceDeps): EmailVerificationService {
  const missing = async (): Promise<never> => {
    throw new NotImplemented('Email verification');
  };
  return { list: missing, forContact: missing, get: missing, resend: missing };
}
