import { describe, expect, it } from 'vitest';
import { UpstreamBudgetExceeded } from '../../src/domain/upstream-budget.js';
import type { Principal } from '../../src/schema/context.js';
import { createMemoryRateLimiter } from '../../src/server/rate-limit.js';
import { createUpstreamBudget } from '../../src/server/upstream-budget.js';

const key: Principal = { id: 'key-1', name: 'ops', scopes: new Set(), authenticated: true };
const sandbox: Principal = { id: 'sandbox', name: null, scopes: new Set(), authenticated: false };

async function refusal(spend: Promise<void>): Promise<UpstreamBudgetExceeded> {
  const error = await spend.then(() => null, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(UpstreamBudgetExceeded);
  return error as UpstreamBudgetExceeded;
}

describe('the upstream budget of one request', () => {
  it('lets calls through up to UPSTREAM_CALLS_PER_REQUEST per provider, then refuses the whole next batch', async () => {
    const budget = createUpstreamBudget({ callsPerRequest: 10, callsPerMinute: 0 }, key, () => createMemoryRateLimiter({ perMinute: 0, burst: 0 }));
    await budget.spend('OPENPROVIDER', 6);
    await budget.spend('DOMAIN_NAME_API', 10);
    const refused = await refusal(budget.spend('OPENPROVIDER', 5));
    expect(refused).toMatchObject({ provider: 'OPENPROVIDER', limit: 'PER_REQUEST', retryAfterSeconds: null });
    expect(refused.message).toMatch(/more than 10 calls to Openprovider \(UPSTREAM_CALLS_PER_REQUEST\)/);
    await budget.spend('OPENPROVIDER', 4);
  });

  it('counts batches running side by side before either awaits the shared budget', async () => {
    const budget = createUpstreamBudget({ callsPerRequest: 10, callsPerMinute: 100 }, key, () => createMemoryRateLimiter({ perMinute: 100, burst: 100 }));
    const outcomes = await Promise.allSettled([budget.spend('OPENPROVIDER', 6), budget.spend('OPENPROVIDER', 6)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('draws on the key\'s minute, refusing with the seconds to wait once it is spent', async () => {
    const limiter = createMemoryRateLimiter({ perMinute: 8, burst: 8 });
    const first = createUpstreamBudget({ callsPerRequest: 100, callsPerMinute: 8 }, key, () => limiter);
    const second = createUpstreamBudget({ callsPerRequest: 100, callsPerMinute: 8 }, key, () => limiter);
    await first.spend('VERIFF', 5);
    const refused = await refusal(second.spend('VERIFF', 4));
    expect(refused).toMatchObject({ provider: 'VERIFF', limit: 'PER_MINUTE' });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // The refused batch cost nothing, of the minute or of the request.
    await second.spend('VERIFF', 3);
  });

  it('refuses a batch larger than a whole minute as PER_REQUEST: waiting would not help', async () => {
    const budget = createUpstreamBudget({ callsPerRequest: 100, callsPerMinute: 8 }, key, () => createMemoryRateLimiter({ perMinute: 8, burst: 8 }));
    expect((await refusal(budget.spend('OPENPROVIDER', 9))).limit).toBe('PER_REQUEST');
  });

  it('has no per-minute budget in the open sandbox, only the per-request bound', async () => {
    const budget = createUpstreamBudget({ callsPerRequest: 100, callsPerMinute: 1 }, sandbox, () => createMemoryRateLimiter({ perMinute: 1, burst: 1 }));
    await budget.spend('OPENPROVIDER', 50);
    await budget.spend('OPENPROVIDER', 50);
    expect((await refusal(budget.spend('OPENPROVIDER', 1))).limit).toBe('PER_REQUEST');
  });
});
