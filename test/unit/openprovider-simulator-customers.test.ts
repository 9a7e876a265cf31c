import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wildcardMatch } from '../../src/sandbox/openprovider-customer-list.js';
import { OpenproviderSimulator } from '../../src/sandbox/openprovider.js';
import { openproviderCaller } from '../helpers/openprovider-simulator-call.js';

/** ListCustomers (`GET /v1beta/customers`) as Openprovider's Swagger describes it: paging, filters, total. */

let sim: OpenproviderSimulator;
let token = '';

const call = openproviderCaller({ baseUrl: () => sim.endpoint().baseUrl, token: () => token });

async function customers(query: Record<string, string>): Promise<{ total: number; results: any[] }> {
  const { status, body } = await call(`/v1beta/customers?${new URLSearchParams(query)}`);
  expect(status).toBe(200);
  expect(body.code).toBe(0);
  return body.data;
}

beforeAll(async () => {
  sim = new OpenproviderSimulator({ gatewayUrl: () => null, seed: 1, handles: 2500 });
  await sim.start();
  const login = await call('/v1beta/auth/login', { method: 'POST', body: JSON.stringify({ ...sim.endpoint(), ip: '0.0.0.0' }) });
  token = login.body.data.token;
});

afterAll(async () => {
  await sim.stop();
});

describe('Openprovider simulator: ListCustomers', () => {
  it('pages by limit and offset, 100 by default and at most 1000, with the total of the whole list', async () => {
    const first = await customers({});
    expect(first.total).toBe(2500);
    expect(first.results).toHaveLength(100);
    expect(first.results[0].handle).toBe('OP000001-NL');
    const capped = await customers({ limit: '5000' });
    expect(capped.results).toHaveLength(1000);
    const last = await customers({ limit: '1000', offset: '2000' });
    expect(last.total).toBe(2500);
    expect(last.results.map((customer) => customer.handle)).toEqual(Array.from({ length: 500 }, (_, index) => `OP${String(2001 + index).padStart(6, '0')}-NL`));
    expect((await customers({ limit: '10', offset: '3000' })).results).toEqual([]);
  });

  it("writes each customer with GetCustomer's fields and the list's own (deleted_at, comments, tags), no fax", async () => {
    const [listed] = (await customers({ limit: '1', offset: '41' })).results;
    const { body } = await call(`/v1beta/customers/${listed.handle}`);
    const { fax: _fax, ...single } = body.data;
    expect(listed).toEqual({ ...single, comments: '', comments_last_changed_at: '', deleted_at: '0000-00-00 00:00:00', tags: [] });
    expect(listed).not.toHaveProperty('fax');
  });

  it('filters by handle_pattern and email_pattern: * for any run of characters, else the whole value, any case', async () => {
    const prefix = await customers({ handle_pattern: 'op0001*', limit: '1000' });
    expect(prefix.total).toBe(100);
    expect(prefix.results.every((customer) => customer.handle.startsWith('OP0001'))).toBe(true);
    expect((await customers({ handle_pattern: 'OP000042-NL' })).results.map((customer) => customer.handle)).toEqual(['OP000042-NL']);
    expect((await customers({ handle_pattern: 'OP00004' })).total).toBe(0);
    const email = sim.customers.get('OP000077-NL')!.email;
    expect((await customers({ email_pattern: email.toUpperCase() })).results.map((customer) => customer.handle)).toEqual(['OP000077-NL']);
    const domain = email.slice(email.indexOf('@'));
    const sameDomain = await customers({ email_pattern: `*${domain}`, limit: '1000' });
    expect(sameDomain.total).toBe([...sim.customers.values()].filter((customer) => customer.email.endsWith(domain)).length);
  });

  it('filters by pattern (names, company, handle) and type, and orders by a field either way', async () => {
    const companies = await customers({ type: 'company', limit: '1000' });
    expect(companies.total).toBe([...sim.customers.values()].filter((customer) => customer.company_name !== '').length);
    expect(companies.results.every((customer) => customer.company_name !== '')).toBe(true);
    expect((await customers({ type: 'individual' })).total).toBe(2500 - companies.total);
    const last = sim.customers.get('OP000003-NL')!.name.last_name;
    const named = await customers({ pattern: last, limit: '1000' });
    expect(named.results.every((customer) => [customer.name.first_name, customer.name.last_name, customer.company_name, customer.handle].includes(last))).toBe(true);
    expect(named.results.map((customer) => customer.handle)).toContain('OP000003-NL');
    const descending = await customers({ order_by: 'handle', order: 'DESC', limit: '2' });
    expect(descending.results.map((customer) => customer.handle)).toEqual(['OP002500-NL', 'OP002499-NL']);
  });

  it('leaves a deleted customer out of the list and its total; GetCustomer answers it as deleted', async () => {
    const local = new OpenproviderSimulator({ gatewayUrl: () => null, seed: 1, handles: 20 });
    await local.start();
    try {
      const login = await fetch(`${local.endpoint().baseUrl}/v1beta/auth/login`, { method: 'POST', body: JSON.stringify(local.endpoint()) });
      const auth = { authorization: `Bearer ${((await login.json()) as any).data.token}` };
      local.deleteCustomer('OP000005-NL');
      const list = (await (await fetch(`${local.endpoint().baseUrl}/v1beta/customers?limit=100`, { headers: auth })).json()) as any;
      expect(list.data.total).toBe(19);
      expect(list.data.results.map((customer: any) => customer.handle)).not.toContain('OP000005-NL');
      const single = (await (await fetch(`${local.endpoint().baseUrl}/v1beta/customers/OP000005-NL`, { headers: auth })).json()) as any;
      expect(single.data.is_deleted).toBe(true);
    } finally {
      await local.stop();
    }
  });

  it('refuses a pattern over 256 characters, an unknown type, and a call without a token', async () => {
    expect((await call(`/v1beta/customers?handle_pattern=${'*'.repeat(257)}`)).status).toBe(400);
    expect((await call('/v1beta/customers?type=reseller')).body).toMatchObject({ code: 399 });
    const saved = token;
    token = '';
    try {
      expect((await call('/v1beta/customers')).status).toBe(401);
    } finally {
      token = saved;
    }
  });
});

describe('wildcardMatch', () => {
  it('matches * against any run, including none, and everything else literally', () => {
    expect(wildcardMatch('op*-nl', 'op000001-nl')).toBe(true);
    expect(wildcardMatch('*', '')).toBe(true);
    expect(wildcardMatch('a*b*c', 'axxbyyc')).toBe(true);
    expect(wildcardMatch('a*b*c', 'axxbyy')).toBe(false);
    expect(wildcardMatch('a.c', 'abc')).toBe(false);
    expect(wildcardMatch('', 'x')).toBe(false);
    expect(wildcardMatch(`${'*a'.repeat(100)}b`, 'a'.repeat(1000))).toBe(false);
  });
});
