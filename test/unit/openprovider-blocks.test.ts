import { afterEach, describe, expect, it } from 'vitest';
import { ProviderFailure } from '../../src/domain/errors.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { ProviderHttp } from '../../src/providers/http.js';
import { OpenproviderClient } from '../../src/providers/openprovider/client.js';
import { OpenproviderSimulator, type OpenproviderSimulatorOptions } from '../../src/sandbox/openprovider.js';
import { createStores, type Stores } from '../../src/store/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function storesForTest(): Stores {
  const stores = createStores({ redisUrls: [], metrics: createMetrics(), logger: silentLogger() });
  cleanups.push(() => stores.close());
  return stores;
}

/** A client of the simulator; clients given the same stores share token, refusals and blocks, like instances on one Redis. */
function clientOf(sim: OpenproviderSimulator, stores: Stores = storesForTest(), password = sim.endpoint().password): OpenproviderClient {
  const { baseUrl, username, timeZone } = sim.endpoint();
  const http = new ProviderHttp({ provider: 'OPENPROVIDER', baseUrl, metrics: createMetrics(), backoffBaseMs: 1, deadlineMs: 5_000 });
  cleanups.push(() => http.close());
  return new OpenproviderClient({ baseUrl, username, password, timeZone }, { http, stores, logger: silentLogger() });
}

async function simulator(options: Partial<OpenproviderSimulatorOptions> = {}): Promise<OpenproviderSimulator> {
  const sim = new OpenproviderSimulator({ gatewayUrl: () => null, seed: 1, handles: 40, ...options });
  await sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}

async function failureOf(call: Promise<unknown>): Promise<ProviderFailure> {
  const error = await call.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderFailure);
  return error as ProviderFailure;
}

describe('Openprovider IP and account blocks', () => {
  it('stops calling Openprovider once it answers 10005: later calls fail at once with the fix and reach nothing', async () => {
    const sim = await simulator();
    const client = clientOf(sim);
    await client.listEmailVerifications({ limit: 1 });
    sim.blockAccount(10005);
    const first = await failureOf(client.listEmailVerifications({ limit: 2 }));
    expect(first).toMatchObject({ kind: 'AUTH', code: '10005', retryable: false });
    expect(first.message).toMatch(/whitelist this IP/i);
    const seen = sim.server.count();

    const later = await Promise.all([
      failureOf(client.listEmailVerifications({ limit: 3 })),
      failureOf(client.getCustomer('OP000001-NL')),
      failureOf(client.restartEmailVerification({ email: sim.rows[0]!.email })),
    ]);
    for (const failure of later) expect(failure).toMatchObject({ code: '10005', retryable: false });
    expect(sim.server.count()).toBe(seen);
    expect(client.block.current?.message).toMatch(/code 10005/);
  });

  it('keeps another instance sharing the cache from calling too, without it ever being refused itself', async () => {
    const sim = await simulator();
    const stores = storesForTest();
    const a = clientOf(sim, stores);
    const b = clientOf(sim, stores);
    await a.listEmailVerifications({ limit: 1 });
    sim.blockAccount(10005);
    await failureOf(a.listEmailVerifications({ limit: 2 }));
    const seen = sim.server.count();
    expect(await failureOf(b.listEmailVerifications({ limit: 2 }))).toMatchObject({ code: '10005' });
    expect(sim.server.count()).toBe(seen);
  });

  it('reads the CTE block (10009) after an identical-call flood the same way, and stops adding to it', async () => {
    const sim = await simulator({ environment: 'cte', identicalCallLimit: 3 });
    const client = clientOf(sim);
    for (let i = 0; i < 3; i++) await client.getCustomer('OP000002-NL');
    const failure = await failureOf(client.getCustomer('OP000002-NL'));
    expect(failure).toMatchObject({ kind: 'AUTH', code: '10009', retryable: false });
    expect(failure.message).toMatch(/whitelist this IP/i);
    const seen = sim.server.count();
    await failureOf(client.getCustomer('OP000002-NL'));
    expect(sim.server.count()).toBe(seen);
  });

  it('reports an account blocked for a non-signed agreement (197) at login, once, and names the fix', async () => {
    const sim = await simulator();
    sim.blockAccount(197);
    const client = clientOf(sim);
    const failures = await Promise.all(Array.from({ length: 10 }, () => failureOf(client.listEmailVerifications({ limit: 1 }))));
    for (const failure of failures) {
      expect(failure).toMatchObject({ kind: 'AUTH', code: '197', retryable: false });
      expect(failure.message).toMatch(/sign the agreement/i);
    }
    expect(sim.server.count('/v1beta/auth/login')).toBe(1);
    expect(sim.server.count()).toBe(1);
  });

  it('never repeats a login that hit the login limit (code 50) and tries none for the blocked minute', async () => {
    const sim = await simulator();
    sim.limitCalls(1);
    const client = clientOf(sim);
    const first = await failureOf(client.listEmailVerifications({ limit: 1 }));
    expect(first).toMatchObject({ kind: 'RATE_LIMITED', code: '50', retryable: true });
    expect(await failureOf(client.listEmailVerifications({ limit: 1 }))).toMatchObject({ kind: 'RATE_LIMITED' });
    expect(sim.server.count('/v1beta/auth/login')).toBe(1);
  });

  it('answers blocks set through the control route, as the sandbox and doctor use it', async () => {
    const sim = await simulator();
    const control = (body: unknown) =>
      fetch(`${sim.endpoint().baseUrl}/__control/account`, { method: 'POST', body: JSON.stringify(body) }).then((response) => response.json());
    expect(await control({ block: 197 })).toMatchObject({ block: 197 });
    expect(await control({ block: null, callsLimited: 2 })).toMatchObject({ block: null, callsLimited: 2 });
  });
});

describe('Openprovider expiration dates as numbers', () => {
  it('reads Unix-seconds expiration dates instead of failing the whole list', async () => {
    const sim = await simulator({ expirationDates: 'unix-seconds' });
    const client = clientOf(sim);
    const page = await client.listEmailVerifications({ status: 'in progress', limit: 1000 });
    expect(page.rows.length).toBeGreaterThan(0);
    for (const row of page.rows) {
      const simRow = sim.rows.find((candidate) => candidate.email === row.email && candidate.domain === row.domain)!;
      expect(row.expiresAt).toBe(new Date(Math.floor(simRow.expiresAt! / 1000) * 1000).toISOString());
    }
    const settled = await client.listEmailVerifications({ status: 'verified', limit: 5 });
    expect(settled.rows.every((row) => row.expiresAt === null)).toBe(true);
  });
});
