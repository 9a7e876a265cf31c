import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually, malformedReason, startDurableRedis, type DurableRedis, untilRedisIs } from './support.js';

/**
 * A failing source nulls only the fields that depend on it (contract revision 2: such fields are nullable), with one
 * error at each naming it; every healthy field of the same query keeps its data.
 */

let redis: DurableRedis;
let gateway: TestGateway;

type Reply = Awaited<ReturnType<TestGateway['graphql']>>;

function errorsAt(reply: Reply): Record<string, Record<string, unknown>> {
  return Object.fromEntries((reply.errors ?? []).map((error) => [(error.path ?? []).join('.'), error.extensions ?? {}]));
}

beforeAll(async () => {
  redis = await startDurableRedis();
  gateway = await startTestGateway({ env: { REDIS_URL: redis.url }, gateway: { upstreamDeadlineMs: 1500, breaker: { failureThreshold: 1_000 } } });
  await untilRedisIs(gateway, 'ok');
});

afterAll(async () => {
  await gateway?.stop();
  await redis?.stop();
});

beforeEach(() => {
  gateway.sandbox!.openprovider.server.setFaults({});
});

describe('a failing provider', () => {
  it('nulls only emailVerifications, naming Openprovider, and keeps providers', async () => {
    gateway.sandbox!.openprovider.server.setFaults({ errorRate: 1, status: 503 });
    const reply = await gateway.graphql(`{ providers { provider } emailVerifications(filter: { providers: [OPENPROVIDER] }) { totalCount } }`);
    expect(malformedReason(reply.status, JSON.stringify(reply))).toBeNull();
    expect(reply.data.providers.map((entry: { provider: string }) => entry.provider).sort()).toEqual(['DOMAIN_NAME_API', 'OPENPROVIDER', 'REALTIME_REGISTER', 'VERIFF']);
    expect(reply.data.emailVerifications).toBeNull();
    expect(errorsAt(reply)).toEqual({ emailVerifications: expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE', provider: 'OPENPROVIDER', retryable: true }) });
  });

  it('nulls only Contact.emailVerifications of a cached contact, which keeps its other fields', async () => {
    const handle = gateway.sandbox!.openprovider.rows.at(-3)!.handle;
    const warm = await gateway.graphql(`query($h: String!) { contact(provider: OPENPROVIDER, handle: $h) { handle email } }`, { h: handle });
    expect(warm.data.contact.handle).toBe(handle);

    gateway.sandbox!.openprovider.server.setFaults({ errorRate: 1, status: 503 });
    const reply = await gateway.graphql(`query($h: String!) { contact(provider: OPENPROVIDER, handle: $h) { handle email emailVerifications { status } } }`, { h: handle });
    expect(reply.data.contact).toEqual({ handle, email: warm.data.contact.email, emailVerifications: null });
    expect(errorsAt(reply)).toEqual({ 'contact.emailVerifications': expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE', provider: 'OPENPROVIDER' }) });
  });
});

describe('Redis down', () => {
  it('nulls only the store-backed fields, each with its own error, and keeps provider data', async () => {
    const warm = await gateway.graphql(`{ contact(provider: REALTIME_REGISTER, handle: "rtr-0007") { handle } }`);
    expect(warm.data.contact).toEqual({ handle: 'rtr-0007' });
    await redis.kill();
    await untilRedisIs(gateway, 'down');

    const reply = await gateway.graphql(`{
      providers { provider }
      verificationRequests(first: 5) { totalCount }
      verificationEvents(first: 5) { edges { node { id } } }
      contact(provider: REALTIME_REGISTER, handle: "rtr-0007") { handle verificationRequests { id } }
    }`);
    expect(malformedReason(reply.status, JSON.stringify(reply))).toBeNull();
    expect(reply.data.providers).toHaveLength(4);
    expect(reply.data.verificationRequests).toBeNull();
    expect(reply.data.verificationEvents).toBeNull();
    expect(reply.data.contact).toEqual({ handle: 'rtr-0007', verificationRequests: null });
    const unavailable = expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(errorsAt(reply)).toEqual({ verificationRequests: unavailable, verificationEvents: unavailable, 'contact.verificationRequests': unavailable });
    await redis.restart();
  });
});
