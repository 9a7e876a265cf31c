import { describe, expect, it } from 'vitest';
import { UnknownProviderValue, domainNameApiEmailStatus, openproviderEmailStatus, veriffRegistryStatus } from '../../src/domain/status-mapping.js';

describe('status mappings', () => {
  it('maps Openprovider statuses (with spaces) and failure descriptions', () => {
    expect(openproviderEmailStatus('not verified', '')).toEqual({ status: 'NOT_VERIFIED', failureReason: null });
    expect(openproviderEmailStatus('in progress', '')).toEqual({ status: 'PENDING', failureReason: null });
    expect(openproviderEmailStatus('verified', null)).toEqual({ status: 'VERIFIED', failureReason: null });
    expect(openproviderEmailStatus('failed', 'expired')).toEqual({ status: 'FAILED', failureReason: 'EXPIRED' });
    expect(openproviderEmailStatus('failed', 'bounced')).toEqual({ status: 'FAILED', failureReason: 'BOUNCED' });
    expect(openproviderEmailStatus('failed', '')).toEqual({ status: 'FAILED', failureReason: null });
  });

  it('maps Domain Name API statuses, Expired being a failure', () => {
    expect(domainNameApiEmailStatus('NotValidated').status).toBe('NOT_VERIFIED');
    expect(domainNameApiEmailStatus('Pending').status).toBe('PENDING');
    expect(domainNameApiEmailStatus('Validated').status).toBe('VERIFIED');
    expect(domainNameApiEmailStatus('Expired')).toEqual({ status: 'FAILED', failureReason: 'EXPIRED' });
  });

  it('maps Veriff decisions by status first, code second', () => {
    expect(veriffRegistryStatus('approved', 9001)).toBe('APPROVED');
    expect(veriffRegistryStatus('abandoned', 9104)).toBe('ABANDONED');
    expect(veriffRegistryStatus('expired', 9104)).toBe('EXPIRED');
    // 9121 is "review" on one Veriff page and "abandoned" on another: the status string wins.
    expect(veriffRegistryStatus('abandoned', 9121)).toBe('ABANDONED');
    expect(veriffRegistryStatus(null, 9121)).toBe('REVIEW');
    expect(veriffRegistryStatus('resubmission_requested', null)).toBe('RESUBMISSION_REQUESTED');
  });

  it('refuses to guess an unknown provider value', () => {
    expect(() => openproviderEmailStatus('pending-ish', '')).toThrow(UnknownProviderValue);
    expect(() => domainNameApiEmailStatus('Maybe')).toThrow(UnknownProviderValue);
    expect(() => veriffRegistryStatus('weird', 1)).toThrow(UnknownProviderValue);
  });

  it('never quotes an ID number a provider put in the value it sent, written whole or in groups: the message is logged, and an unreadable list row\'s reason is answered', () => {
    for (const number of ['49912319999', '499 1231 9999', '499-123-199-99']) {
      const messages = [
        () => openproviderEmailStatus(`on hold ${number}`, ''),
        () => domainNameApiEmailStatus(`Suspended ${number}`),
        () => veriffRegistryStatus(`weird ${number}`, 1),
      ].map((map) => {
        try {
          map();
        } catch (error) {
          expect(error).toBeInstanceOf(UnknownProviderValue);
          return (error as Error).message + (error as Error).stack;
        }
        throw new Error('mapped an unknown value');
      });
      expect(messages.filter((message) => message.includes(number))).toEqual([]);
      // Still says what came: the rest of the value, the number masked.
      expect(messages[0]).toContain('Unknown Openprovider email verification status: "on hold [redacted]"');
    }
  });
});
