import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-server.js';
import { cacheCounts, CONTACTS, idCard, rtrHandle, rtrReads, SUBMIT, untilReadiness } from './cache-support.js';
import { denicNotification, eventually, freshNotificationId, postRtrWebhook, subscribeSse } from './events-support.js';

/**
 * Scale-out on Redis Cluster: REDIS_URL names three nodes, each gateway talks to the cluster through ioredis Cluster.
 * Two gateways on one set of simulators share the cache (a hit on the second instance), the event log (an event
 * taken by one reaches a subscriber of the other) and the locks; keys that must share a slot carry hash tags.
 */

let cluster: RedisClusterHandle;
let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  cluster = await startRedisCluster();
  // A generous cache deadline: these tests check sharing, and on a starved machine a cluster call slower than the
  // default 150 ms would rightly degrade the cache to the in-process one (redis-outage tests cover that).
  a = await startTestGateway({ env: { REDIS_URL: cluster.url }, gateway: { cacheTimeoutMs: 5_000 } });
  b = await startTestGateway({ env: { REDIS_URL: cluster.url }, gateway: { sandbox: { existing: a.sandbox! }, cacheTimeoutMs: 5_000 } });
  await Promise.all([untilReadiness(a, 'ready'), untilReadiness(b, 'ready')]);
}, 40_000);

afterAll(async () => {
  await Promise.allSettled([b?.stop()]);
  await Promise.allSettled([a?.stop()]);
  await cluster?.stop();
});

describe('two gateways on a three-node Redis Cluster', () => {
  it("serves the second instance's first read from the cache, with keys spread over the nodes", async () => {
    const handles = Array.from({ length: 50 }, (_, index) => rtrHandle(index + 1));
    const before = rtrReads(a.sandbox!);
    const cold = await a.graphql(CONTACTS, { handles });
    expect(cold.errors).toBeUndefined();
    expect(rtrReads(a.sandbox!) - before).toBe(1);

    const counts = await cacheCounts(b, 'contact');
    const warm = await b.graphql(CONTACTS, { handles });
    expect(warm.data).toEqual(cold.data);
    expect(rtrReads(a.sandbox!) - before).toBe(1);
    expect((await cacheCounts(b, 'contact')).hits - counts.hits).toBe(50);

    // The entries live on more than one master: a cluster, not one node doing all the work.
    const direct = new Cluster(cluster.urls.map((url) => ({ host: '127.0.0.1', port: Number(new URL(url).port) })));
    try {
      await new Promise((resolve) => direct.once('ready', resolve));
      const masters = direct.nodes('master');
      expect(masters).toHaveLength(3);
      const perNode = await Promise.all(masters.map((node) => node.keys('vgw:v1:contact:*')));
      expect(perNode.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
    } finally {
      direct.disconnect();
    }
  });

  it('invalidates for both instances after a write on one', async () => {
    const handle = rtrHandle(60);
    await b.graphql(CONTACTS, { handles: [handle] });
    const before = rtrReads(a.sandbox!);
    const submitted = await a.graphql(SUBMIT, { input: { handle, verifications: [idCard('cluster-1')] } });
    expect(submitted.data.submitContactVerification.__typename).toBe('SubmitContactVerificationSuccess');
    const fresh = await b.graphql(CONTACTS, { handles: [handle] });
    expect(fresh.data.contacts[0].verifications).toContainEqual({ externalId: 'cluster-1', proof: 'ID_CARD' });
    expect(rtrReads(a.sandbox!) - before).toBe(1);
  });

  it('delivers an event taken by one instance to a subscriber of the other, once', async () => {
    const handle = 'h-cluster';
    const subscription = subscribeSse(b, { filter: { contactHandle: handle } });
    try {
      await eventually(async () => (await b.metrics.subscribers.get()).values.reduce((sum, value) => sum + value.value, 0) >= 1);
      const id = freshNotificationId();
      const body = JSON.stringify(denicNotification(id, handle));
      const answer = await postRtrWebhook(a, body);
      expect(answer.status).toBe(200);
      const result = await subscription.next();
      expect(result.data?.verificationEvents).toMatchObject({ id: answer.body.eventId, type: 'VERIFICATION_REQUIRED', request: { contactHandle: handle } });
      // A redelivery taken by the other instance is deduplicated across the cluster (stream and dedupe key share a slot).
      const again = await postRtrWebhook(b, body);
      expect(again.status).toBe(200);
      expect(again.body.eventId).toBe(answer.body.eventId);
      const listed = await a.graphql(`query E($h: String) { verificationEvents(filter: { contactHandle: $h }) { edges { node { id } } } }`, { h: handle });
      expect(listed.data.verificationEvents.edges).toEqual([{ node: { id: answer.body.eventId } }]);
    } finally {
      await subscription.close();
    }
  });

  it('acks a queued notification once while both instances poll (the poller lease is a lock in the cluster)', async () => {
    const simulator = a.sandbox!.realtimeRegister;
    const injected = simulator.injectDenicRequest({ handle: 'h-cluster-poll', claims: ['NAME'], deDelegationDomain: 'poll.de', deDelegationDate: '2031-01-01T00:00:00Z' });
    const acks = () => simulator.server.count(`/v2/customers/sandbox/notifications/${injected.id}/ack`, 'POST');
    const pollBoth = () => Promise.all([a.services.verificationRequests.pollNotifications(), b.services.verificationRequests.pollNotifications()]);
    await eventually(async () => {
      await pollBoth();
      return acks() >= 1;
    });
    await pollBoth();
    expect(acks()).toBe(1);
  });
});
