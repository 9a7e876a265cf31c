/**
 * Realtime Register REST v2 wire shapes for contacts (providers/realtime-register.md, "Contacts"; the official
 * realtimeregister-ts SDK's models). Only what the gateway reads or writes; the provider may send more.
 */

/** One verification item, as sent on create/update and (assumption, see assumptions.ts) returned on get. */
export interface RtrVerification {
  /** ISO 8601. */
  verificationDate: string;
  /** At most 255 characters. */
  externalId: string;
  method: string;
  proof: string;
  claims: string[];
  /** Returned by the provider only. */
  createdDate?: string;
  updatedDate?: string;
}

export interface RtrContact {
  handle: string;
  customer?: string;
  brand?: string | null;
  name?: string | null;
  organization?: string | null;
  /** 1–3 lines. */
  addressLine?: string[] | null;
  postalCode?: string | null;
  city?: string | null;
  state?: string | null;
  /** ISO 3166-1 alpha-2. */
  country?: string | null;
  email?: string | null;
  /** +CC.NUMBER, e.g. +31.384530759 */
  voice?: string | null;
  fax?: string | null;
  disclosedFields?: string[];
  registries?: string[];
  properties?: Record<string, Record<string, string>>;
  createdDate?: string;
  updatedDate?: string | null;
  verifications?: RtrVerification[];
}

/** Create body: the contact fields (handle also in the path), plus optional verifications. */
export type RtrContactCreateBody = Omit<RtrContact, 'customer' | 'createdDate' | 'updatedDate' | 'registries' | 'properties' | 'disclosedFields'>;

/** Update body: only the fields sent change. */
export type RtrContactUpdateBody = Partial<Omit<RtrContactCreateBody, 'handle'>>;

/** Every list answer: `GET ...?limit=&offset=` → entities plus pagination (total absent with total=false). */
export interface RtrPage<T> {
  entities: T[];
  pagination: { limit: number; offset: number; total?: number };
}

export interface RtrViolation {
  field?: string;
  message?: string;
  value?: unknown;
}

/** Error body `{type, message, ...extras}` sent with the HTTP status. */
export interface RtrErrorBody {
  type?: string;
  message?: string;
  /** ConstraintViolationException. */
  violations?: RtrViolation[];
  /** ContactUpdateValidationError (realtimeregister-ts src/Exceptions.ts): field -> message. */
  errors?: Record<string, string>;
  /** UnrecognizedPropertyException: the body field the provider does not know. */
  property?: string;
  /** ProviderUnavailable: the maintenance window. */
  startDate?: string;
  endDate?: string;
}
