import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { OpenproviderSimulator } from '../../src/sandbox/openprovider.js';

const LIST_PATH = '/v1beta/customers/verifications/emails/domains';
const QUERY = /* GraphQL */ `
  query($handle: String) { emailVerifications(filter: { handle: $handle, providers: [OPENPROVIDER] }) { totalCount } }
`;

/** Waits until the instance reports its Redis connection up (it connects in the background after start). */
async function redisReady(gateway: TestGateway): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const health = (await fetch(`${gateway.url}/readyz`).then((response) => response.json())) as { redis?: string };
    if (health.redis === 'ok') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis did not become ready');
}

const handles = (count: number) => Array.from({ length: count }, (_, i) => `OP${String(i + 1).padStart(6, '0')}-NL`);

describe('Openprovider credentials refused mid-life (sandbox gateway)', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({ env: { EMAIL_WATCH_INTERVAL_MS: '3600000' } });
  });

  afterAll(async () => {
    await gw.stop();
  });

  it('answers a burst of 50 different queries with PROVIDER_ERROR after a single refused login', async () => {
    const sim = gw.sandbox!.openprovider;
    expect((await gw.graphql<any>(QUERY, { handle: 'OP000001-NL' })).data.emailVerifications.totalCount).toBeGreaterThan(0);
    sim.changePassword('rotated-at-openprovider');
    const logins = sim.logins;

    const replies = await Promise.all(handles(50).slice(1).concat('OP000051-NL').map((handle) => gw.graphql(QUERY, { handle })));
    for (const reply of replies) {
      expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'OPENPROVIDER', retryable: false });
      expect(reply.errors?.[0]?.message).toMatch(/refused the gateway's credentials/);
    }
    expect(sim.logins - logins).toBe(1);
    expect(gw.logs()).not.toContain('sandbox-op-password');
  });
});

describe('Openprovider token and list pages shared by two gateway instances through Redis (live mode)', () => {
  let redis: RedisServerHandle;
  let sim: OpenproviderSimulator;
  const gateways: TestGateway[] = [];
  const KEY = 'email-test-key-1';

  beforeAll(async () => {
    redis = await startRedisServer();
    sim = new OpenproviderSimulator({ gatewayUrl: () => null, seed: 3 });
    await sim.start();
    const env = {
      REDIS_URL: redis.url,
      GATEWAY_API_KEYS: `${KEY}:email:read,contacts:read`,
      OPENPROVIDER_USERNAME: sim.endpoint().username,
      OPENPROVIDER_PASSWORD: sim.endpoint().password,
      OPENPROVIDER_BASE_URL: sim.endpoint().baseUrl,
      EMAIL_WATCH_INTERVAL_MS: '3600000',
      // These tests make hundreds of list reads with one key within a minute on purpose (token sharing under load).
      UPSTREAM_CALLS_PER_MINUTE: '100000',
    };
    gateways.push(await startTestGateway({ env }), await startTestGateway({ env }));
    for (const gateway of gateways) await redisReady(gateway);
  });

  afterEach(() => {
    sim.server.clearRequests();
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await sim.stop();
    await redis.stop();
  });

  it('logs in once for a burst of concurrent queries on both instances', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const replies = await Promise.all(
      gateways.flatMap((gateway, index) => handles(40).slice(index * 20, index * 20 + 20).map((handle) => gateway.graphql<any>(QUERY, { handle }, auth))),
    );
    for (const reply of replies) expect(reply.errors).toBeUndefined();
    expect(sim.server.count(LIST_PATH)).toBeGreaterThanOrEqual(40);
    expect(sim.logins).toBe(1);
  });

  it('serves a list page one instance fetched to the other instance from Redis', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const listCalls = () => sim.server.requests.filter((request) => request.path === LIST_PATH && request.query.handle === 'OP000050-NL').length;
    const first = await gateways[0]!.graphql<any>(QUERY, { handle: 'OP000050-NL' }, auth);
    expect(listCalls()).toBe(1);
    const second = await gateways[1]!.graphql<any>(QUERY, { handle: 'OP000050-NL' }, auth);
    expect(second.data).toEqual(first.data);
    expect(listCalls()).toBe(1);
  });

  it('logs in once more in all when the shared token is refused on both instances', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    await Promise.all(gateways.map((gateway) => gateway.graphql(QUERY, { handle: 'OP000004-NL' }, auth)));
    const logins = sim.logins;
    sim.revokeTokens();
    const replies = await Promise.all(
      // Different handles per instance, so both go upstream with the refused token.
      gateways.flatMap((gateway, index) => handles(120).slice(60 + index * 25, 80 + index * 25).map((handle) => gateway.graphql<any>(QUERY, { handle }, auth))),
    );
    for (const reply of replies) expect(reply.errors).toBeUndefined();
    expect(sim.logins - logins).toBe(1);
  });
});
