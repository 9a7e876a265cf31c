import { afterEach, describe, expect, it } from 'vitest';
import { NotFound, ProviderFailure } from '../../src/domain/errors.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { ProviderHttp } from '../../src/providers/http.js';
import { OpenproviderClient } from '../../src/providers/openprovider/client.js';
import { OpenproviderSimulator } from '../../src/sandbox/openprovider.js';
import { SimulatorServer, type SimHandler } from '../../src/sandbox/simulator-server.js';
import { createStores, type Stores } from '../../src/store/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function clientFor(baseUrl: string, credentials: { username: string; password: string }): { client: OpenproviderClient; stores: Stores } {
  const metrics = createMetrics();
  const logger = silentLogger();
  const stores = createStores({ redisUrls: [], metrics, logger });
  const http = new ProviderHttp({ provider: 'OPENPROVIDER', baseUrl, metrics, backoffBaseMs: 1, deadlineMs: 5_000 });
  cleanups.push(async () => {
    await http.close();
    await stores.close();
  });
  return { client: new OpenproviderClient({ baseUrl, timeZone: 'Europe/Amsterdam', ...credentials }, { http, stores, logger }), stores };
}

async function simulator(): Promise<{ sim: OpenproviderSimulator; client: OpenproviderClient }> {
  const sim = new OpenproviderSimulator({ gatewayUrl: () => null, seed: 1 });
  await sim.start();
  cleanups.push(() => sim.stop());
  return { sim, client: clientFor(sim.endpoint().baseUrl, sim.endpoint()).client };
}

/** A scripted upstream: logins always succeed; `list` decides the list answers. */
async function scripted(list: SimHandler): Promise<{ server: SimulatorServer; client: OpenproviderClient }> {
  let tokens = 0;
  const server = new SimulatorServer('OPENPROVIDER', (request) => {
    if (request.path === '/v1beta/auth/login') return { status: 200, body: { code: 0, desc: '', data: { token: `t${++tokens}`, reseller_id: 1 } } };
    return list(request);
  });
  await server.start();
  cleanups.push(() => server.stop());
  return { server, client: clientFor(server.url, { username: 'u', password: 'p' }).client };
}

const LOGIN = '/v1beta/auth/login';
const LIST = '/v1beta/customers/verifications/emails/domains';

