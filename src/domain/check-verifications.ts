import type { FieldProblem } from './field-problem.js';
import { problem } from './field-problem.js';
import { matrixEntry } from './matrix.js';
import { isIsoDateTime } from './dates.js';
import type { ContactVerificationDraft, VerificationClaim, VerificationMethod, VerificationProof } from './verification.js';
import { VERIFICATION_CLAIMS, VERIFICATION_METHODS, VERIFICATION_PROOFS } from './verification.js';

export interface VerificationCheckResult {
  valid: boolean;
  problems: FieldProblem[];
  /** Claims attested by the verifications that passed the matrix. */
  coveredClaims: VerificationClaim[];
  /** Required claims that no valid verification covers. */
  missingClaims: VerificationClaim[];
}

/** Realtime Register limits externalId to 255 characters. */
export const EXTERNAL_ID_MAX = 255;

/** How far past `now` a verifiedAt may lie (clocks of the caller and the gateway disagree by this much at most). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Checks verification evidence against the DENIC matrix and the claims a registry asked for.
 * Never throws: every problem becomes one FieldProblem with a path under `pathPrefix`. With `now` (ms), evidence
 * dated after it (beyond CLOCK_SKEW_MS) is refused: it tells of a check not yet done, which a registry cannot accept
 * as proof. The gateway passes its clock; the provider simulator passes none, since the provider documents no such rule.
 */
export function checkVerifications(
  verifications: readonly ContactVerificationDraft[],
  requiredClaims: readonly VerificationClaim[] = [],
  pathPrefix: string[] = ['verifications'],
  now?: number,
): VerificationCheckResult {
  const problems: FieldProblem[] = [];
  const covered = new Set<VerificationClaim>();
  if (verifications.length === 0) problems.push(problem(pathPrefix, 'EMPTY', 'At least one verification is required.'));

  verifications.forEach((item, index) => {
    const at = (...rest: string[]) => [...pathPrefix, String(index), ...rest];
    const before = problems.length;
    if (!isIsoDateTime(item.verifiedAt)) {
      problems.push(problem(at('verifiedAt'), 'INVALID_FORMAT', 'verifiedAt must be an ISO 8601 date-time with an offset, e.g. 2026-04-16T00:00:00Z.'));
    } else if (now !== undefined && Date.parse(item.verifiedAt) > now + CLOCK_SKEW_MS) {
      problems.push(problem(at('verifiedAt'), 'INVALID_VALUE', 'verifiedAt must not be in the future: evidence tells of a check already done.'));
    }
    if (item.externalId.trim() === '') problems.push(problem(at('externalId'), 'REQUIRED', 'externalId must not be empty.'));
    if (item.externalId.length > EXTERNAL_ID_MAX) {
      problems.push(problem(at('externalId'), 'TOO_LONG', `externalId may have at most ${EXTERNAL_ID_MAX} characters.`));
    }
    const claimsOk = checkClaims(item, at, problems);
    if (!claimsOk) return;
    const method = item.method as VerificationMethod;
    const proof = item.proof as VerificationProof;
    const entry = matrixEntry(method, proof);
    if (!entry) {
      problems.push(problem(at('proof'), 'COMBINATION_NOT_ALLOWED', `Proof ${proof} cannot be used with method ${method}.`));
      return;
    }
    const claims = item.claims as VerificationClaim[];
    for (const [claimIndex, claim] of claims.entries()) {
      if (!entry.claims.includes(claim)) {
        problems.push(problem(at('claims', String(claimIndex)), 'CLAIM_NOT_ALLOWED', `${method} + ${proof} cannot attest ${claim}; it attests ${entry.claims.join(', ')}.`));
      }
    }
    if (entry.exclusiveClaims && claims.length > 1) {
      problems.push(problem(at('claims'), 'EXCLUSIVE_CLAIM', `A ${proof} verification carries exactly one claim; send one verification per claim.`));
    }
    if (problems.length === before) claims.forEach((claim) => covered.add(claim));
  });

  // Deduplicated: the message names each missing claim once, however often the caller listed it.
  const missingClaims = [...new Set(requiredClaims)].filter((claim) => !covered.has(claim));
  if (missingClaims.length > 0 && verifications.length > 0) {
    problems.push(problem(pathPrefix, 'CLAIMS_NOT_COVERED', `The verifications do not cover the required claims: ${missingClaims.join(', ')}.`));
  }
  return {
    valid: problems.length === 0,
    problems,
    coveredClaims: VERIFICATION_CLAIMS.filter((claim) => covered.has(claim)),
    missingClaims,
  };
}

/** Enum and claim-list checks; false when the item cannot be looked up in the matrix. */
function checkClaims(item: ContactVerificationDraft, at: (...rest: string[]) => string[], problems: FieldProblem[]): boolean {
  let ok = true;
  if (!(VERIFICATION_METHODS as readonly string[]).includes(item.method)) {
    problems.push(problem(at('method'), 'INVALID_VALUE', `Unknown method ${item.method}.`));
    ok = false;
  }
  if (!(VERIFICATION_PROOFS as readonly string[]).includes(item.proof)) {
    problems.push(problem(at('proof'), 'INVALID_VALUE', `Unknown proof ${item.proof}.`));
    ok = false;
  }
  if (item.claims.length === 0) {
    problems.push(problem(at('claims'), 'EMPTY', 'A verification must attest at least one claim.'));
    ok = false;
  }
  // Each claim at most once: a longer list is one problem, not one per entry. A 100 KB body of 12,000 claims made
  // 12,000 DUPLICATE_CLAIM problems, a 1.3 MB answer.
  if (item.claims.length > VERIFICATION_CLAIMS.length) {
    problems.push(problem(at('claims'), 'TOO_LONG', `claims lists each claim at most once: at most ${VERIFICATION_CLAIMS.length} entries.`));
    return false;
  }
  const seen = new Set<string>();
  item.claims.forEach((claim, claimIndex) => {
    if (!(VERIFICATION_CLAIMS as readonly string[]).includes(claim)) {
      problems.push(problem(at('claims', String(claimIndex)), 'INVALID_VALUE', `Unknown claim ${claim}.`));
      ok = false;
    } else if (seen.has(claim)) {
      problems.push(problem(at('claims', String(claimIndex)), 'DUPLICATE_CLAIM', `Claim ${claim} is listed twice.`));
      ok = false;
    }
    seen.add(claim);
  });
  return ok;
}
