import { describe, expect, it } from 'vitest';
import {
  mustNotRepeat,
  openproviderFailure,
  readExpirationDate,
  readEnvelope,
  toContact,
  toEmailVerification,
  toVoice,
} from '../../src/providers/openprovider/map.js';
import type { UpstreamResponse } from '../../src/providers/http.js';
import { UnknownProviderValue } from '../../src/domain/status-mapping.js';

const response = (status: number, body: unknown, headers: Record<string, string> = {}): UpstreamResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('Openprovider envelope and code mapping', () => {
  it('reads the {code, desc, data} envelope and rejects bodies that are not one', () => {
    expect(readEnvelope(response(200, { code: 0, desc: '', data: { total: 0, results: [] } }))?.code).toBe(0);
    expect(readEnvelope(response(502, '<html>Bad gateway</html>'))).toBeNull();
    expect(readEnvelope(response(500, ''))).toBeNull();
    expect(readEnvelope(response(200, '{"code":0,"desc"'))).toBeNull();
    expect(readEnvelope(response(200, { desc: 'no code' }))).toBeNull();
  });

  it('maps code 50 under HTTP 500 or 429 to RATE_LIMITED for the blocked minute, and never lets the HTTP layer repeat it', () => {
    for (const status of [500, 429]) {
      const answer = response(status, { code: 50, desc: 'Calls limit has been reached', data: '' }, { 'retry-after': '7' });
      const failure = openproviderFailure(answer, readEnvelope(answer), 'the list');
      expect(failure).toMatchObject({ kind: 'RATE_LIMITED', retryable: true, code: '50', httpStatus: status, retryAfterSeconds: 60 });
      expect(mustNotRepeat(answer)).toBe(true);
    }
    const longer = response(500, { code: 50, desc: 'Calls limit has been reached', data: '' }, { 'retry-after': '90' });
    expect(openproviderFailure(longer, readEnvelope(longer), 'the list').retryAfterSeconds).toBe(90);
  });

  it('maps the IP blocks (10005 production, 10009 CTE) and the account block (197) to non-retryable failures naming the fix', () => {
    for (const [code, fix] of [[10005, /whitelist this IP/i], [10009, /whitelist this IP/i], [197, /sign the agreement/i]] as const) {
      const answer = response(500, { code, desc: 'blocked', data: '' });
      const failure = openproviderFailure(answer, readEnvelope(answer), 'the list');
      expect(failure).toMatchObject({ kind: 'AUTH', code: String(code), retryable: false });
      expect(failure.message).toMatch(fix);
      expect(mustNotRepeat(answer)).toBe(true);
    }
    expect(mustNotRepeat(response(503, '<html>down</html>'))).toBe(false);
  });

  it('maps code 196 (under any status) and HTTP 401 to a non-retryable AUTH failure', () => {
    for (const status of [200, 401, 500]) {
      const answer = response(status, { code: 196, desc: 'Authentication/Authorization Failed', data: '' });
      expect(openproviderFailure(answer, readEnvelope(answer), 'the list')).toMatchObject({ kind: 'AUTH', retryable: false, code: '196' });
    }
  });

  it('maps HTML or empty 5xx bodies to a retryable UNAVAILABLE failure and other error envelopes to ERROR', () => {
    const html = response(503, '<html>down</html>');
    expect(openproviderFailure(html, readEnvelope(html), 'the list')).toMatchObject({ kind: 'UNAVAILABLE', retryable: true });
    const maintenance = response(503, { code: 4005, desc: 'API is in maintenance mode', data: '', maintenance: true });
    expect(openproviderFailure(maintenance, readEnvelope(maintenance), 'the list')).toMatchObject({ kind: 'UNAVAILABLE', retryable: true });
    const refused = response(400, { code: 399, desc: 'Email anna@example.com is invalid', data: '' });
    const failure = openproviderFailure(refused, readEnvelope(refused), 'the restart');
    expect(failure).toMatchObject({ kind: 'ERROR', retryable: false, code: '399' });
    expect(failure.message).not.toContain('anna@example.com');
  });
});

