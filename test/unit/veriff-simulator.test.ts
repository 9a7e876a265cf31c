import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VeriffSimulator } from '../../src/sandbox/veriff.js';

const ID_NUMBER = '39912310120';

/** A stand-in for the gateway's /webhooks/veriff: records deliveries, answers with the next queued status. */
interface FakeGateway {
  url: string;
  received: { headers: IncomingHttpHeaders; body: string }[];
  answers: number[];
  close(): Promise<void>;
}

async function startFakeGateway(): Promise<FakeGateway> {
  const received: FakeGateway['received'] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answers.shift() ?? 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let gateway: FakeGateway;
let sim: VeriffSimulator;

beforeAll(async () => {
  gateway = await startFakeGateway();
  sim = new VeriffSimulator({ gatewayUrl: () => gateway.url, decisionDelayMs: 10, webhookRetryDelaysMs: [20, 20], seed: 7 });
  await sim.start();
});

afterAll(async () => {
  await sim.stop();
  await gateway.close();
});

afterEach(() => {
  gateway.received.length = 0;
  gateway.answers.length = 0;
});

interface CallOptions {
  base?: 'sync' | 'webhook';
  headers?: Record<string, string>;
  secret?: string;
}

/** POST /v1/validate-registry the way the gateway does: serialize once, sign, send the same bytes. */
async function call(body: unknown, options: CallOptions = {}) {
  const { baseUrl, syncBaseUrl, apiKey, sharedSecret } = sim.endpoint();
  const text = JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-auth-client': apiKey,
    'x-api-key': apiKey,
    'x-hmac-signature': createHmac('sha256', options.secret ?? sharedSecret).update(text).digest('hex'),
    ...options.headers,
  };
  for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
  const response = await fetch(`${options.base === 'webhook' ? baseUrl : syncBaseUrl}/v1/validate-registry`, { method: 'POST', headers, body: text });
  const reply = await response.text();
  return { status: response.status, body: (reply ? JSON.parse(reply) : null) as any };
}

/** A signed sync-endpoint call, answered with the raw text and headers (to check the answer's own signature). */
async function callRaw(body: unknown): Promise<{ status: number; text: string; headers: Headers }> {
  const { syncBaseUrl, apiKey, sharedSecret } = sim.endpoint();
  const text = JSON.stringify(body);
  const response = await fetch(`${syncBaseUrl}/v1/validate-registry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-client': apiKey, 'x-hmac-signature': createHmac('sha256', sharedSecret).update(text).digest('hex') },
    body: text,
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

function request(person: Record<string, unknown>, rest: Record<string, unknown> = {}) {
  return { verification: { person: { idNumber: ID_NUMBER, firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08', ...person }, ...rest } };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met in time');
}

describe('Veriff simulator: authentication', () => {
  it('answers 401 code 1801 without x-auth-client', async () => {
    expect(await call(request({}), { headers: { 'x-auth-client': '' } })).toEqual({
      status: 401,
      body: { status: 'failed', code: '1801', message: expect.any(String) },
    });
  });

  it('answers 401 code 1803 for an unknown API key', async () => {
    const result = await call(request({}), { headers: { 'x-auth-client': 'someone-else', 'x-api-key': 'someone-else' } });
    expect(result).toMatchObject({ status: 401, body: { status: 'failed', code: '1803' } });
  });

  it('answers 401 code 1812 for a signature that is not a 64-character hex string', async () => {
    expect(await call(request({}), { headers: { 'x-hmac-signature': 'abc' } })).toMatchObject({ status: 401, body: { code: '1812' } });
    expect(await call(request({}), { headers: { 'x-hmac-signature': 'g'.repeat(64) } })).toMatchObject({ status: 401, body: { code: '1812' } });
    expect(await call(request({}), { headers: { 'x-hmac-signature': '' } })).toMatchObject({ status: 401, body: { code: '1812' } });
  });

  it('answers 401 code 1818 for a signature made with another secret', async () => {
    expect(await call(request({}), { secret: 'wrong-secret' })).toMatchObject({ status: 401, body: { status: 'failed', code: '1818' } });
  });

  it('accepts an upper-case signature', async () => {
    const text = JSON.stringify(request({}));
    const { syncBaseUrl, apiKey, sharedSecret } = sim.endpoint();
    const signature = createHmac('sha256', sharedSecret).update(text).digest('hex').toUpperCase();
    const response = await fetch(`${syncBaseUrl}/v1/validate-registry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-client': apiKey, 'x-api-key': apiKey, 'x-hmac-signature': signature },
      body: text,
    });
    expect(response.status).toBe(200);
  });
});

