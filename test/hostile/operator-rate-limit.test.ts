import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { postRtrWebhook } from '../integration/events-support.js';
import { AttackLog, bearer, codesOf, postGraphQL } from './support.js';

/**
 * GET /operator/quarantine reads up to 1,000 stored provider bodies a call. A key allowed to read them must not read
 * them at will beside its /graphql requests: each call is one of the key's requests (RATE_LIMIT_PER_MINUTE), and
 * another key's budget is not touched.
 */
const OPERATOR_KEY = 'operator-budget-key-0001';
const OTHER_KEY = 'operator-budget-key-0002';
const log = new AttackLog();
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    env: {
      GATEWAY_API_KEYS: `${OPERATOR_KEY}:events:read,contacts:read;${OTHER_KEY}:events:read,contacts:read`,
      RATE_LIMIT_PER_MINUTE: '3',
      RATE_LIMIT_BURST: '3',
      EMAIL_WATCH_INTERVAL_MS: '3600000',
    },
  });
  expect((await postRtrWebhook(gw, JSON.stringify({ test: 'ping', contact: { name: 'Olive Operator' } }))).status).toBe(202);
});

afterAll(async () => {
  await gw?.stop();
});

async function listQuarantine(key: string): Promise<Response> {
  const response = await fetch(`${gw.url}/operator/quarantine?limit=1000`, { headers: bearer(key) });
  log.record(`GET /operator/quarantine as ${key}`, response.status, await response.clone().text());
  return response;
}

describe('GET /operator/quarantine', () => {
  it('spends the key\'s requests: past its minute it is 429 with Retry-After, and lists nothing', async () => {
    const statuses = [];
    for (let call = 0; call < 3; call++) statuses.push((await listQuarantine(OPERATOR_KEY)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await listQuarantine(OPERATOR_KEY);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const text = await refused.text();
    expect(text).toMatch(/RATE_LIMIT_PER_MINUTE/);
    expect(text).not.toContain('Olive Operator');
  });

  it('shares that budget with /graphql: the key\'s next query is RATE_LIMITED too', async () => {
    const reply = await postGraphQL(gw, log, 'graphql after the quarantine calls', { query: '{ __typename }' }, bearer(OPERATOR_KEY));
    expect(reply.status).toBe(429);
    expect(codesOf(reply)).toEqual(['RATE_LIMITED']);
  });

  it('leaves another key its own minute', async () => {
    const response = await listQuarantine(OTHER_KEY);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Olive Operator');
  });
});

describe('after every request', () => {
  it('saw 0 server errors', () => {
    expect(log.serverErrors()).toEqual([]);
  });
});
