import { describe, expect, it } from 'vitest';
import { checkRegistryInput, type ValidateRegistryInput } from '../../src/services/registry-check-input.js';

const ID_NUMBER = '39912310129';
const valid: ValidateRegistryInput = { idNumber: ID_NUMBER, firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' };
const TODAY = '2026-03-01';

function problems(input: ValidateRegistryInput) {
  return checkRegistryInput(input, TODAY).problems.map((p) => ({ path: p.path, code: p.code }));
}

describe('checkRegistryInput', () => {
  it('accepts a name and a date of birth, trimming values', () => {
    const result = checkRegistryInput({ ...valid, firstName: ' Ann ' }, TODAY);
    expect(result.problems).toEqual([]);
    expect(result.submission).toMatchObject({ idNumber: ID_NUMBER, firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08', address: null });
  });

  it('accepts a full name and a full address without a date of birth', () => {
    expect(problems({ idNumber: ID_NUMBER, fullName: 'Ann Lee', address: { fullAddress: 'Tartu mnt 1, Tallinn' } })).toEqual([]);
  });

  it('accepts street + houseNumber + postcode as an address', () => {
    expect(problems({ idNumber: ID_NUMBER, fullName: 'Ann Lee', address: { street: 'Tartu mnt', houseNumber: '1', postcode: '10115' } })).toEqual([]);
  });

  it('names idNumber when it is missing or blank', () => {
    expect(problems({ ...valid, idNumber: '' })).toEqual([{ path: ['idNumber'], code: 'REQUIRED' }]);
    expect(problems({ ...valid, idNumber: '   ' })).toEqual([{ path: ['idNumber'], code: 'REQUIRED' }]);
  });

  it('names fullName when there is no name at all', () => {
    expect(problems({ idNumber: ID_NUMBER, dateOfBirth: '1980-01-08' })).toEqual([{ path: ['fullName'], code: 'REQUIRED' }]);
  });

  it('names the missing half of firstName + lastName', () => {
    expect(problems({ idNumber: ID_NUMBER, firstName: 'Ann', dateOfBirth: '1980-01-08' })).toEqual([{ path: ['lastName'], code: 'REQUIRED' }]);
    expect(problems({ idNumber: ID_NUMBER, lastName: 'Lee', dateOfBirth: '1980-01-08' })).toEqual([{ path: ['firstName'], code: 'REQUIRED' }]);
  });

  it('names dateOfBirth when there is neither a date of birth nor an address', () => {
    expect(problems({ idNumber: ID_NUMBER, fullName: 'Ann Lee' })).toEqual([{ path: ['dateOfBirth'], code: 'REQUIRED' }]);
    expect(problems({ idNumber: ID_NUMBER, fullName: 'Ann Lee', address: {} })).toEqual([{ path: ['dateOfBirth'], code: 'REQUIRED' }]);
  });

  it('names each missing part of a partial structured address', () => {
    expect(problems({ ...valid, address: { street: 'Tartu mnt' } })).toEqual([
      { path: ['address', 'houseNumber'], code: 'REQUIRED' },
      { path: ['address', 'postcode'], code: 'REQUIRED' },
    ]);
  });

  it('names address.fullAddress when an address has only a city', () => {
    expect(problems({ idNumber: ID_NUMBER, fullName: 'Ann Lee', address: { city: 'Tallinn' } })).toEqual([{ path: ['address', 'fullAddress'], code: 'REQUIRED' }]);
  });

  it('rejects a date of birth that is not YYYY-MM-DD or not a real day', () => {
    expect(problems({ ...valid, dateOfBirth: '08.01.1980' })).toEqual([{ path: ['dateOfBirth'], code: 'INVALID_FORMAT' }]);
    expect(problems({ ...valid, dateOfBirth: '1980-02-30' })).toEqual([{ path: ['dateOfBirth'], code: 'INVALID_FORMAT' }]);
  });

  it('rejects a date of birth in the future', () => {
    expect(problems({ ...valid, dateOfBirth: '2026-03-02' })).toEqual([{ path: ['dateOfBirth'], code: 'INVALID_VALUE' }]);
    expect(problems({ ...valid, dateOfBirth: TODAY })).toEqual([]);
  });

  it('rejects vendorData over 1000 characters', () => {
    expect(problems({ ...valid, vendorData: 'x'.repeat(1001) })).toEqual([{ path: ['vendorData'], code: 'TOO_LONG' }]);
    expect(problems({ ...valid, vendorData: 'x'.repeat(1000) })).toEqual([]);
  });

  it('rejects an endUserId that is not a UUID', () => {
    expect(problems({ ...valid, endUserId: 'user-7' })).toEqual([{ path: ['endUserId'], code: 'INVALID_FORMAT' }]);
    expect(problems({ ...valid, endUserId: '3f0b8c4e-5d7a-4c1b-9e2f-8a6d5c4b3a21' })).toEqual([]);
  });

  it('reports every problem at once and never quotes the ID number', () => {
    const result = checkRegistryInput({ idNumber: ID_NUMBER, endUserId: 'nope', vendorData: 'x'.repeat(1001) }, TODAY);
    expect(result.problems.map((p) => p.path.join('.'))).toEqual(['fullName', 'dateOfBirth', 'vendorData', 'endUserId']);
    expect(JSON.stringify(result.problems)).not.toContain(ID_NUMBER);
  });
});