describe('Veriff simulator: required fields (1102)', () => {
  const cases: [string, unknown, string][] = [
    ['idNumber', request({ idNumber: undefined }), 'Request is missing required field idNumber'],
    ['a name', request({ firstName: undefined }), 'Request is missing required field fullName or (firstName + lastName)'],
    ['dateOfBirth or address', request({ dateOfBirth: undefined }), "Request is missing required field 'dateOfBirth' or 'address'"],
    ['a complete address', request({ dateOfBirth: undefined }, { address: { street: 'Tartu mnt', postcode: '10115' } }), 'Request is missing required field fullAddress or (street + houseNumber + postcode)'],
    ['a string idNumber', request({ idNumber: 39912310120 }), 'Request is missing required field idNumber'],
  ];
  for (const [what, body, message] of cases) {
    it(`answers 400 code 1102 without ${what}`, async () => {
      expect(await call(body)).toEqual({ status: 400, body: { status: 'failed', code: '1102', message } });
    });
  }

  it('accepts fullName with a full address and no date of birth', async () => {
    const result = await call({ verification: { person: { idNumber: ID_NUMBER, fullName: 'Ann Marie Lee' }, address: { fullAddress: 'Tartu mnt 1, Tallinn' } } });
    expect(result.status).toBe(200);
    expect(result.body.verification.person).toMatchObject({ firstName: 'ANN MARIE', lastName: 'LEE', dateOfBirth: null, addresses: [{ fullAddress: 'TARTU MNT 1, TALLINN' }] });
  });
});

describe('Veriff simulator: decisions', () => {
  const outcomes: [string, string, number, number | null][] = [
    ['1', 'declined', 9102, 123],
    ['2', 'resubmission_requested', 9103, null],
    ['3', 'expired', 9104, null],
    ['4', 'abandoned', 9104, null],
    ['5', 'review', 9121, null],
    ['0', 'approved', 9001, null],
    ['9', 'approved', 9001, null],
  ];
  for (const [digit, status, code, reasonCode] of outcomes) {
    it(`decides ${status} (${code}) for an ID number ending in ${digit}`, async () => {
      const result = await call(request({ idNumber: `3991231012${digit}` }));
      expect(result.status).toBe(200);
      expect(result.body.verification).toMatchObject({ status, code, reasonCode });
    });
  }

  it('derives the person from the request in the sync answer', async () => {
    const result = await call(request({}, { address: { street: 'Tartu mnt', houseNumber: '1', postcode: '10115', city: 'Tallinn' }, vendorData: 'order-7' }));
    expect(result.body).toMatchObject({
      status: 'success',
      verification: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        person: {
          firstName: 'ANN',
          lastName: 'LEE',
          dateOfBirth: '1980-01-08',
          yearOfBirth: '1980',
          placeOfBirth: expect.any(String),
          addresses: [{ fullAddress: 'TARTU MNT 1, 10115 TALLINN' }],
        },
        vendorData: 'order-7',
        decisionTime: expect.any(String),
      },
      technicalData: { ip: null },
    });
    const again = await call(request({}, { address: { street: 'Tartu mnt', houseNumber: '1', postcode: '10115', city: 'Tallinn' } }));
    expect(again.body.verification.person.placeOfBirth).toBe(result.body.verification.person.placeOfBirth);
  });

  it('keeps the ID number out of its request log', async () => {
    sim.server.clearRequests();
    sim.syncServer.clearRequests();
    await call(request({}));
    await call(request({}), { base: 'webhook' });
    const recorded = [...sim.server.requests, ...sim.syncServer.requests];
    expect(recorded).toHaveLength(2);
    for (const entry of recorded) {
      expect(entry.body).not.toContain(ID_NUMBER);
      expect(JSON.parse(entry.body).verification.person.idNumber).toBe('*******0120');
    }
    expect(sim.count('/v1/validate-registry', 'POST')).toBe(2);
    await until(() => gateway.received.length === 1);
  });
});

