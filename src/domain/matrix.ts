import type { VerificationClaim, VerificationMethod, VerificationProof } from './verification.js';
import { VERIFICATION_METHODS, VERIFICATION_PROOFS } from './verification.js';

/** One allowed (method, proof) pair and the claims it may attest. */
export interface MatrixEntry {
  method: VerificationMethod;
  proof: VerificationProof;
  claims: VerificationClaim[];
  /** One verification of this kind may carry only one of its claims (LOG_RECORD). */
  exclusiveClaims: boolean;
}

const DOCUMENT_METHODS = ['ELECTRONIC_DOCUMENT', 'PHYSICAL_DOCUMENT'] as const;

/**
 * The DENIC verification matrix, row by row as published by Realtime Register
 * (providers/realtime-register.md, "The verification matrix"). A proof maps each allowed method to its claims.
 */
const MATRIX_ROWS: Record<VerificationProof, Partial<Record<VerificationMethod, VerificationClaim[]>>> = {
  LOG_RECORD: { REACHABILITY: ['EMAIL', 'ADDRESS', 'VOICE'] },
  ID_CARD: { ...documents(['NAME', 'ADDRESS']), EID_AUTH: ['NAME', 'ADDRESS'] },
  PASSPORT: { ...documents(['NAME']), EID_AUTH: ['NAME'] },
  POPULATION_REGISTER: documents(['NAME', 'ADDRESS']),
  RESIDENCE_PERMIT: documents(['NAME', 'ADDRESS']),
  DRIVERS_LICENCE: documents(['NAME']),
  COMPANY_REGISTER: { ELECTRONIC_DOCUMENT: ['ORGANIZATION', 'ADDRESS'] },
  COMPANY_STATEMENT: documents(['ORGANIZATION', 'ADDRESS']),
  BANK_ACCOUNT: { TRANSACTION: ['NAME', 'ORGANIZATION'] },
  ONLINE_PAYMENT_ACCOUNT: { TRANSACTION: ['NAME', 'ORGANIZATION', 'ADDRESS', 'EMAIL'] },
  UTILITY_ACCOUNT: documents(['NAME', 'ADDRESS']),
  BANK_STATEMENT: documents(['NAME', 'ADDRESS']),
  TAX_STATEMENT: documents(['NAME', 'ADDRESS']),
  ADDRESS_DATABASE: { DATA: ['ADDRESS'] },
};

/** Proofs whose verifications may carry a single claim each. */
const EXCLUSIVE_PROOFS: ReadonlySet<VerificationProof> = new Set(['LOG_RECORD']);

function documents(claims: VerificationClaim[]): Partial<Record<VerificationMethod, VerificationClaim[]>> {
  return Object.fromEntries(DOCUMENT_METHODS.map((method) => [method, claims]));
}

/** Every allowed entry, proofs in contract order, then methods in contract order. */
export const VERIFICATION_MATRIX: readonly MatrixEntry[] = VERIFICATION_PROOFS.flatMap((proof) =>
  VERIFICATION_METHODS.flatMap((method) => {
    const claims = MATRIX_ROWS[proof][method];
    return claims ? [{ method, proof, claims: [...claims], exclusiveClaims: EXCLUSIVE_PROOFS.has(proof) }] : [];
  }),
);

/** The entry for a (method, proof) pair, or undefined when the pair is not allowed. */
export function matrixEntry(method: VerificationMethod, proof: VerificationProof): MatrixEntry | undefined {
  return VERIFICATION_MATRIX.find((entry) => entry.method === method && entry.proof === proof);
}

/** Entries that attest at least one of `claims`; all entries when no claims are given. */
export function matrixEntriesFor(claims?: readonly VerificationClaim[] | null): MatrixEntry[] {
  if (!claims || claims.length === 0) return [...VERIFICATION_MATRIX];
  return VERIFICATION_MATRIX.filter((entry) => entry.claims.some((claim) => claims.includes(claim)));
}
