import { describe, expect, it } from 'vitest';
import { InputRejected, ProviderFailure } from '../../src/domain/errors.js';
import { parseVeriffEnvelope, toVeriffRegistryBody, VeriffPayloadError, veriffFailure } from '../../src/providers/veriff/map.js';
import { readVeriffDecisionWebhook } from '../../src/providers/veriff/webhook.js';
import { signVeriffBody } from '../../src/providers/veriff/signature.js';

const ID_NUMBER = '39912310129';

function decisionBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'success',
    verification: {
      id: '6f1c1e0e-8a37-4cbe-9a8f-0b8b6a3c2f11',
      code: 9001,
      status: 'approved',
      person: {
        firstName: 'ANN',
        lastName: 'LEE',
        idNumber: ID_NUMBER,
        dateOfBirth: '1980-01-08',
        yearOfBirth: 1980,
        placeOfBirth: 'TALLINN',
        addresses: [{ fullAddress: 'TARTU MNT 1, 10115 TALLINN' }],
      },
      reason: null,
      reasonCode: null,
      document: { number: null },
      vendorData: null,
      endUserId: null,
      decisionTime: '2026-03-01T10:00:02.120Z',
      acceptanceTime: '2026-03-01T10:00:00Z',
      additionalVerifiedData: { failedValidation: null },
      ...overrides,
    },
    technicalData: { ip: null },
  };
}

/** Every non-object value in a JSON tree. */
function leaves(value: unknown): unknown[] {
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(leaves);
  return [value];
}

