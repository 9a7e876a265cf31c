import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { openproviderHandle } from '../../src/sandbox/openprovider-seed.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * Openprovider contacts for a page of handles (issue 17): the customer list where it takes fewer calls than one
 * GetCustomer per handle, GetCustomer where it does not, counted at the simulator.
 */
const CONTACTS = 'query C($h: [String!]!) { contacts(provider: OPENPROVIDER, handles: $h) { handle name email } }';
const QUIET = { EMAIL_WATCH_INTERVAL_MS: '3600000' };

/** Customer-list calls and GetCustomer calls the simulator has served. */
function calls(sandbox: Sandbox): { list: number; get: number } {
  const paths = sandbox.openprovider.server.requests.map((request) => request.path);
  return {
    list: paths.filter((path) => path === '/v1beta/customers').length,
    get: paths.filter((path) => /^\/v1beta\/customers\/(?!verifications\/)[^/]+$/.test(path)).length,
  };
}

/** What `read` cost at the simulator. */
async function counted<T>(sandbox: Sandbox, read: () => Promise<T>): Promise<{ result: T; list: number; get: number }> {
  const before = calls(sandbox);
  const result = await read();
  const after = calls(sandbox);
  return { result, list: after.list - before.list, get: after.get - before.get };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => openproviderHandle(from + index));

