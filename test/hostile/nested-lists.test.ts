import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { denicNotification, eventually, freshNotificationId, postRtrWebhook, subscriberGauge } from '../integration/events-support.js';
import { AttackLog, bearer, codesOf, postGraphQL, wsClient } from './support.js';

/**
 * A contact with many verification requests (a holder of many .de domains), reached again and again through the
 * cycle Contact.verificationRequests -> VerificationRequest.contact -> Contact.verificationRequests. Each lap costed
 * one object, so a query of cost ~330 asked for 41^4 objects; and every one of the 1,681 contacts of its second lap
 * read the whole request store from Redis on its own, which stalled Redis for every caller (35,000 SERVICE_UNAVAILABLE
 * errors and as many log lines from one request, leases lost, /readyz degraded).
 */
const KEY = 'nested-lists-key-01';
const REQUESTS_OF_ONE_CONTACT = 30;

let redis: RedisServerHandle;
let admin: Redis;
let gw: TestGateway;
const log = new AttackLog();

beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url);
  gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, REDIS_URL: redis.url, EMAIL_WATCH_INTERVAL_MS: '3600000', RATE_LIMIT_BURST: '1000' } });
  for (let index = 0; index < REQUESTS_OF_ONE_CONTACT; index++) {
    const delivered = await postRtrWebhook(gw, JSON.stringify(denicNotification(freshNotificationId(), 'rtr-0002', { domain: `holder-${index}.de` })));
    expect(delivered.status).toBe(200);
  }
});

afterAll(async () => {
  admin?.disconnect();
  await gw?.stop();
  await redis?.stop();
});

const ask = (label: string, query: string) => postGraphQL(gw, log, label, { query }, bearer(KEY));

/** HVALS calls Redis has served so far: each is one read of the whole request store. */
async function requestStoreReads(): Promise<number> {
  const stats = await admin.info('commandstats');
  return Number(/cmdstat_hvals:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('a page of requests whose contacts each ask for their requests', () => {
  it('reads the request store once for all of them, not once per contact', async () => {
    const before = await requestStoreReads();
    const reply = await ask('requests of each request\'s contact', `{ verificationRequests(filter: { contactHandle: "rtr-0002" }, first: ${REQUESTS_OF_ONE_CONTACT}) { edges { node { contact { verificationRequests { id } } } } } }`);
    const reads = (await requestStoreReads()) - before;
    expect(reply.json.errors).toBeUndefined();
    const edges = reply.json.data.verificationRequests.edges;
    expect(edges).toHaveLength(REQUESTS_OF_ONE_CONTACT);
    expect(edges.every((edge: any) => edge.node.contact.verificationRequests.length >= REQUESTS_OF_ONE_CONTACT)).toBe(true);
    // The page and its contacts' requests: two reads (a deadline scan running meanwhile may add one); it was 31.
    expect(reads).toBeLessThanOrEqual(3);
  });
});

describe('a subscription whose events ask for their contact\'s requests', () => {
  it('reads the store afresh for each event: the second event sees the request the first one announced', async () => {
    const client = wsClient(gw, KEY);
    const counts: number[] = [];
    const done = new Promise<void>((resolve) => {
      client.subscribe(
        { query: 'subscription { verificationEvents(filter: { types: [VERIFICATION_REQUIRED] }) { ... on VerificationRequiredEvent { request { contact { verificationRequests { id } } } } } }' },
        {
          next: (result: any) => {
            counts.push(result.data?.verificationEvents?.request?.contact?.verificationRequests?.length ?? -1);
            if (counts.length === 2) resolve();
          },
          error: () => resolve(),
          complete: () => resolve(),
        },
      );
    });
    try {
      await eventually(async () => (await subscriberGauge(gw, 'ws')) === 1);
      for (const index of [0, 1]) {
        expect((await postRtrWebhook(gw, JSON.stringify(denicNotification(freshNotificationId(), 'rtr-0002', { domain: `later-${index}.de` })))).status).toBe(200);
        await eventually(async () => counts.length > index);
      }
      await done;
      expect(counts[1]).toBe(counts[0]! + 1);
    } finally {
      await client.dispose();
    }
  });
});

describe('the cycle contact -> verificationRequests -> contact', () => {
  it('costs each lap as a page of objects: four laps are refused with QUERY_TOO_COSTLY before anything is read', async () => {
    const reply = await ask(
      'four laps of the cycle',
      '{ verificationRequests(first: 30) { edges { node { contact { verificationRequests { contact { verificationRequests { contact { verificationRequests { id } } } } } } } } } }',
    );
    expect(reply.status).toBe(400);
    // Refused by the cost limit, which runs before execution: no resolver read the store.
    expect(codesOf(reply)).toEqual(['QUERY_TOO_COSTLY']);
  });

  it('costs the email rows of a contact reached from an email row the same way', async () => {
    const reply = await ask(
      'three laps of the email cycle',
      '{ emailVerifications(first: 50) { edges { node { contact { emailVerifications { contact { emailVerifications { contact { emailVerifications { status } } } } } } } } } }',
    );
    expect(reply.status).toBe(400);
    expect(codesOf(reply)).toEqual(['QUERY_TOO_COSTLY']);
  });
});

describe('after every attack', () => {
  it('saw 0 server errors and 0 store outages', () => {
    expect(log.serverErrors()).toEqual([]);
    expect(log.containing('SERVICE_UNAVAILABLE')).toEqual([]);
  });
});
