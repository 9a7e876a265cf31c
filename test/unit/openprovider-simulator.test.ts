import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallTimeToUtc } from '../../src/domain/zoned-time.js';
import { OPENPROVIDER_COMBINATIONS, seedOpenprovider } from '../../src/sandbox/openprovider-seed.js';
import { OpenproviderSimulator } from '../../src/sandbox/openprovider.js';
import { openproviderCaller } from '../helpers/openprovider-simulator-call.js';

interface WireRow {
  domain: string;
  email: string;
  handle: string;
  status: string;
  description: string;
  is_suspended: boolean;
  expiration_date: string;
}

let sim: OpenproviderSimulator;
let token = '';

const call = openproviderCaller({ baseUrl: () => sim.endpoint().baseUrl, token: () => token });

async function list(query: Record<string, string>): Promise<{ total: number; results: WireRow[] }> {
  const { body } = await call(`/v1beta/customers/verifications/emails/domains?${new URLSearchParams(query)}`);
  expect(body.code).toBe(0);
  return body.data;
}

beforeAll(async () => {
  sim = new OpenproviderSimulator({ gatewayUrl: () => null, seed: 1 });
  await sim.start();
  const login = await call('/v1beta/auth/login', { method: 'POST', body: JSON.stringify({ ...sim.endpoint(), ip: '0.0.0.0' }) });
  token = login.body.data.token;
});

afterAll(async () => {
  await sim.stop();
});

describe('Openprovider simulator seed', () => {
  it('is the same for the same seed and start time', () => {
    const a = seedOpenprovider(7, Date.UTC(2026, 0, 1));
    const b = seedOpenprovider(7, Date.UTC(2026, 0, 1));
    expect(a.rows).toEqual(b.rows);
    expect(seedOpenprovider(8, Date.UTC(2026, 0, 1)).rows).not.toEqual(a.rows);
  });

  it('holds at least 2,000 rows with handles OP000001-NL upward and addresses used by several domains', () => {
    expect(sim.rows.length).toBeGreaterThanOrEqual(2000);
    expect(sim.rows[0]!.handle).toBe('OP000001-NL');
    expect(sim.rows.every((row) => /^OP\d{6}-NL$/.test(row.handle))).toBe(true);
    const perEmail = new Map<string, number>();
    for (const row of sim.rows) perEmail.set(row.email, (perEmail.get(row.email) ?? 0) + 1);
    expect([...perEmail.values()].filter((count) => count > 1).length).toBeGreaterThan(100);
  });

  it('covers every status, description and suspension combination', () => {
    for (const combination of OPENPROVIDER_COMBINATIONS) {
      expect(sim.rows.some((row) => row.status === combination.status && row.description === combination.description && row.is_suspended === combination.is_suspended)).toBe(true);
    }
  });
});

describe('Openprovider simulator API', () => {
  it('refuses a wrong password with code 196, under HTTP 500, 200 and 401 in turn, and counts every login', async () => {
    const before = sim.logins;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await call('/v1beta/auth/login', { method: 'POST', body: JSON.stringify({ username: 'sandbox', password: 'nope', ip: '0.0.0.0' }) });
      expect(response.body.code).toBe(196);
      statuses.push(response.status);
    }
    expect(statuses.sort()).toEqual([200, 401, 500]);
    expect(sim.logins).toBe(before + 3);
  });

  it('answers calls without a valid bearer token with HTTP 401 and code 196', async () => {
    const response = await call('/v1beta/customers/verifications/emails/domains', { headers: { authorization: 'Bearer forged' } });
    expect(response).toMatchObject({ status: 401, body: { code: 196 } });
  });

  it('writes Amsterdam wall time for in-progress rows and the zero date for the rest', async () => {
    const pending = await list({ status: 'in progress', limit: '1000' });
    expect(pending.total).toBeGreaterThan(0);
    for (const row of pending.results) {
      expect(row.expiration_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const expiresAt = sim.rows.find((candidate) => candidate.email === row.email && candidate.domain === row.domain)!.expiresAt!;
      expect(wallTimeToUtc(row.expiration_date as string, 'Europe/Amsterdam')).toBe(new Date(expiresAt).toISOString());
    }
    const verified = await list({ status: 'verified', limit: '5' });
    expect(verified.results.every((row) => row.expiration_date === '0000-00-00 00:00:00')).toBe(true);
  });

  it('filters by status with spaces, description and is_suspended, and reports the total before paging', async () => {
    const failed = await list({ status: 'failed', description: 'bounced', is_suspended: 'true', limit: '10' });
    const expected = sim.rows.filter((row) => row.status === 'failed' && row.description === 'bounced' && row.is_suspended);
    expect(failed.total).toBe(expected.length);
    expect(failed.results).toHaveLength(Math.min(10, expected.length));
    expect(failed.results.every((row) => row.status === 'failed' && row.description === 'bounced' && row.is_suspended)).toBe(true);
  });

  it('filters by email, handle and domain (case-insensitively) and gives one row per domain', async () => {
    const row = sim.rows.find((candidate) => sim.rowsOf(candidate.email).length > 2)!;
    expect((await list({ email: row.email.toUpperCase() })).total).toBe(sim.rowsOf(row.email).length);
    expect((await list({ handle: row.handle })).total).toBe(sim.rowsOf(row.email).length);
    expect((await list({ domain: row.domain })).results).toEqual([expect.objectContaining({ domain: row.domain, email: row.email })]);
  });

  it('pages with limit (default 100, at most 1000) and offset', async () => {
    expect((await list({})).results).toHaveLength(100);
    expect((await list({ limit: '5000' })).results).toHaveLength(1000);
    const all = await list({ limit: '1000', offset: String(sim.rows.length - 3) });
    expect(all.results).toHaveLength(3);
    expect(all.total).toBe(sim.rows.length);
  });

  it('serves the contact behind a handle and 404 for an unknown one', async () => {
    const found = await call('/v1beta/customers/OP000002-NL');
    expect(found.body).toMatchObject({ code: 0, data: { handle: 'OP000002-NL', email: sim.rows.find((row) => row.handle === 'OP000002-NL')!.email } });
    const missing = await call('/v1beta/customers/XX000000-NL');
    expect(missing.status).toBe(404);
  });

  it('blacklists the caller after more than 300 identical calls in 300 s (code 10005) until lifted by hand', async () => {
    const path = '/v1beta/customers/OP000003-NL';
    for (let i = 0; i < 300; i++) expect((await call(path)).body.code).toBe(0);
    expect((await call(path)).body.code).toBe(10005);
    expect((await call('/v1beta/customers/OP000004-NL')).body.code).toBe(10005);
    sim.liftBlacklist();
    expect((await call('/v1beta/customers/OP000004-NL')).body.code).toBe(0);
  });
});