describe('Veriff simulator: decision webhooks', () => {
  it('answers with the session only, then POSTs the signed decision to the gateway', async () => {
    const result = await call(request({ idNumber: '39912310125' }), { base: 'webhook' });
    expect(result.status).toBe(200);
    const sessionId = result.body.verification.id as string;
    expect(result.body.verification).not.toHaveProperty('person');
    await until(() => sim.deliveries.some((d) => d.sessionId === sessionId));
    const delivery = gateway.received[0]!;
    expect(delivery.headers['x-auth-client']).toBe(sim.endpoint().apiKey);
    expect(delivery.headers['x-hmac-signature']).toBe(createHmac('sha256', sim.endpoint().sharedSecret).update(delivery.body).digest('hex'));
    const decision = JSON.parse(delivery.body);
    expect(decision.verification).toMatchObject({ id: sessionId, status: 'review', code: 9121, person: { firstName: 'ANN', idNumber: null } });
    expect(delivery.body).not.toContain('39912310125');
    expect(sim.deliveries.filter((d) => d.sessionId === sessionId)).toEqual([expect.objectContaining({ attempt: 1, status: 200 })]);
  });

  it('redelivers on a non-200 answer until the gateway takes it', async () => {
    gateway.answers.push(503, 500);
    const result = await call(request({}), { base: 'webhook' });
    const sessionId = result.body.verification.id as string;
    await until(() => sim.deliveries.some((d) => d.sessionId === sessionId && d.status === 200));
    expect(sim.deliveries.filter((d) => d.sessionId === sessionId).map((d) => [d.attempt, d.status])).toEqual([
      [1, 503],
      [2, 500],
      [3, 200],
    ]);
    expect(new Set(gateway.received.map((r) => r.body)).size).toBe(1);
  });

  it('gives up after the last retry', async () => {
    gateway.answers.push(500, 500, 500);
    const result = await call(request({}), { base: 'webhook' });
    const sessionId = result.body.verification.id as string;
    await until(() => sim.deliveries.filter((d) => d.sessionId === sessionId).length === 3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sim.deliveries.filter((d) => d.sessionId === sessionId).map((d) => d.status)).toEqual([500, 500, 500]);
  });

  it('sends a delivered decision again, byte for byte, on redeliver()', async () => {
    const result = await call(request({}), { base: 'webhook' });
    const sessionId = result.body.verification.id as string;
    await until(() => gateway.received.length === 1);
    expect(await sim.redeliver(sessionId)).toBe(200);
    expect(gateway.received).toHaveLength(2);
    expect(gateway.received[1]!.body).toBe(gateway.received[0]!.body);
  });
});

describe('Veriff simulator: lost webhooks, the decision endpoint, signed answers', () => {
  it('signs the sync answer over its exact bytes by default', async () => {
    const answer = await callRaw(request({}));
    expect(answer.headers.get('x-hmac-signature')).toBe(createHmac('sha256', sim.endpoint().sharedSecret).update(answer.text).digest('hex'));
  });

  const signedGet = (sessionId: string, secret = sim.endpoint().sharedSecret) =>
    fetch(`${sim.endpoint().baseUrl}/v1/sessions/${sessionId}/decision`, {
      headers: { 'x-auth-client': sim.endpoint().apiKey, 'x-hmac-signature': createHmac('sha256', secret).update(sessionId).digest('hex') },
    });

  it('drops decision webhooks when told to, and serves the decision signed to a poll instead', async () => {
    sim.setBehaviour({ dropWebhooks: true });
    try {
      const result = await call(request({}), { base: 'webhook' });
      const sessionId = result.body.verification.id as string;
      await until(() => sim.deliveries.some((d) => d.sessionId === sessionId));
      expect(sim.deliveries.filter((d) => d.sessionId === sessionId)).toEqual([expect.objectContaining({ status: null, error: 'dropped' })]);
      expect(gateway.received).toHaveLength(0);
      const answer = await signedGet(sessionId);
      const body = await answer.text();
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-hmac-signature')).toBe(createHmac('sha256', sim.endpoint().sharedSecret).update(body).digest('hex'));
      expect(JSON.parse(body).verification).toMatchObject({ id: sessionId, status: 'approved', code: 9001, person: { idNumber: null } });
    } finally {
      sim.setBehaviour({ dropWebhooks: false });
    }
  });

  it('refuses a decision poll signed over anything but the session id (1818) and answers 404 for an unknown session', async () => {
    const result = await call(request({}), { base: 'webhook' });
    const sessionId = result.body.verification.id as string;
    expect((await signedGet(sessionId, 'another-secret')).status).toBe(401);
    expect((await signedGet('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('signs answers wrongly or not at all when told to, through its control route', async () => {
    const control = await fetch(`${sim.endpoint().baseUrl}/__control/veriff`, { method: 'POST', body: JSON.stringify({ answerSignature: 'wrong' }) });
    expect(await control.json()).toMatchObject({ answerSignature: 'wrong' });
    try {
      const answer = await callRaw(request({}));
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-hmac-signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(answer.headers.get('x-hmac-signature')).not.toBe(createHmac('sha256', sim.endpoint().sharedSecret).update(answer.text).digest('hex'));
      sim.setBehaviour({ answerSignature: 'missing' });
      expect((await callRaw(request({}))).headers.get('x-hmac-signature')).toBeNull();
    } finally {
      sim.setBehaviour({ answerSignature: 'valid' });
    }
    const bad = await fetch(`${sim.endpoint().baseUrl}/__control/veriff`, { method: 'POST', body: JSON.stringify({ answerSignature: 'sometimes' }) });
    expect(bad.status).toBe(400);
  });
});

describe('Veriff simulator: faults', () => {
  it('applies faults set on the default endpoint to the sync endpoint too', async () => {
    sim.server.setFaults({ errorRate: 1, status: 503 });
    try {
      expect((await call(request({}))).status).toBe(503);
    } finally {
      sim.server.setFaults({});
    }
    expect((await call(request({}))).status).toBe(200);
  });
});
