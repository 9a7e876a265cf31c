import { describe, expect, it } from 'vitest';
import { processStateFromWire } from '../../src/providers/realtime-register/processes.js';

describe('processStateFromWire', () => {
  it.each([
    ['NEW', 'PENDING'],
    ['VALIDATED', 'PENDING'],
    ['RUNNING', 'PENDING'],
    ['SCHEDULED', 'PENDING'],
    ['SUSPENDED', 'PENDING'],
    ['IN_DOUBT', 'PENDING'],
    ['COMPLETED', 'COMPLETED'],
    ['FAILED', 'FAILED'],
    ['INVALID', 'FAILED'],
    ['CANCELLED', 'FAILED'],
    ['SOMETHING_NEW', 'PENDING'],
  ])('reads status %s as %s', (status, outcome) => {
    expect(processStateFromWire({ id: 1, status })?.outcome).toBe(outcome);
  });

  it('takes the provider\'s reason from error, then errors, then statusDetail, else names the status', () => {
    expect(processStateFromWire({ id: 1, status: 'FAILED', error: { message: 'refused' }, statusDetail: 'x' })?.reason).toBe('refused');
    expect(processStateFromWire({ id: 1, status: 'INVALID', errors: [{ message: 'bad claim' }] })?.reason).toBe('bad claim');
    expect(processStateFromWire({ id: 1, status: 'CANCELLED', statusDetail: 'cancelled by user' })?.reason).toBe('cancelled by user');
    expect(processStateFromWire({ id: 1, status: 'FAILED' })?.reason).toBe('Realtime Register ended the process FAILED.');
    expect(processStateFromWire({ id: 1, status: 'FAILED', error: { message: 'x'.repeat(2000) } })?.reason).toHaveLength(500);
  });

  it('finds the reason in the other shapes the document allows: errors as strings or a field map, and result', () => {
    expect(processStateFromWire({ id: 1, status: 'FAILED', errors: ['registry refused the claims'] })?.reason).toBe('registry refused the claims');
    expect(processStateFromWire({ id: 1, status: 'INVALID', errors: { verifications: 'proof does not attest ADDRESS' } })?.reason).toBe('proof does not attest ADDRESS');
    expect(processStateFromWire({ id: 1, status: 'FAILED', errors: [{ field: 'claims', description: 'unknown claim' }] })?.reason).toBe('unknown claim');
    expect(processStateFromWire({ id: 1, status: 'FAILED', result: 'DENIC rejected the verification' })?.reason).toBe('DENIC rejected the verification');
    expect(processStateFromWire({ id: 1, status: 'FAILED', result: { message: 'expired' } })?.reason).toBe('expired');
  });

  it('answers null for a body that is not a process', () => {
    for (const body of [null, [], 'COMPLETED', { id: 1 }, { status: 7 }]) expect(processStateFromWire(body)).toBeNull();
  });
});
