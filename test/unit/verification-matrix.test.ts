import { describe, expect, it } from 'vitest';
import { checkVerifications } from '../../src/domain/check-verifications.js';
import { VERIFICATION_MATRIX, matrixEntriesFor, matrixEntry } from '../../src/domain/matrix.js';

const base = { verifiedAt: '2026-04-16T00:00:00Z', externalId: 'kyc-7731' };

describe('the verification matrix', () => {
  it('has exactly the allowed cells of the 14 x 6 table', () => {
    // Count of non-empty cells in providers/realtime-register.md: 1+3+3+2+2+2+1+2+1+1+2+2+2+1.
    expect(VERIFICATION_MATRIX).toHaveLength(25);
    expect(new Set(VERIFICATION_MATRIX.map((entry) => entry.proof)).size).toBe(14);
  });

  it('allows VOICE only through REACHABILITY + LOG_RECORD, with exclusive claims', () => {
    const voice = matrixEntriesFor(['VOICE']);
    expect(voice).toEqual([{ method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL', 'ADDRESS', 'VOICE'], exclusiveClaims: true }]);
  });

  it('knows the pairs that are not allowed', () => {
    expect(matrixEntry('DATA', 'ID_CARD')).toBeUndefined();
    expect(matrixEntry('PHYSICAL_DOCUMENT', 'COMPANY_REGISTER')).toBeUndefined();
    expect(matrixEntry('EID_AUTH', 'PASSPORT')?.claims).toEqual(['NAME']);
    expect(matrixEntry('TRANSACTION', 'ONLINE_PAYMENT_ACCOUNT')?.claims).toEqual(['NAME', 'ORGANIZATION', 'ADDRESS', 'EMAIL']);
  });

  it('filters entries to those attesting at least one wanted claim', () => {
    const organization = matrixEntriesFor(['ORGANIZATION']);
    expect(organization.every((entry) => entry.claims.includes('ORGANIZATION'))).toBe(true);
    expect(organization.map((entry) => entry.proof)).toEqual(
      expect.arrayContaining(['COMPANY_REGISTER', 'COMPANY_STATEMENT', 'BANK_ACCOUNT', 'ONLINE_PAYMENT_ACCOUNT']),
    );
  });
});

describe('checkVerifications', () => {
  it('accepts evidence inside the matrix and reports what it covers', () => {
    const result = checkVerifications([{ ...base, method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] }], ['NAME']);
    expect(result).toEqual({ valid: true, problems: [], coveredClaims: ['NAME', 'ADDRESS'], missingClaims: [] });
  });

  it('rejects a method/proof pair outside the matrix', () => {
    const result = checkVerifications([{ ...base, method: 'DATA', proof: 'PASSPORT', claims: ['NAME'] }]);
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ path: ['verifications', '0', 'proof'], code: 'COMBINATION_NOT_ALLOWED' })]);
  });

  it('rejects a claim outside the cell, pointing at that claim', () => {
    const result = checkVerifications([{ ...base, method: 'PHYSICAL_DOCUMENT', proof: 'PASSPORT', claims: ['NAME', 'ADDRESS'] }]);
    expect(result.problems).toEqual([expect.objectContaining({ path: ['verifications', '0', 'claims', '1'], code: 'CLAIM_NOT_ALLOWED' })]);
  });

  it('rejects two claims on one LOG_RECORD', () => {
    const result = checkVerifications([{ ...base, method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL', 'VOICE'] }]);
    expect(result.problems.map((problem) => problem.code)).toEqual(['EXCLUSIVE_CLAIM']);
  });

  it('rejects a date that is not ISO 8601, or not a real day', () => {
    for (const verifiedAt of ['16.04.2026', '2026-04-16', '2026-02-30T00:00:00Z', '2026-04-16T00:00:00']) {
      const result = checkVerifications([{ ...base, verifiedAt, method: 'DATA', proof: 'ADDRESS_DATABASE', claims: ['ADDRESS'] }]);
      expect(result.problems, verifiedAt).toEqual([expect.objectContaining({ path: ['verifications', '0', 'verifiedAt'], code: 'INVALID_FORMAT' })]);
    }
  });

  it('rejects evidence dated after the gateway\'s clock (beyond a few minutes of skew), when given one', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    const dated = (verifiedAt: string) => checkVerifications([{ ...base, verifiedAt, method: 'DATA', proof: 'ADDRESS_DATABASE', claims: ['ADDRESS'] }], [], ['verifications'], now);
    expect(dated('2026-11-29T00:00:00Z').problems).toEqual([expect.objectContaining({ path: ['verifications', '0', 'verifiedAt'], code: 'INVALID_VALUE' })]);
    // An offset is an instant like any other: 13:00 at +02:00 is 11:00 UTC, before now.
    expect(dated('2026-11-28T13:00:00+02:00').valid).toBe(true);
    expect(dated('2026-11-28T12:04:00Z').valid).toBe(true);
    // The provider simulator passes no clock: the provider documents no such rule.
    expect(checkVerifications([{ ...base, verifiedAt: '2099-01-01T00:00:00Z', method: 'DATA', proof: 'ADDRESS_DATABASE', claims: ['ADDRESS'] }]).valid).toBe(true);
  });

  it('lists required claims no valid verification covers', () => {
    const result = checkVerifications(
      [
        { ...base, method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL'] },
        { ...base, method: 'DATA', proof: 'PASSPORT', claims: ['NAME'] },
      ],
      ['EMAIL', 'NAME', 'ADDRESS'],
    );
    expect(result.coveredClaims).toEqual(['EMAIL']);
    expect(result.missingClaims).toEqual(['NAME', 'ADDRESS']);
    expect(result.problems.map((problem) => problem.code)).toEqual(['COMBINATION_NOT_ALLOWED', 'CLAIMS_NOT_COVERED']);
  });

  it('gives one problem per problem, never throwing, for a badly broken list', () => {
    const result = checkVerifications([
      { verifiedAt: 'yesterday', externalId: '', method: 'CARRIER_PIGEON', proof: 'ID_CARD', claims: [] },
      { ...base, externalId: 'x'.repeat(256), method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL', 'EMAIL'] },
    ]);
    expect(result.problems.map((problem) => `${problem.path.join('.')}:${problem.code}`)).toEqual([
      'verifications.0.verifiedAt:INVALID_FORMAT',
      'verifications.0.externalId:REQUIRED',
      'verifications.0.method:INVALID_VALUE',
      'verifications.0.claims:EMPTY',
      'verifications.1.externalId:TOO_LONG',
      'verifications.1.claims.1:DUPLICATE_CLAIM',
    ]);
  });

  it('requires at least one verification', () => {
    expect(checkVerifications([]).problems).toEqual([expect.objectContaining({ code: 'EMPTY', path: ['verifications'] })]);
  });
});
