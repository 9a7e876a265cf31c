import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VeriffConfig } from '../../src/config.js';
import { InputRejected, ProviderFailure } from '../../src/domain/errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { ProviderHttp } from '../../src/providers/http.js';
import { VeriffClient } from '../../src/providers/veriff/client.js';
import { signVeriffBody } from '../../src/providers/veriff/signature.js';
import { VeriffSimulator } from '../../src/sandbox/veriff.js';
import type { Stores } from '../../src/store/index.js';

const ID_NUMBER = '39912310120';
const submission = { idNumber: ID_NUMBER, firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' };

let sim: VeriffSimulator;
const layers: ProviderHttp[] = [];
const lines: string[] = [];
const logger = createLogger({
  level: 'trace',
  destination: new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  }),
});

function client(overrides: Partial<VeriffConfig> = {}): VeriffClient {
  const { baseUrl, syncBaseUrl, apiKey, sharedSecret } = sim.endpoint();
  const config: VeriffConfig = { apiKey, sharedSecret, previousSharedSecret: null, baseUrl, syncBaseUrl, registryMode: 'sync', ...overrides };
  const http = new ProviderHttp({
    provider: 'VERIFF',
    baseUrl: config.registryMode === 'sync' ? config.syncBaseUrl : config.baseUrl,
    metrics: createMetrics(),
    deadlineMs: 3_000,
  });
  layers.push(http);
  return new VeriffClient(config, { http, stores: {} as Stores, logger });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sim = new VeriffSimulator({ gatewayUrl: () => null, decisionDelayMs: 60_000, webhookRetryDelaysMs: [] });
  await sim.start();
});

afterEach(() => {
  sim.server.setFaults({});
});

afterAll(async () => {
  await Promise.all(layers.map((layer) => layer.close()));
  await sim.stop();
});

