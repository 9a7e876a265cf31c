import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually, startDurableRedis, type DurableRedis, untilRedisIs } from './support.js';

/**
 * Failing sources under node/nodes and under subscription events, the shapes partial-fields.test.ts does not try:
 * - Redis down: nodes(ids:) mixing a contact (a provider, read through the in-process cache) with a registry check
 *   (the store) nulls only the check's slot, SERVICE_UNAVAILABLE, and keeps the contact and the other fields;
 * - a subscription whose events reach into a failing provider (request.contact) still delivers every event, the
 *   provider's field null with an error naming it, and stays open.
 */

let redis: DurableRedis;
let gateway: TestGateway;

interface ErrorEntry {
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}
const errorsAt = (errors: readonly ErrorEntry[] | undefined) => Object.fromEntries((errors ?? []).map((error) => [(error.path ?? []).join('.'), error.extensions]));

beforeAll(async () => {
  redis = await startDurableRedis();
  gateway = await startTestGateway({
    env: { REDIS_URL: redis.url },
    gateway: { upstreamDeadlineMs: 1500, breaker: { failureThreshold: 1_000 }, sandbox: { realtimeRegister: { seedDenicRequests: 0 }, veriffDecisionDelayMs: 600_000 } },
  });
  await untilRedisIs(gateway, 'ok');
});

afterAll(async () => {
  await gateway?.stop();
  await redis?.stop();
});

describe('Redis down under node/nodes', () => {
  it('nulls only the stored object\u2019s slot and keeps the provider\u2019s', async () => {
    const check = await gateway.graphql(`mutation { validateRegistry(input: { idNumber: "39912310120", firstName: "Ann", lastName: "Lee", dateOfBirth: "1980-01-08" }) { ... on ValidateRegistrySuccess { registryCheck { id } } } }`);
    const checkId: string = check.data.validateRegistry.registryCheck.id;
    await redis.kill();
    await untilRedisIs(gateway, 'down');
    try {
      // Read during the outage, so the in-process cache (which freezes what it holds) serves the second read.
      const contact = await gateway.graphql(`{ contact(provider: OPENPROVIDER, handle: "OP000077-NL") { id } }`);
      const contactId: string = contact.data.contact.id;
      for (let round = 0; round < 2; round++) {
        const reply = await gateway.graphql(`query($ids: [ID!]!, $check: ID!) { providers { provider } nodes(ids: $ids) { id } node(id: $check) { id } }`, { ids: [contactId, checkId], check: checkId });
        expect(reply.data.providers).toHaveLength(4);
        expect(reply.data.nodes).toEqual([{ id: contactId }, null]);
        expect(reply.data.node).toBeNull();
        const unavailable = expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryable: true });
        expect(errorsAt(reply.errors)).toEqual({ 'nodes.1': unavailable, node: unavailable });
      }
    } finally {
      await redis.restart();
      await untilRedisIs(gateway, 'ok');
    }
  });
});

describe('a subscription reaching into a failing provider', () => {
  it('delivers every event with only the provider\u2019s field null, naming it, and stays open', async () => {
    const rtr = gateway.sandbox!.realtimeRegister;
    const client = createWsClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    const results: { data?: any; errors?: readonly ErrorEntry[] }[] = [];
    let ended = '';
    const stop = client.subscribe(
      { query: `subscription { verificationEvents(filter: { types: [VERIFICATION_REQUIRED] }) { type ... on VerificationRequiredEvent { request { contactHandle contact { handle } } } } }` },
      { next: (result) => void results.push(result as never), error: (error) => void (ended = `error ${JSON.stringify(error)}`), complete: () => void (ended = 'complete') },
    );
    try {
      await eventually(async () => (await gateway.metrics.subscribers.get()).values.some((value) => value.labels.transport === 'ws' && value.value > 0), 10_000, 'subscribed');
      rtr.server.setFaults({ errorRate: 1, status: 503 });
      const handles = ['rtr-0061', 'rtr-0062'];
      for (const handle of handles) rtr.injectDenicRequest({ handle, claims: ['NAME'] });
      await eventually(() => results.length >= handles.length, 15_000, 'both events delivered');
      expect(ended).toBe('');
      for (const [index, result] of results.slice(0, 2).entries()) {
        expect(result.data?.verificationEvents).toEqual({ type: 'VERIFICATION_REQUIRED', request: { contactHandle: handles[index], contact: null } });
        expect(errorsAt(result.errors)).toEqual({ 'verificationEvents.request.contact': expect.objectContaining({ provider: 'REALTIME_REGISTER', code: expect.stringMatching(/^PROVIDER_/) }) });
      }
    } finally {
      rtr.server.setFaults({});
      stop();
      await client.dispose();
    }
  });
});
