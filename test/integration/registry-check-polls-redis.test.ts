import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryCheck } from '../../src/domain/registry-check.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createStores, type Stores } from '../../src/store/index.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

let server: RedisServerHandle;
let a: Stores;
let b: Stores;

beforeAll(async () => {
  server = await startRedisServer();
  [a, b] = [0, 1].map(() => createStores({ redisUrls: [server.url], metrics: createMetrics(), logger: silentLogger() })) as [Stores, Stores];
  expect(await a.redis!.ready()).toBe(true);
  expect(await b.redis!.ready()).toBe(true);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await server?.stop();
});

function check(id: string, status: RegistryCheck['status'] = 'PENDING'): RegistryCheck {
  return {
    id,
    provider: 'VERIFF',
    sessionId: id,
    status,
    code: null,
    reason: null,
    reasonCode: null,
    idNumberLast4: '0120',
    person: null,
    endUserId: null,
    vendorData: null,
    submittedAt: '2026-03-01T10:00:00.000Z',
    decidedAt: status === 'PENDING' ? null : '2026-03-01T10:05:00.000Z',
    failedValidation: null,
  };
}

describe('the decision-poll schedule in Redis', () => {
  it('is shared by every instance: due checks soonest first with their attempts, until decided or taken off', async () => {
    await a.registryChecks.put(check('s-1'));
    await a.registryChecks.put(check('s-2'));
    await a.registryChecks.put(check('s-3'));
    await a.registryChecks.schedulePoll('s-1', { at: 2_000, attempts: 2 });
    await a.registryChecks.schedulePoll('s-2', { at: 1_000, attempts: 0 });
    await a.registryChecks.schedulePoll('s-3', { at: 9_000, attempts: 0 });

    expect(await b.registryChecks.duePolls(5_000, 10)).toEqual([
      { id: 's-2', attempts: 0 },
      { id: 's-1', attempts: 2 },
    ]);
    expect(await b.registryChecks.duePolls(5_000, 1)).toEqual([{ id: 's-2', attempts: 0 }]);

    await b.registryChecks.put(check('s-2', 'APPROVED'));
    await b.registryChecks.schedulePoll('s-1', null);
    expect(await a.registryChecks.duePolls(10_000, 10)).toEqual([{ id: 's-3', attempts: 0 }]);
  });
});
