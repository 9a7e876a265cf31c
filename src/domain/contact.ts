import type { Provider } from './providers.js';
import { PROVIDERS } from './providers.js';
import type { ContactVerification } from './verification.js';

/** A domain contact as one provider stores it, in the gateway's own shape. */
export interface Contact {
  provider: Provider;
  /** Realtime Register customer; null elsewhere. */
  customer: string | null;
  handle: string;
  name: string | null;
  organization: string | null;
  email: string | null;
  voice: string | null;
  addressLines: string[];
  postalCode: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  verifications: ContactVerification[];
  /** Openprovider only: the customer's email verification status as Openprovider reports it (e.g. "ACT"). */
  emailVerificationStatus?: string | null;
}

/** A new Realtime Register contact as the caller sends it. */
export interface ContactDraft {
  handle: string;
  customer?: string | null;
  brand?: string | null;
  name: string;
  organization?: string | null;
  addressLines: string[];
  postalCode: string;
  city: string;
  state?: string | null;
  country: string;
  email: string;
  voice: string;
  fax?: string | null;
  verifications?: import('./verification.js').ContactVerificationDraft[] | null;
}

/** Identifies one contact across providers. */
export interface ContactKey {
  provider: Provider;
  customer: string | null;
  handle: string;
}

export function contactKeyString(key: ContactKey): string {
  return `${key.provider}:${key.customer ?? ''}:${key.handle}`;
}

/** Inverse of contactKeyString; undefined for text that is not a contact key. */
export function parseContactKey(text: string): ContactKey | undefined {
  const [provider, customer, handle, ...rest] = text.split(':');
  if (rest.length > 0 || !provider || handle === undefined || handle === '') return undefined;
  if (!(PROVIDERS as readonly string[]).includes(provider)) return undefined;
  return { provider: provider as Provider, customer: customer || null, handle };
}