describe('OpenproviderClient', () => {
  it('logs in once for 20 concurrent list calls', async () => {
    const { sim, client } = await simulator();
    const pages = await Promise.all(Array.from({ length: 20 }, (_, i) => client.listEmailVerifications({ limit: 5, offset: i })));
    expect(sim.logins).toBe(1);
    expect(pages.every((page) => page.rows.length === 5)).toBe(true);
  });

  it('logs in once more when the token is refused with HTTP 401, and the call succeeds', async () => {
    const { sim, client } = await simulator();
    await client.listEmailVerifications({ limit: 1 });
    sim.revokeTokens();
    const page = await client.listEmailVerifications({ limit: 1 });
    expect(page.rows).toHaveLength(1);
    expect(sim.logins).toBe(2);
  });

  it('re-logs in once on code 196 under HTTP 500 and then gives up with AUTH instead of looping', async () => {
    const { server, client } = await scripted(() => ({ status: 500, body: { code: 196, desc: 'Authentication/Authorization Failed', data: '' } }));
    const failure = await client.listEmailVerifications({ limit: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderFailure);
    expect(failure).toMatchObject({ kind: 'AUTH', retryable: false });
    expect(server.count(LOGIN)).toBe(2);
    expect(server.count(LIST)).toBe(2);
  });

  it('makes one login attempt for a burst of 50 queries with wrong credentials and says the credentials were refused', async () => {
    const { sim } = await simulator();
    const { client } = clientFor(sim.endpoint().baseUrl, { username: 'sandbox', password: 'wrong' });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => client.listEmailVerifications({ limit: 1 })));
    const again = await Promise.allSettled(Array.from({ length: 50 }, () => client.listEmailVerifications({ limit: 1 })));
    expect(sim.logins).toBe(1);
    expect(sim.server.count(LIST)).toBe(0);
    for (const result of [...results, ...again]) {
      const error = (result as PromiseRejectedResult).reason as ProviderFailure;
      expect(error).toMatchObject({ kind: 'AUTH', retryable: false, code: '196' });
      expect(error.message).toMatch(/refused the gateway's credentials/);
    }
  });

  it('never repeats a call answered with the calls limit (code 50) and sends nothing more within the blocked minute', async () => {
    const { server, client } = await scripted(() => ({ status: 500, body: { code: 50, desc: 'Calls limit has been reached', data: '' } }));
    await expect(client.listEmailVerifications({ limit: 1 })).rejects.toMatchObject({ kind: 'RATE_LIMITED', retryable: true, code: '50', retryAfterSeconds: 60 });
    await expect(client.getCustomer('OP000001-NL')).rejects.toMatchObject({ kind: 'RATE_LIMITED', code: '50' });
    expect(server.count(LIST)).toBe(1);
    expect(server.count('/v1beta/customers/OP')).toBe(0);
  });

  it('restarts a failed verification: the address goes in progress with a new expiration about 15 days out', async () => {
    const { sim, client } = await simulator();
    const failed = sim.rows.find((row) => row.status === 'failed')!;
    await client.restartEmailVerification({ email: failed.email, language: 'en' });
    const page = await client.listEmailVerifications({ email: failed.email, limit: 1000 });
    expect(page.rows.length).toBeGreaterThan(0);
    for (const row of page.rows) {
      expect(row).toMatchObject({ status: 'PENDING', failureReason: null, providerStatus: 'in progress' });
      const days = (Date.parse(row.expiresAt!) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(14.9);
      expect(days).toBeLessThan(15.1);
    }
    expect(sim.sentEmails.at(-1)).toMatchObject({ email: failed.email, kind: 'restart', language: 'en' });
  });

  it('starts a verification and reads the id from the 20001 answer', async () => {
    const { sim, client } = await simulator();
    const row = sim.rows.find((candidate) => candidate.status === 'not verified')!;
    expect(typeof (await client.startEmailVerification({ email: row.email, handle: row.handle }))).toBe('number');
    expect(sim.rowsOf(row.email).every((candidate) => candidate.status === 'in progress')).toBe(true);
  });

  it('sends the handle with a restart when it is known, and leaves it out when it is not', async () => {
    const { sim, client } = await simulator();
    const failed = sim.rows.find((row) => row.status === 'failed')!;
    await client.restartEmailVerification({ email: failed.email, handle: failed.handle, language: 'en' });
    await client.restartEmailVerification({ email: failed.email });
    const restarts = sim.server.requests.filter((request) => request.path.endsWith('/restart')).map((request) => JSON.parse(request.body));
    expect(restarts).toEqual([
      { email: failed.email, handle: failed.handle, language: 'en', tag: '' },
      { email: failed.email, language: '', tag: '' },
    ]);
  });

  it('throws NotFound when restarting an address Openprovider does not know', async () => {
    const { client } = await simulator();
    await expect(client.restartEmailVerification({ email: 'nobody@example.invalid' })).rejects.toBeInstanceOf(NotFound);
  });

  it('reads a customer by handle, with its email verification status, and gives null for a handle that does not exist', async () => {
    const { sim, client } = await simulator();
    expect(await client.getCustomer('OP000001-NL')).toMatchObject({ provider: 'OPENPROVIDER', handle: 'OP000001-NL', customer: null });
    const verified = sim.rows.find((row) => row.status === 'verified')!;
    expect(await client.getCustomer(verified.handle)).toMatchObject({ emailVerificationStatus: 'ACT' });
    expect(await client.getCustomer('ZZ999999-NL')).toBeNull();
  });

  it('asks for customers without their additional data (passport scans, birth data), which it never reads', async () => {
    const { sim, client } = await simulator();
    await client.getCustomer('OP000001-NL');
    await client.listCustomers({ limit: 10 });
    const reads = sim.server.requests.filter((request) => request.path.startsWith('/v1beta/customers'));
    expect(reads.map((request) => request.query.with_additional_data)).toEqual(['false', 'false']);
  });

  it('reads a page of the customer list as contacts, with the total, asking at most 1000 a page', async () => {
    const { sim, client } = await simulator();
    const page = await client.listCustomers({ limit: 5000, offset: 890 });
    expect(page).toMatchObject({ total: 900, rows: 10 });
    expect(page.contacts.map((contact) => contact.handle)).toEqual(Array.from({ length: 10 }, (_, index) => `OP000${891 + index}-NL`));
    expect(page.contacts[0]).toEqual(await client.getCustomer('OP000891-NL'));
    const call = sim.server.requests.find((request) => request.path === '/v1beta/customers')!;
    expect(call.query).toEqual({ limit: '1000', offset: '890', with_additional_data: 'false' });
  });

  it('leaves deleted customers out of a list page but counts their rows, and fails a page without a total', async () => {
    const deleted = { handle: 'DE000001-NL', is_deleted: true, name: { full_name: 'Gone' } };
    const live = { handle: 'LI000002-NL', is_deleted: false, name: { full_name: 'Here' }, email: 'here@example.net' };
    let answer: object = { code: 0, desc: '', data: { total: 2, results: [deleted, live] } };
    const { client } = await scripted(() => ({ status: 200, body: answer }));
    const page = await client.listCustomers({ limit: 1000, offset: 0 });
    expect(page.rows).toBe(2);
    expect(page.contacts.map((contact) => contact.handle)).toEqual(['LI000002-NL']);
    answer = { code: 0, desc: '', data: { results: [live] } };
    await expect(client.listCustomers({ limit: 1000, offset: 0 })).rejects.toBeInstanceOf(ProviderFailure);
  });

  it('fails an email verification page that sends rows without their total, rather than reading it as the whole list', async () => {
    // 1000 rows (a full page) with no total: read as "1000 in all", every row past this page would silently vanish
    // from lists and handle lookups. Left out, a total is zero (wire.ts), which rows contradict.
    const rows = Array.from({ length: 1000 }, (_, index) => ({ domain: `d${index}.example`, email: `a${index}@example.net`, handle: `AA${String(index).padStart(6, '0')}-NL`, status: 'verified' }));
    let answer: object = { code: 0, desc: '', data: { results: rows } };
    const { client } = await scripted(() => ({ status: 200, body: answer }));
    await expect(client.listEmailVerifications({ limit: 1000, offset: 0 })).rejects.toBeInstanceOf(ProviderFailure);
    answer = { code: 0, desc: '', data: { total: 1500, results: rows } };
    expect(await client.listEmailVerifications({ limit: 1000, offset: 0 })).toMatchObject({ total: 1500 });
    answer = { code: 0, desc: '', data: {} };
    expect(await client.listEmailVerifications({ limit: 1000, offset: 0 })).toEqual({ total: 0, rows: [] });
  });

  it('reads a page past the end of a list that shrank as empty (proto3 leaves its results out), and still fails a first page that counts rows it does not send', async () => {
    // The customer reads page by the first page's total and fall back to GetCustomer when the pages disagree; a list
    // that lost customers meanwhile answers a later page with its new total and no rows.
    const { client } = await scripted(() => ({ status: 200, body: { code: 0, desc: '', data: { total: 900 } } }));
    expect(await client.listCustomers({ limit: 1000, offset: 1000 })).toEqual({ total: 900, rows: 0, contacts: [] });
    expect(await client.listEmailVerifications({ limit: 1000, offset: 1000 })).toEqual({ total: 900, rows: [] });
    await expect(client.listCustomers({ limit: 1000, offset: 0 })).rejects.toBeInstanceOf(ProviderFailure);
    await expect(client.listEmailVerifications({ limit: 1000, offset: 0 })).rejects.toBeInstanceOf(ProviderFailure);
    await expect(client.listCustomers({ limit: 1000, offset: 899 })).rejects.toBeInstanceOf(ProviderFailure);
  });

  it('sends the documented login body and a bearer token on every call', async () => {
    const { sim, client } = await simulator();
    await client.listEmailVerifications({ status: 'in progress', is_suspended: false, limit: 2 });
    const [login, list] = sim.server.requests;
    expect(JSON.parse(login!.body)).toEqual({ username: 'sandbox', password: 'sandbox-op-password', ip: '0.0.0.0' });
    expect(list!.headers.authorization).toMatch(/^Bearer [0-9a-f]{32}$/);
    expect(list!.query).toEqual({ status: 'in progress', is_suspended: 'false', limit: '2' });
  });
});
