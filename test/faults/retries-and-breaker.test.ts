import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorServer } from '../../src/sandbox/simulator-server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually } from './support.js';

/**
 * Retries: idempotent reads are retried within the deadline and as Retry-After allows, writes never blindly. The
 * circuit breaker: repeated failures open it (calls fail fast, the provider sees nothing), after openMs one trial call
 * goes through (half-open), and a success closes it. Attempts are counted at the simulator.
 */

const CONTACT = `query Contact($handle: String!) { contact(provider: REALTIME_REGISTER, handle: $handle) { handle } }`;
const SUBMIT = `mutation Submit($input: SubmitContactVerificationInput!) {
  submitContactVerification(input: $input) {
    __typename
    ... on SubmitContactVerificationSuccess { async }
    ... on ProviderError { provider code httpStatus retryable retryAfterSeconds message }
  }
}`;
const PROVIDERS = `{ providers { provider circuit lastError } }`;
const idCard = { verifiedAt: '2026-04-16T00:00:00Z', externalId: 'kyc-7731', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] };
const LIST = '/v2/customers/sandbox/contacts';

let next = 300;
/** A handle no earlier read asked for, so the read reaches the provider instead of the cache. */
const freshHandle = () => `rtr-${String(next++).padStart(4, '0')}`;

