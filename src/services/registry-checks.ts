import { NotImplemented } from '../domain/errors.js';
import type { RegistryCheck } from '../domain/registry-check.js';
import type { ServiceDeps } from './deps.js';
import type { RequestScope } from './request-scope.js';
import type { WebhookHandler } from './webhook.js';

export interface ValidateRegistryInput {
  idNumber: string;
  fullName?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  dateOfBirth?: string | null;
  phoneNumber?: string | null;
  address?: {
    fullAddress?: string | null;
    street?: string | null;
    houseNumber?: string | null;
    postcode?: string | null;
    city?: string | null;
    state?: string | null;
    unit?: string | null;
  } | null;
  endUserId?: string | null;
  vendorData?: string | null;
}

/** National ID checks at Veriff. The ID number lives only for the duration of the upstream call. */
export interface RegistryCheckService {
  /** Throws InputRejected or ProviderFailure. */
  validate(input: ValidateRegistryInput, scope: RequestScope): Promise<RegistryCheck>;
  get(id: string): Promise<RegistryCheck | null>;
  /** POST /webhooks/veriff */
  webhook: WebhookHandler;
}

export function createRegistryCheckService(_deps: ServiceDeps): RegistryCheckService {
  const missing = async (): Promise<never> => {
    throw new NotImplemented('Registry checks');
  };
  return {
    validate: missing,
    get: missing,
    webhook: async () => ({ status: 501, body: { error: 'Veriff decisions are not implemented yet.' } }),
  };
}