describe('VeriffClient.validateRegistry', () => {
  it('signs the exact bytes it sends, with both API key headers', async () => {
    sim.syncServer.clearRequests();
    await client().validateRegistry(submission, { requestId: 'req-1' });
    const [recorded] = sim.syncServer.requests;
    expect(recorded?.headers).toMatchObject({
      'x-auth-client': 'sandbox-veriff-api-key',
      'x-api-key': 'sandbox-veriff-api-key',
      'content-type': 'application/json',
      'x-request-id': 'req-1',
    });
    expect(recorded?.headers['x-hmac-signature']).toMatch(/^[0-9a-f]{64}$/);
    // The simulator masks the ID number in its log; the signature was over the unmasked bytes it verified.
    const sent = recorded!.body.replace('*******0120', ID_NUMBER);
    expect(recorded?.headers['x-hmac-signature']).toBe(signVeriffBody(sent, sim.endpoint().sharedSecret));
  });

  it('returns the decision at once in sync mode, without the ID number', async () => {
    const answer = await client().validateRegistry(submission, { requestId: 'r' });
    expect(answer.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.decision).toMatchObject({ status: 'APPROVED', code: 9001, person: { firstName: 'ANN', lastName: 'LEE' } });
    expect(JSON.stringify(answer)).not.toContain(ID_NUMBER);
  });

  it('refuses a sync answer signed with another secret, or not at all: a ProviderFailure, no decision', async () => {
    for (const answerSignature of ['wrong', 'missing'] as const) {
      sim.setBehaviour({ answerSignature });
      try {
        const error = await failureOf(client().validateRegistry(submission, { requestId: 'r' }));
        expect(error).toBeInstanceOf(ProviderFailure);
        expect(error).toMatchObject({ provider: 'VERIFF', kind: 'ERROR', code: 'SIGNATURE', retryable: false });
        expect((error as Error).message).toMatch(/x-hmac-signature/);
      } finally {
        sim.setBehaviour({ answerSignature: 'valid' });
      }
    }
  });

  it('returns the session without a decision in webhook mode', async () => {
    const answer = await client({ registryMode: 'webhook' }).validateRegistry(submission, { requestId: 'r' });
    expect(answer).toEqual({ sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/), decision: null });
  });

  it('turns a wrong shared secret (1818) into a non-retryable AUTH failure', async () => {
    const error = (await failureOf(client({ sharedSecret: 'not-the-secret' }).validateRegistry(submission, { requestId: 'r' }))) as ProviderFailure;
    expect(error).toBeInstanceOf(ProviderFailure);
    expect(error).toMatchObject({ provider: 'VERIFF', kind: 'AUTH', code: '1818', httpStatus: 401, retryable: false });
    expect(error.message).not.toContain(ID_NUMBER);
  });

  it('turns an unknown API key (1803) into AUTH', async () => {
    const error = await failureOf(client({ apiKey: 'unknown-key' }).validateRegistry(submission, { requestId: 'r' }));
    expect(error).toMatchObject({ kind: 'AUTH', code: '1803', retryable: false });
  });

  it('turns an upstream 1102 into InputRejected naming the field', async () => {
    const error = await failureOf(client().validateRegistry({ idNumber: ID_NUMBER, firstName: 'Ann', dateOfBirth: '1980-01-08' }, { requestId: 'r' }));
    expect(error).toBeInstanceOf(InputRejected);
    expect((error as InputRejected).fieldErrors).toEqual([expect.objectContaining({ path: ['fullName'], code: 'REQUIRED' })]);
  });

  it('reports 503 as retryable and does not resend the POST itself', async () => {
    sim.server.setFaults({ errorRate: 1, status: 503 });
    sim.syncServer.clearRequests();
    const error = await failureOf(client().validateRegistry(submission, { requestId: 'r' }));
    expect(error).toMatchObject({ kind: 'UNAVAILABLE', retryable: true, httpStatus: 503 });
    expect(sim.syncServer.count('/v1/validate-registry')).toBe(1);
  });

  it('reports 429 as RATE_LIMITED with Retry-After', async () => {
    sim.server.setFaults({ errorRate: 1, status: 429, retryAfterSeconds: 9 });
    const error = await failureOf(client().validateRegistry(submission, { requestId: 'r' }));
    expect(error).toMatchObject({ kind: 'RATE_LIMITED', retryable: true, retryAfterSeconds: 9 });
  });

  // Veriff accepted the call (HTTP 200), so a session may be open: "retryable" here made a client open a second one.
  it.each(['html', 'truncated'] as const)('reports an accepted call whose answer is unreadable (%s) as OUTCOME_UNKNOWN, not retryable', async (malformed) => {
    sim.server.setFaults({ malformedRate: 1, malformed });
    sim.syncServer.clearRequests();
    const error = await failureOf(client().validateRegistry(submission, { requestId: 'r' }));
    expect(error).toMatchObject({ kind: 'ERROR', code: 'OUTCOME_UNKNOWN', httpStatus: 200, retryable: false });
    expect((error as ProviderFailure).message).toMatch(/^Veriff sent an answer the gateway cannot read \(.+\), under HTTP 200: a session may have been opened\. Check before sending it again\.$/);
    expect(sim.syncServer.count('/v1/validate-registry')).toBe(1);
  });

  it('reads a failure envelope under HTTP 200 as the refusal it is, not as an unreadable answer', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"failed","code":1803,"message":"no"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const error = await failureOf(client({ syncBaseUrl: origin }).validateRegistry(submission, { requestId: 'r' }));
      expect(error).toMatchObject({ kind: 'AUTH', code: '1803', httpStatus: 200, retryable: false });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reads a decision by polling, null before it exists, and unknown-session for a session Veriff does not know', async () => {
    const webhookClient = client({ registryMode: 'webhook' });
    const { sessionId } = await webhookClient.validateRegistry(submission, { requestId: 'r' });
    expect(await webhookClient.getDecision(sessionId)).toBeNull(); // the simulator decides after 60 s here
    expect(await webhookClient.getDecision('00000000-0000-4000-8000-000000000000')).toBe('unknown-session');
    const error = await failureOf(client({ registryMode: 'webhook', sharedSecret: 'not-the-secret' }).getDecision(sessionId));
    expect(error).toMatchObject({ kind: 'AUTH', code: '1818' });
  });

  it('wrote log lines for those calls, none with the ID number', () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(ID_NUMBER);
  });
});