describe('retries', () => {
  let gateway: TestGateway;
  let rtr: SimulatorServer;

  beforeAll(async () => {
    gateway = await startTestGateway({ gateway: { upstreamDeadlineMs: 2_500, breaker: { failureThreshold: 1_000 } } });
    rtr = gateway.sandbox!.realtimeRegister.server;
    // The notification poller talks to the same simulator; without it every request counted here is ours.
    await gateway.services.verificationRequests.stop();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  async function read(faults: Parameters<SimulatorServer['setFaults']>[0]) {
    rtr.setFaults(faults);
    const before = rtr.count(LIST, 'GET');
    try {
      const reply = await gateway.graphql(CONTACT, { handle: freshHandle() });
      return { reply, attempts: rtr.count(LIST, 'GET') - before };
    } finally {
      rtr.setFaults({});
    }
  }

  it('retries a read that failed twice with 503 and returns the data', async () => {
    const { reply, attempts } = await read({ failFirst: 2, status: 503 });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contact).toEqual({ handle: expect.any(String) });
    expect(attempts).toBe(3);
  });

  it('retries after a short Retry-After and returns the data', async () => {
    const { reply, attempts } = await read({ failFirst: 1, status: 503, retryAfterSeconds: 1 });
    expect(reply.errors).toBeUndefined();
    expect(attempts).toBe(2);
  });

  it('gives up after three attempts when every one fails, and says so', async () => {
    const { reply, attempts } = await read({ errorRate: 1, status: 502 });
    expect(attempts).toBe(3);
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'REALTIME_REGISTER', retryable: true });
  });

  it('does not retry when Retry-After reaches past the deadline, and passes the wait on', async () => {
    const unavailable = await read({ errorRate: 1, status: 503, retryAfterSeconds: 30 });
    expect(unavailable.attempts).toBe(1);
    expect(unavailable.reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryAfterSeconds: 30 });

    const limited = await read({ errorRate: 1, status: 429, retryAfterSeconds: 30 });
    expect(limited.attempts).toBe(1);
    expect(limited.reply.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', provider: 'REALTIME_REGISTER', retryAfterSeconds: 30 });
  });

  it('does not retry a plain 500: the same request would fail the same way', async () => {
    const { reply, attempts } = await read({ errorRate: 1, status: 500 });
    expect(attempts).toBe(1);
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'REALTIME_REGISTER' });
  });

  it('sends a write exactly once under 503 and answers a retryable ProviderError: the provider refused it', async () => {
    const handle = freshHandle();
    rtr.setFaults({ errorRate: 1, status: 503, failFirst: 0 });
    try {
      const reply = await gateway.graphql(SUBMIT, { input: { handle, verifications: [idCard] } });
      expect(reply.data.submitContactVerification).toMatchObject({ __typename: 'ProviderError', provider: 'REALTIME_REGISTER', httpStatus: 503, retryable: true });
      expect(rtr.count(`${LIST}/${handle}/update`, 'POST')).toBe(1);
    } finally {
      rtr.setFaults({});
    }
  });

  // Sent, and no answer: the evidence may be at Realtime Register. "retryable: true" here made a client submit it
  // twice; the caller is told the outcome is unknown, and that it is not a refusal.
  it.each([
    ['a reset connection', { resetRate: 1 }],
    ['no answer', { timeoutRate: 1 }],
  ] as const)('sends a write exactly once under %s and says its outcome is unknown, not retryable', async (_what, faults) => {
    const handle = freshHandle();
    rtr.setFaults({ ...faults, failFirst: 0 });
    try {
      const reply = await gateway.graphql(SUBMIT, { input: { handle, verifications: [idCard] } });
      expect(reply.data.submitContactVerification).toMatchObject({
        __typename: 'ProviderError',
        provider: 'REALTIME_REGISTER',
        code: 'OUTCOME_UNKNOWN',
        httpStatus: null,
        retryable: false,
        retryAfterSeconds: null,
      });
      expect(reply.data.submitContactVerification.message).toMatch(/may have been applied/);
      expect(rtr.count(`${LIST}/${handle}/update`, 'POST')).toBe(1);
    } finally {
      rtr.setFaults({});
    }
  });

  it('drops the cached contact after a write of unknown outcome, so the check the caller is told to make reads the provider', async () => {
    const handle = freshHandle();
    expect((await gateway.graphql(CONTACT, { handle })).data.contact).toEqual({ handle });
    const cached = rtr.count(LIST, 'GET');
    await gateway.graphql(CONTACT, { handle });
    expect(rtr.count(LIST, 'GET')).toBe(cached); // served from the cache

    rtr.setFaults({ resetRate: 1 });
    try {
      const reply = await gateway.graphql(SUBMIT, { input: { handle, verifications: [idCard] } });
      expect(reply.data.submitContactVerification).toMatchObject({ __typename: 'ProviderError', code: 'OUTCOME_UNKNOWN' });
    } finally {
      rtr.setFaults({});
    }

    const before = rtr.count(LIST, 'GET');
    const check = await gateway.graphql(CONTACT, { handle });
    expect(check.errors).toBeUndefined();
    expect(rtr.count(LIST, 'GET')).toBe(before + 1);
  });

  it('sends a write once when the first attempt fails, and the retry the client makes succeeds', async () => {
    const handle = freshHandle();
    rtr.setFaults({ failFirst: 1, status: 503 });
    try {
      const first = await gateway.graphql(SUBMIT, { input: { handle, verifications: [idCard] } });
      expect(first.data.submitContactVerification).toMatchObject({ __typename: 'ProviderError', retryable: true });
      expect(rtr.count(`${LIST}/${handle}/update`, 'POST')).toBe(1);
      const second = await gateway.graphql(SUBMIT, { input: { handle, verifications: [idCard] } });
      expect(second.data.submitContactVerification.__typename).toBe('SubmitContactVerificationSuccess');
      expect(rtr.count(`${LIST}/${handle}/update`, 'POST')).toBe(2);
    } finally {
      rtr.setFaults({});
    }
  });
});