function response(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

describe('toVeriffRegistryBody', () => {
  it('puts address beside person and sends every value as a trimmed string', () => {
    const body = toVeriffRegistryBody({
      idNumber: ` ${ID_NUMBER} `,
      firstName: 'Ann',
      lastName: 'Lee',
      dateOfBirth: '1980-01-08',
      address: { street: 'Tartu mnt', houseNumber: '1', postcode: '10115', city: 'Tallinn', state: null, unit: '' },
      vendorData: 'order-7',
      endUserId: null,
    });
    expect(body).toEqual({
      verification: {
        person: { idNumber: ID_NUMBER, firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' },
        address: { street: 'Tartu mnt', houseNumber: '1', postcode: '10115', city: 'Tallinn' },
        vendorData: 'order-7',
      },
    });
    for (const value of leaves(body)) expect(typeof value).toBe('string');
  });

  it('leaves address out when none was given', () => {
    expect(toVeriffRegistryBody({ idNumber: ID_NUMBER, fullName: 'Ann Lee', dateOfBirth: '1980-01-08' }).verification).not.toHaveProperty('address');
  });
});

describe('parseVeriffEnvelope', () => {
  it('maps an approved decision and never carries the ID number', () => {
    const outcome = parseVeriffEnvelope(decisionBody());
    expect(outcome.sessionId).toBe('6f1c1e0e-8a37-4cbe-9a8f-0b8b6a3c2f11');
    expect(outcome.decision).toEqual({
      status: 'APPROVED',
      code: 9001,
      reason: null,
      reasonCode: null,
      person: {
        firstName: 'ANN',
        lastName: 'LEE',
        dateOfBirth: '1980-01-08',
        yearOfBirth: '1980',
        placeOfBirth: 'TALLINN',
        addresses: ['TARTU MNT 1, 10115 TALLINN'],
      },
      decidedAt: '2026-03-01T10:00:02.120Z',
      failedValidation: null,
      vendorData: null,
      endUserId: null,
    });
    expect(JSON.stringify(outcome)).not.toContain(ID_NUMBER);
  });

  it('decides by the status string before the code (9121 is review here, abandoned elsewhere)', () => {
    expect(parseVeriffEnvelope(decisionBody({ status: 'abandoned', code: 9121 })).decision?.status).toBe('ABANDONED');
    expect(parseVeriffEnvelope(decisionBody({ status: null, code: 9121 })).decision?.status).toBe('REVIEW');
  });

  it('keeps the decline reason code', () => {
    const decision = parseVeriffEnvelope(decisionBody({ status: 'declined', code: 9102, reasonCode: 123, reason: 'Unable to pass registry checks' })).decision;
    expect(decision).toMatchObject({ status: 'DECLINED', code: 9102, reasonCode: 123 });
  });

  it('reads a session without a decision as pending', () => {
    expect(parseVeriffEnvelope({ status: 'success', verification: { id: 'abc', status: 'submitted' } })).toEqual({ sessionId: 'abc', decision: null });
    expect(parseVeriffEnvelope({ status: 'success', verification: null, sessionId: 'abc' })).toEqual({ sessionId: 'abc', decision: null });
    // "The answer has the request status and session id": a top-level `id`, or `verification.sessionId`, names it too.
    expect(parseVeriffEnvelope({ status: 'success', id: 'abc' })).toEqual({ sessionId: 'abc', decision: null });
    expect(parseVeriffEnvelope({ status: 'success', verification: { sessionId: 'abc', status: 'submitted' } })).toEqual({ sessionId: 'abc', decision: null });
  });

  it('refuses a body that is not a decision envelope', () => {
    expect(() => parseVeriffEnvelope([])).toThrow(VeriffPayloadError);
    expect(() => parseVeriffEnvelope({ verification: 'x' })).toThrow(VeriffPayloadError);
  });

  it('keeps a decision whose describing members have unexpected types: the status decides, the rest is read as well as it can be', () => {
    const { decision } = parseVeriffEnvelope(
      decisionBody({ code: 'approved', reason: 5, reasonCode: '122', vendorData: 42, decisionTime: 1772359202, person: { firstName: 'ANN', lastName: 7, addresses: 'x' } }),
    );
    expect(decision).toMatchObject({ status: 'APPROVED', code: null, reason: '5', reasonCode: 122, vendorData: '42', decidedAt: null });
    expect(decision!.person).toMatchObject({ firstName: 'ANN', lastName: '7', addresses: [] });
    expect(parseVeriffEnvelope(decisionBody({ person: [] })).decision!.person).toBeNull();
  });
});

describe('veriffFailure', () => {
  it('turns 1102 into InputRejected naming the missing field', () => {
    const cases: [string, string[]][] = [
      ['Request is missing required field idNumber', ['idNumber']],
      ['Request is missing required field fullName or (firstName + lastName)', ['fullName']],
      ["Request is missing required field 'dateOfBirth' or 'address'", ['dateOfBirth']],
      ['Request is missing required field fullAddress or (street + houseNumber + postcode)', ['address', 'fullAddress']],
    ];
    for (const [message, path] of cases) {
      const error = veriffFailure(response(400, { status: 'failed', code: '1102', message }));
      expect(error).toBeInstanceOf(InputRejected);
      expect((error as InputRejected).fieldErrors[0]?.path).toEqual(path);
    }
  });

  it('turns 18xx into a non-retryable AUTH failure with the code', () => {
    for (const code of ['1801', '1803', '1812', '1818']) {
      const error = veriffFailure(response(401, { status: 'failed', code, message: `Signature ${'a'.repeat(64)} does not match` })) as ProviderFailure;
      expect(error).toBeInstanceOf(ProviderFailure);
      expect(error).toMatchObject({ kind: 'AUTH', retryable: false, code, httpStatus: 401, provider: 'VERIFF' });
      expect(error.message).not.toContain('a'.repeat(64));
    }
  });

  it('accepts a numeric error code', () => {
    expect(veriffFailure(response(401, { status: 'failed', code: 1818, message: 'x' }))).toMatchObject({ code: '1818', kind: 'AUTH' });
  });

  it('makes 429 retryable with Retry-After and 5xx retryable', () => {
    expect(veriffFailure(response(429, '', { 'retry-after': '7' }))).toMatchObject({ kind: 'RATE_LIMITED', retryable: true, retryAfterSeconds: 7 });
    expect(veriffFailure(response(503, '<html>busy</html>'))).toMatchObject({ kind: 'UNAVAILABLE', retryable: true, httpStatus: 503 });
    expect(veriffFailure(response(500, { status: 'failed', code: '1500', message: 'x' }))).toMatchObject({ retryable: true });
  });

  it('never repeats the upstream message, which could echo the input', () => {
    const error = veriffFailure(response(400, { status: 'failed', code: '1104', message: `bad idNumber ${ID_NUMBER}` }));
    expect(error).toMatchObject({ kind: 'ERROR', retryable: false, code: '1104' });
    expect(error.message).not.toContain(ID_NUMBER);
  });
});

describe('readVeriffDecisionWebhook', () => {
  const secret = 'hook-secret';
  const raw = Buffer.from(JSON.stringify(decisionBody()));

  it('reads a correctly signed decision', () => {
    const reading = readVeriffDecisionWebhook(raw, { 'x-hmac-signature': signVeriffBody(raw, secret) }, [secret]);
    expect(reading).toMatchObject({ kind: 'decision', sessionId: '6f1c1e0e-8a37-4cbe-9a8f-0b8b6a3c2f11', decision: { status: 'APPROVED' } });
  });

  it('is unauthorized without a signature or with a wrong one, before reading the body', () => {
    expect(readVeriffDecisionWebhook(Buffer.from('not json'), {}, [secret])).toEqual({ kind: 'unauthorized' });
    expect(readVeriffDecisionWebhook(raw, { 'x-hmac-signature': signVeriffBody(raw, 'other') }, [secret])).toEqual({ kind: 'unauthorized' });
  });

  it('reads a decision whose signed bytes start with a byte order mark, rather than acknowledging and dropping it', () => {
    const marked = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), raw]);
    const reading = readVeriffDecisionWebhook(marked, { 'x-hmac-signature': signVeriffBody(marked, secret) }, [secret]);
    expect(reading).toMatchObject({ kind: 'decision', decision: { status: 'APPROVED' } });
  });

  it('is invalid when signed but not JSON or not a decision', () => {
    const notJson = Buffer.from('{"status":');
    expect(readVeriffDecisionWebhook(notJson, { 'x-hmac-signature': signVeriffBody(notJson, secret) }, [secret]).kind).toBe('invalid');
    const noDecision = Buffer.from(JSON.stringify({ status: 'success', verification: { id: 'x', status: 'started' } }));
    expect(readVeriffDecisionWebhook(noDecision, { 'x-hmac-signature': signVeriffBody(noDecision, secret) }, [secret]).kind).toBe('invalid');
  });
});
