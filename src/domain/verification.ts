/** DENIC (NIS2) holder-verification vocabulary, as Realtime Register names it. */
export const VERIFICATION_CLAIMS = ['NAME', 'ADDRESS', 'ORGANIZATION', 'EMAIL', 'VOICE'] as const;
export type VerificationClaim = (typeof VERIFICATION_CLAIMS)[number];

export const VERIFICATION_METHODS = [
  'REACHABILITY',
  'ELECTRONIC_DOCUMENT',
  'PHYSICAL_DOCUMENT',
  'EID_AUTH',
  'TRANSACTION',
  'DATA',
] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** Note the provider's spelling DRIVERS_LICENCE. */
export const VERIFICATION_PROOFS = [
  'LOG_RECORD',
  'ID_CARD',
  'PASSPORT',
  'POPULATION_REGISTER',
  'RESIDENCE_PERMIT',
  'DRIVERS_LICENCE',
  'COMPANY_REGISTER',
  'COMPANY_STATEMENT',
  'BANK_ACCOUNT',
  'ONLINE_PAYMENT_ACCOUNT',
  'UTILITY_ACCOUNT',
  'BANK_STATEMENT',
  'TAX_STATEMENT',
  'ADDRESS_DATABASE',
] as const;
export type VerificationProof = (typeof VERIFICATION_PROOFS)[number];

/** Evidence that some claims about a contact were verified. `verifiedAt` is ISO 8601 UTC. */
export interface ContactVerification {
  verifiedAt: string;
  externalId: string;
  method: VerificationMethod;
  proof: VerificationProof;
  claims: VerificationClaim[];
}

/** The same item as a caller submits it: nothing is trusted yet, the date is still raw text. */
export interface ContactVerificationDraft {
  verifiedAt: string;
  externalId: string;
  method: string;
  proof: string;
  claims: string[];
}
