import { describe, expect, it } from 'vitest';
import { amsterdamWallTimeToUtc, utcToAmsterdamWallTime } from '../../src/providers/openprovider/amsterdam-time.js';
import {
  isCallsLimitResponse,
  openproviderFailure,
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

describe('amsterdamWallTimeToUtc', () => {
  it('reads winter wall time as UTC+1 and summer wall time as UTC+2', () => {
    expect(amsterdamWallTimeToUtc('2026-01-15 10:00:00')).toBe('2026-01-15T09:00:00.000Z');
    expect(amsterdamWallTimeToUtc('2026-07-15 10:00:00')).toBe('2026-07-15T08:00:00.000Z');
  });

  it('switches offset exactly at the spring-forward edge (last Sunday of March, 02:00 -> 03:00)', () => {
    expect(amsterdamWallTimeToUtc('2026-03-29 01:59:59')).toBe('2026-03-29T00:59:59.000Z');
    expect(amsterdamWallTimeToUtc('2026-03-29 03:00:00')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('moves a wall time inside the skipped spring hour forward by that hour', () => {
    // 02:30 never happens; read with the winter offset it is 01:30Z, which is 03:30 summer time.
    expect(amsterdamWallTimeToUtc('2026-03-29 02:30:00')).toBe('2026-03-29T01:30:00.000Z');
    expect(utcToAmsterdamWallTime('2026-03-29T01:30:00Z')).toBe('2026-03-29 03:30:00');
  });

  it('takes the earlier (summer-time) instant for a wall time repeated at the autumn edge', () => {
    expect(amsterdamWallTimeToUtc('2026-10-25 01:59:59')).toBe('2026-10-24T23:59:59.000Z');
    expect(amsterdamWallTimeToUtc('2026-10-25 02:30:00')).toBe('2026-10-25T00:30:00.000Z');
    expect(amsterdamWallTimeToUtc('2026-10-25 03:00:00')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('round-trips every hour across both 2026 transitions outside the ambiguous hour', () => {
    for (const start of [Date.UTC(2026, 2, 28, 12), Date.UTC(2026, 9, 24, 12)]) {
      for (let hour = 0; hour < 36; hour++) {
        const instant = new Date(start + hour * 3_600_000);
        const wall = utcToAmsterdamWallTime(instant);
        if (wall.startsWith('2026-10-25 02:')) continue; // the repeated hour maps back to its first occurrence
        expect(amsterdamWallTimeToUtc(wall)).toBe(instant.toISOString());
      }
    }
  });

  it('gives null for the zero date, empty values and text that is not a calendar time', () => {
    expect(amsterdamWallTimeToUtc('0000-00-00 00:00:00')).toBeNull();
    expect(amsterdamWallTimeToUtc('')).toBeNull();
    expect(amsterdamWallTimeToUtc(null)).toBeNull();
    expect(amsterdamWallTimeToUtc('2026-02-30 10:00:00')).toBeNull();
    expect(amsterdamWallTimeToUtc('2026-01-01 24:00:00')).toBeNull();
    expect(amsterdamWallTimeToUtc('tomorrow')).toBeNull();
  });
});

describe('Openprovider envelope and code mapping', () => {
  it('reads the {code, desc, data} envelope and rejects bodies that are not one', () => {
    expect(readEnvelope(response(200, { code: 0, desc: '', data: { total: 0, results: [] } }))?.code).toBe(0);
    expect(readEnvelope(response(502, '<html>Bad gateway</html>'))).toBeNull();
    expect(readEnvelope(response(500, ''))).toBeNull();
    expect(readEnvelope(response(200, '{"code":0,"desc"'))).toBeNull();
    expect(readEnvelope(response(200, { desc: 'no code' }))).toBeNull();
  });

  it('maps code 50 under HTTP 500 to a retryable RATE_LIMITED failure and lets the HTTP layer retry it', () => {
    const answer = response(500, { code: 50, desc: 'Calls limit has been reached', data: '' }, { 'retry-after': '7' });
    const failure = openproviderFailure(answer, readEnvelope(answer), 'the list');
    expect(failure).toMatchObject({ kind: 'RATE_LIMITED', retryable: true, code: '50', httpStatus: 500, retryAfterSeconds: 7 });
    expect(isCallsLimitResponse(answer)).toBe(true);
  });

  it('maps the blacklist (code 10005) to RATE_LIMITED but never asks the HTTP layer to repeat the call', () => {
    const answer = response(500, { code: 10005, desc: 'blacklisted', data: '' });
    expect(openproviderFailure(answer, readEnvelope(answer), 'the list')).toMatchObject({ kind: 'RATE_LIMITED', code: '10005', retryable: true });
    expect(isCallsLimitResponse(answer)).toBe(false);
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
    });
    expect(JSON.stringify(contact)).not.toContain('NX998877');
    expect(toVoice({ country_code: '', area_code: '', subscriber_number: '' })).toBeNull();
  });
});