describe('the circuit breaker', () => {
  let gateway: TestGateway;
  let rtr: SimulatorServer;

  beforeAll(async () => {
    gateway = await startTestGateway({ gateway: { upstreamDeadlineMs: 2_000, breaker: { failureThreshold: 3, openMs: 800 } } });
    rtr = gateway.sandbox!.realtimeRegister.server;
    await gateway.services.verificationRequests.stop();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  async function circuitOf(provider: string): Promise<{ circuit: string; lastError: string | null }> {
    const reply = await gateway.graphql(PROVIDERS);
    return reply.data.providers.find((status: { provider: string }) => status.provider === provider);
  }

  it('opens after repeated failures, fails fast while open, half-opens for one trial and closes on recovery', async () => {
    rtr.setFaults({ errorRate: 1, status: 500 });
    for (let i = 0; i < 3; i++) {
      const reply = await gateway.graphql(CONTACT, { handle: freshHandle() });
      expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'REALTIME_REGISTER' });
    }
    expect(await circuitOf('REALTIME_REGISTER')).toEqual({ provider: 'REALTIME_REGISTER', circuit: 'OPEN', lastError: 'HTTP 500 on contacts.list' });
    expect((await circuitOf('OPENPROVIDER')).circuit).toBe('CLOSED');

    // Open: answers come at once from the gateway, and the provider sees none of these calls.
    const seen = rtr.count();
    const fast = await Promise.all(Array.from({ length: 5 }, () => gateway.graphql(CONTACT, { handle: freshHandle() })));
    for (const reply of fast) {
      expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'REALTIME_REGISTER', retryable: true, retryAfterSeconds: 1 });
      expect(reply.errors?.[0]?.message).toMatch(/circuit open/);
    }
    expect(rtr.count()).toBe(seen);

    // After openMs one trial goes through; it fails, so the circuit opens again.
    await eventually(async () => (await circuitOf('REALTIME_REGISTER')).circuit === 'HALF_OPEN', 10_000, 'half-open');
    const trial = await gateway.graphql(CONTACT, { handle: freshHandle() });
    expect(trial.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(rtr.count()).toBe(seen + 1);
    expect((await circuitOf('REALTIME_REGISTER')).circuit).toBe('OPEN');

    // The provider recovers: the next trial succeeds and the circuit closes.
    rtr.setFaults({});
    await eventually(async () => (await circuitOf('REALTIME_REGISTER')).circuit === 'HALF_OPEN', 10_000, 'half-open again');
    const recovered = await gateway.graphql(CONTACT, { handle: freshHandle() });
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data.contact).toEqual({ handle: expect.any(String) });
    expect((await circuitOf('REALTIME_REGISTER')).circuit).toBe('CLOSED');
    const after = await Promise.all(Array.from({ length: 3 }, () => gateway.graphql(CONTACT, { handle: freshHandle() })));
    expect(after.every((reply) => reply.errors === undefined)).toBe(true);
  });

  it('lets one trial through while half-open and fails the calls that come meanwhile fast', async () => {
    rtr.setFaults({ errorRate: 1, status: 502 });
    // 502 is retried: one query makes three failing attempts, enough to open the circuit.
    await gateway.graphql(CONTACT, { handle: freshHandle() });
    expect((await circuitOf('REALTIME_REGISTER')).circuit).toBe('OPEN');
    await eventually(async () => (await circuitOf('REALTIME_REGISTER')).circuit === 'HALF_OPEN', 10_000, 'half-open');
    rtr.setFaults({ latencyMs: 300 });
    const seen = rtr.count();
    // The trial is under way before the others arrive (misses arriving together would share its list call).
    const trial = gateway.graphql(CONTACT, { handle: freshHandle() });
    await eventually(async () => rtr.count() === seen + 1, 10_000, 'trial call under way');
    const meanwhile = await Promise.all(Array.from({ length: 3 }, () => gateway.graphql(CONTACT, { handle: freshHandle() })));
    expect((await trial).errors).toBeUndefined();
    expect(rtr.count()).toBe(seen + 1);
    for (const reply of meanwhile) expect(reply.errors?.[0]?.message).toMatch(/half-open/);
    rtr.setFaults({});
    expect((await circuitOf('REALTIME_REGISTER')).circuit).toBe('CLOSED');
  });
});
