/**
 * Which evidence the form offers first, and how each option is described: pure functions over the verification
 * matrix's entries for a request's claims (no DOM), so they are tested on their own.
 */
import type { VerificationClaim, VerificationMatrixQuery } from '../../client/src/index.js';

export type MatrixEntry = VerificationMatrixQuery['verificationMatrix'][number];

/** One piece of evidence in the form: the matrix entry (by index) and the claims it attests. */
export interface EvidenceChoice {
  entry: number;
  claims: VerificationClaim[];
}

/** The requested claims an entry can attest, in the request's order. */
export function coveredBy(entry: MatrixEntry, requested: readonly VerificationClaim[]): VerificationClaim[] {
  return requested.filter((claim) => entry.claims.includes(claim));
}

/** "ELECTRONIC_DOCUMENT · ID_CARD: covers NAME, ADDRESS", and "(one claim per piece of evidence)" for LOG_RECORD. */
export function describeEntry(entry: MatrixEntry, requested: readonly VerificationClaim[]): string {
  const covered = coveredBy(entry, requested);
  return `${entry.method} · ${entry.proof}: covers ${covered.join(', ') || 'none of the requested claims'}${entry.exclusiveClaims ? ' (one claim per piece of evidence)' : ''}`;
}

/**
 * The fewest pieces of evidence (greedy set cover, in matrix order on ties) that together cover every requested
 * claim, each with its claims ticked: the form opens ready to submit once references are filled in. An entry with
 * exclusiveClaims (LOG_RECORD) covers one claim per piece. Claims no entry covers stay uncovered.
 */
export function defaultEvidence(matrix: readonly MatrixEntry[], requested: readonly VerificationClaim[]): EvidenceChoice[] {
  const uncovered = new Set(requested);
  const choices: EvidenceChoice[] = [];
  while (uncovered.size > 0) {
    let best: { entry: number; claims: VerificationClaim[] } | null = null;
    matrix.forEach((entry, index) => {
      const fresh = coveredBy(entry, requested).filter((claim) => uncovered.has(claim));
      const claims = entry.exclusiveClaims ? fresh.slice(0, 1) : fresh;
      if (claims.length > (best?.claims.length ?? 0)) best = { entry: index, claims };
    });
    if (best === null) break;
    const chosen: EvidenceChoice = best;
    choices.push(chosen);
    for (const claim of chosen.claims) uncovered.delete(claim);
  }
  return choices.length > 0 ? choices : [{ entry: 0, claims: [] }];
}