describe('a reseller whose customers fit one list page (the sandbox: 900)', () => {
  let gateway: TestGateway;
  const sandbox = () => gateway.sandbox!;
  beforeAll(async () => {
    gateway = await startTestGateway({ env: QUIET });
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('reads a page of 40 contacts with one customer-list call cold and none warm', async () => {
    const handles = range(101, 40);
    const cold = await counted(sandbox(), () => gateway.graphql(CONTACTS, { h: handles }));
    expect(cold.result.errors).toBeUndefined();
    expect(cold.result.data.contacts.map((contact: { handle: string }) => contact.handle)).toEqual(handles);
    expect(cold.result.data.contacts[0]).toMatchObject({ name: expect.any(String), email: sandbox().openprovider.customers.get(handles[0]!)!.email });
    expect({ list: cold.list, get: cold.get }).toEqual({ list: 1, get: 0 });
    const warm = await counted(sandbox(), () => gateway.graphql(CONTACTS, { h: handles }));
    expect(warm.result.data).toEqual(cold.result.data);
    expect({ list: warm.list, get: warm.get }).toEqual({ list: 0, get: 0 });
  });

  it('caches every customer the list returned: a later read of one it was not asked for costs nothing', async () => {
    const later = await counted(sandbox(), () => gateway.graphql('{ contact(provider: OPENPROVIDER, handle: "OP000777-NL") { handle name } }'));
    expect(later.result.data.contact).toMatchObject({ handle: 'OP000777-NL', name: expect.any(String) });
    expect({ list: later.list, get: later.get }).toEqual({ list: 0, get: 0 });
  });

  it('asks GetCustomer for a single contact, not the list', async () => {
    const fresh = await startTestGateway({ env: QUIET, gateway: { sandbox: { existing: sandbox() } } });
    try {
      const one = await counted(sandbox(), () => fresh.graphql('{ contact(provider: OPENPROVIDER, handle: "OP000321-NL") { handle } }'));
      expect(one.result.data.contact).toEqual({ handle: 'OP000321-NL' });
      expect({ list: one.list, get: one.get }).toEqual({ list: 0, get: 1 });
    } finally {
      await fresh.stop();
    }
  });

  it('answers a handle the list does not hold with null, not an error, at no extra call', async () => {
    const handles = ['OP000201-NL', 'OP999998-NL', 'OP000202-NL', 'NOSUCH-NL'];
    const fresh = await startTestGateway({ env: QUIET, gateway: { sandbox: { existing: sandbox() } } });
    try {
      const reply = await counted(sandbox(), () => fresh.graphql(CONTACTS, { h: handles }));
      expect(reply.result.errors).toBeUndefined();
      expect(reply.result.data.contacts.map((contact: { handle: string } | null) => contact?.handle ?? null)).toEqual(['OP000201-NL', null, 'OP000202-NL', null]);
      expect({ list: reply.list, get: reply.get }).toEqual({ list: 1, get: 0 });
    } finally {
      await fresh.stop();
    }
  });

  it('shares one customer-list call between identical dashboards asked at the same moment', async () => {
    const fresh = await startTestGateway({ env: QUIET, gateway: { sandbox: { existing: sandbox() } } });
    try {
      const handles = range(501, 30);
      const both = await counted(sandbox(), () => Promise.all([fresh.graphql(CONTACTS, { h: handles }), fresh.graphql(CONTACTS, { h: handles })]));
      expect(both.result[0].data).toEqual(both.result[1].data);
      expect(both.result[0].data.contacts.every((contact: unknown) => contact !== null)).toBe(true);
      expect({ list: both.list, get: both.get }).toEqual({ list: 1, get: 0 });
    } finally {
      await fresh.stop();
    }
  });
});

describe('a reseller with 2,500 customers (three list pages)', () => {
  let sandbox: Sandbox;
  const started: TestGateway[] = [];
  const gatewayWith = async (env: Record<string, string> = {}) => {
    const gateway = await startTestGateway({ env: { ...QUIET, ...env }, gateway: { sandbox: { existing: sandbox } } });
    started.push(gateway);
    return gateway;
  };
  beforeAll(async () => {
    sandbox = await startSandbox({ openprovider: { handles: 2500 } });
  });
  afterAll(async () => {
    await Promise.all(started.map((gateway) => gateway.stop()));
    await sandbox?.stop();
  });

  it('reads the whole list for 10 handles spread over it: 3 calls instead of 10', async () => {
    const gateway = await gatewayWith();
    const handles = [1, 400, 999, 1000, 1001, 1500, 2000, 2001, 2499, 2500].map(openproviderHandle);
    const reply = await counted(sandbox, () => gateway.graphql(CONTACTS, { h: handles }));
    expect(reply.result.errors).toBeUndefined();
    expect(reply.result.data.contacts.map((contact: { handle: string }) => contact.handle)).toEqual(handles);
    expect({ list: reply.list, get: reply.get }).toEqual({ list: 3, get: 0 });
  });

  it('asks one by one for the handles the list lacked when the list changed while it was read', async () => {
    const gateway = await gatewayWith();
    // The first page is read, and cached (15 s), for two of its handles.
    const first = await counted(sandbox, () => gateway.graphql(CONTACTS, { h: ['OP000001-NL', 'OP000002-NL'] }));
    expect({ list: first.list, get: first.get }).toEqual({ list: 1, get: 0 });
    // A deletion moves every later customer up one place: OP001001-NL leaves page two for page one, whose cached copy
    // predates the move. Pages two and three now report 2,499 customers where the cached page one said 2,500.
    sandbox.openprovider.deleteCustomer('OP000005-NL');
    const handles = ['OP001001-NL', 'OP002200-NL', 'OP002300-NL', 'OP002400-NL', 'OP009999-NL'];
    const second = await counted(sandbox, () => gateway.graphql(CONTACTS, { h: handles }));
    expect(second.result.errors).toBeUndefined();
    expect(second.result.data.contacts.map((contact: { handle: string } | null) => contact?.handle ?? null)).toEqual([...handles.slice(0, 4), null]);
    // Pages two and three, then GetCustomer for the two handles no page held: the moved one, and one that never existed.
    expect({ list: second.list, get: second.get }).toEqual({ list: 2, get: 2 });
  });

  it('keeps within UPSTREAM_CALLS_PER_REQUEST: refused before the calls that would not fit, answered when they fit', async () => {
    const handles = [10, 1010, 2010, 20, 1020, 2020].map(openproviderHandle);
    const tight = await gatewayWith({ UPSTREAM_CALLS_PER_REQUEST: '2' });
    const refused = await counted(sandbox, () => tight.graphql(CONTACTS, { h: handles }));
    expect(new Set(refused.result.errors?.map((error) => error.extensions?.code))).toEqual(new Set(['QUERY_TOO_COSTLY']));
    expect(refused.result.errors![0]!.message).toMatch(/more than 2 calls to Openprovider/);
    // The first page (1 call) fitted; the other two pages did not, and neither did 4 lookups: none of them went out.
    expect({ list: refused.list, get: refused.get }).toEqual({ list: 1, get: 0 });

    const enough = await gatewayWith({ UPSTREAM_CALLS_PER_REQUEST: '3' });
    const answered = await counted(sandbox, () => enough.graphql(CONTACTS, { h: handles }));
    expect(answered.result.errors).toBeUndefined();
    expect(answered.result.data.contacts.every((contact: unknown) => contact !== null)).toBe(true);
    expect(answered.list + answered.get).toBeLessThanOrEqual(3);
  });
});

describe('a reseller with 100,000 customers', () => {
  let sandbox: Sandbox;
  let gateway: TestGateway;
  beforeAll(async () => {
    sandbox = await startSandbox({ openprovider: { handles: 100_000 } });
    gateway = await startTestGateway({ env: QUIET, gateway: { sandbox: { existing: sandbox } } });
  });
  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.stop();
  });

  it('is never paged through for 3 handles: the first page tells the total, then 3 GetCustomer calls', async () => {
    const handles = [20_000, 50_000, 99_999].map(openproviderHandle);
    const reply = await counted(sandbox, () => gateway.graphql(CONTACTS, { h: handles }));
    expect(reply.result.data.contacts.map((contact: { handle: string }) => contact.handle)).toEqual(handles);
    expect({ list: reply.list, get: reply.get }).toEqual({ list: 1, get: 3 });
  });

  it('once the total is known, asks 3 more handles with 3 GetCustomer calls and no list call', async () => {
    const handles = [30_000, 60_000, 90_000].map(openproviderHandle);
    const reply = await counted(sandbox, () => gateway.graphql(CONTACTS, { h: handles }));
    expect(reply.result.data.contacts.map((contact: { handle: string }) => contact.handle)).toEqual(handles);
    expect({ list: reply.list, get: reply.get }).toEqual({ list: 0, get: 3 });
  });

  it('reads the email verifications of 3 contacts by handle rather than the whole list; once its size is known, without probing it', async () => {
    // Unfiltered by status: the email-status watcher reads the pending rows on its own schedule.
    const rowCalls = () => sandbox.openprovider.server.requests.filter((request) => request.path === '/v1beta/customers/verifications/emails/domains' && !request.query.status);
    const query = 'query C($h: [String!]!) { contacts(provider: OPENPROVIDER, handles: $h) { handle emailVerifications { handle } } }';
    const ask = async (handles: string[]) => {
      const before = rowCalls().length;
      const reply = await gateway.graphql(query, { h: handles });
      expect(reply.errors).toBeUndefined();
      for (const contact of reply.data.contacts) expect(contact.emailVerifications.length).toBe(sandbox.openprovider.rows.filter((row) => row.handle === contact.handle).length);
      return rowCalls().slice(before).map((request) => request.query.handle ?? 'whole list');
    };
    expect((await ask([20_001, 50_001, 99_001].map(openproviderHandle))).sort()).toEqual(['OP020001-NL', 'OP050001-NL', 'OP099001-NL', 'whole list']);
    expect((await ask([30_001, 60_001, 90_001].map(openproviderHandle))).sort()).toEqual(['OP030001-NL', 'OP060001-NL', 'OP090001-NL']);
  });
});