describe('Openprovider rows and customers', () => {
  const row = { domain: 'example.com', email: 'ann@example.net', handle: 'AN000001-NL', description: '', is_suspended: false, expiration_date: '0000-00-00 00:00:00' };

  it('maps each status (with spaces) and failure description to the unified status', () => {
    expect(toEmailVerification({ ...row, status: 'not verified' })).toMatchObject({ status: 'NOT_VERIFIED', failureReason: null, providerStatus: 'not verified' });
    expect(toEmailVerification({ ...row, status: 'verified' })).toMatchObject({ status: 'VERIFIED' });
    expect(toEmailVerification({ ...row, status: 'failed', description: 'expired' })).toMatchObject({ status: 'FAILED', failureReason: 'EXPIRED' });
    expect(toEmailVerification({ ...row, status: 'failed', description: 'bounced', is_suspended: true })).toMatchObject({
      status: 'FAILED',
      failureReason: 'BOUNCED',
      suspended: true,
    });
    expect(() => toEmailVerification({ ...row, status: 'on hold' })).toThrow(UnknownProviderValue);
  });

  it('reads a numeric expiration_date as Unix seconds and anything unreadable as null, never failing the row', () => {
    expect(readExpirationDate(1_796_115_600)).toBe('2026-12-01T09:00:00.000Z');
    expect(readExpirationDate('1796115600')).toBe('2026-12-01T09:00:00.000Z');
    expect(readExpirationDate(0)).toBeNull();
    expect(readExpirationDate({ at: 1 })).toBeNull();
    expect(readExpirationDate('2026-12-01 10:00:00', 'UTC')).toBe('2026-12-01T10:00:00.000Z');
    expect(toEmailVerification({ ...row, status: 'in progress', expiration_date: 1_796_115_600 })).toMatchObject({ expiresAt: '2026-12-01T09:00:00.000Z' });
    expect(toEmailVerification({ ...row, status: 'in progress', expiration_date: null })).toMatchObject({ status: 'PENDING', expiresAt: null });
  });

  it('converts an in-progress expiration from Amsterdam time and the zero date to null', () => {
    expect(toEmailVerification({ ...row, status: 'in progress', expiration_date: '2026-12-01 10:00:00' })).toMatchObject({
      status: 'PENDING',
      expiresAt: '2026-12-01T09:00:00.000Z',
      lastNotifiedAt: null,
    });
    expect(toEmailVerification({ ...row, status: 'verified' }).expiresAt).toBeNull();
  });

  it('builds a contact from GetCustomer data and never reads additional data', () => {
    const contact = toContact({
      handle: 'AN000001-NL',
      name: { first_name: 'Ann', prefix: 'van', last_name: 'Dijk', full_name: '' },
      company_name: 'Ann BV',
      address: { street: 'Kerkstraat', number: '12', suffix: 'A', zipcode: '1012 AB', city: 'Amsterdam', state: '', country: 'nl' },
      phone: { country_code: '+31', area_code: '20', subscriber_number: '1234567' },
      email: 'ann@example.net',
      email_verification_status: 'ACT',
      additional_data: { passport_number: 'NX998877' },
    } as never);
    expect(contact).toMatchObject({
      provider: 'OPENPROVIDER',
      customer: null,
      name: 'Ann van Dijk',
      organization: 'Ann BV',
      addressLines: ['Kerkstraat 12 A'],
      country: 'NL',
      voice: '+31.201234567',
      state: null,
      emailVerificationStatus: 'ACT',
    });
    expect(JSON.stringify(contact)).not.toContain('NX998877');
    expect(toVoice({ country_code: '', area_code: '', subscriber_number: '' })).toBeNull();
  });
});
