import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { startRedisServer } from '../helpers/redis-server.js';

/**
 * Rate-limit budgets are stored in Redis under an HMAC of the caller (src/config/digest-key.ts): instances of
 * one deployment must derive the same key from their shared settings to count one caller's budget together.
 */
let redis: RedisServerHandle;
const started: TestGateway[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await Promise.all(started.map((gateway) => gateway.stop()));
  await redis.stop();
});

async function gatewayWith(env: Record<string, string>): Promise<TestGateway> {
  const gateway = await startTestGateway({ env: { REDIS_URL: redis.url, ...env } });
  started.push(gateway);
  return gateway;
}

async function typename(gateway: TestGateway, key: string): Promise<number> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  await response.text();
  return response.status;
}

describe('a caller\'s budget across two gateway instances on one Redis', () => {
  it('is one budget: the instances derive the same key from the API keys they share', async () => {
    const env = { GATEWAY_API_KEYS: 'shared-key-1:contacts:read', RATE_LIMIT_PER_MINUTE: '6', RATE_LIMIT_BURST: '2' };
    const [first, second] = [await gatewayWith(env), await gatewayWith(env)];
    expect([await typename(first!, 'shared-key-1'), await typename(first!, 'shared-key-1')]).toEqual([200, 200]);
    expect(await typename(second!, 'shared-key-1')).toBe(429);
  });
});
