import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { ProviderHttp } from '../../src/providers/http.js';
import { OpenproviderClient } from '../../src/providers/openprovider/client.js';
import { SimulatorServer, type SimRequest } from '../../src/sandbox/simulator-server.js';
import { OpenproviderCustomerReads } from '../../src/services/openprovider-customer-reads.js';
import { createStores } from '../../src/store/index.js';

/**
 * The customer-list plan against an Openprovider that behaves otherwise than the sandbox assumes: a lower page cap,
 * an unstable order. Scripted over HTTP, so only the wire differs.
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const handleOf = (index: number) => `CU${String(index).padStart(6, '0')}-NL`;
const customer = (index: number) => ({ handle: handleOf(index), name: { full_name: `Customer ${index}` }, email: `c${index}@example.net`, is_deleted: false });

/** An upstream of `customers` customers; `page(offset, limit)` picks the indexes a list page returns. */
async function upstream(customers: number, page: (offset: number, limit: number) => number[]) {
  const requests: SimRequest[] = [];
  const server = new SimulatorServer('OPENPROVIDER', (request) => {
    if (request.path === '/v1beta/auth/login') return { status: 200, body: { code: 0, desc: '', data: { token: 't', reseller_id: 1 } } };
    requests.push(request);
    if (request.path === '/v1beta/customers') {
      const indexes = page(Number(request.query.get('offset') ?? 0), Number(request.query.get('limit') ?? 100));
      return { status: 200, body: { code: 0, desc: '', data: { total: customers, results: indexes.map(customer) } } };
    }
    const index = Number(/CU(\d{6})-NL$/.exec(request.path)?.[1] ?? 0);
    if (index >= 1 && index <= customers) return { status: 200, body: { code: 0, desc: '', data: customer(index) } };
    return { status: 404, body: { code: 320, desc: 'Customer not found', data: '' } };
  });
  await server.start();
  const metrics = createMetrics();
  const logger = silentLogger();
  const stores = createStores({ redisUrls: [], metrics, logger });
  const http = new ProviderHttp({ provider: 'OPENPROVIDER', baseUrl: server.url, metrics, backoffBaseMs: 1, deadlineMs: 5_000 });
  cleanups.push(async () => {
    await http.close();
    await stores.close();
    await server.stop();
  });
  const client = new OpenproviderClient({ baseUrl: server.url, timeZone: 'Europe/Amsterdam', username: 'u', password: 'p' }, { http, stores, logger });
  const reads = new OpenproviderCustomerReads(client, stores.cache);
  const scope = { requestId: 'test', logger };
  const count = (kind: 'list' | 'get') => requests.filter((request) => (request.path === '/v1beta/customers') === (kind === 'list')).length;
  return { reads, scope, count };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe('OpenproviderCustomerReads against another Openprovider', () => {
  it('steps by the rows the first page held when Openprovider caps a page below 1000, so no customer is skipped', async () => {
    const { reads, scope, count } = await upstream(1200, (offset, limit) => range(offset + 1, Math.min(1200, offset + Math.min(limit, 500))));
    const wanted = [1, 500, 501, 1000, 1001, 1200].map(handleOf);
    const found = await reads.contacts([...wanted, 'CU999999-NL'], scope);
    expect([...found.keys()]).toEqual(wanted);
    // Three pages of 500, and the absent handle answered from them: no GetCustomer.
    expect({ list: count('list'), get: count('get') }).toEqual({ list: 3, get: 0 });
  });

  it('asks GetCustomer for the handles no page held when the pages repeat a customer (an unstable order)', async () => {
    // The second page starts one row early: customer 1000 twice, customer 2000 on no page, the counts still add up.
    const { reads, scope, count } = await upstream(2000, (offset) => (offset === 0 ? range(1, 1000) : range(1000, 1999)));
    const wanted = [5, 1500, 2000].map(handleOf);
    const found = await reads.contacts([...wanted, 'CU999999-NL'], scope);
    expect([...found.keys()].sort()).toEqual(wanted.sort());
    expect({ list: count('list'), get: count('get') }).toEqual({ list: 2, get: 2 });
  });
});
