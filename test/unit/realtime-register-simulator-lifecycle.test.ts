import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';

/**
 * The simulator's revision 2 behaviour: 202 processes that complete or fail (seeded, or planned per handle),
 * /validate, both error vocabularies, pushes signed in every reading (with optional Basic auth), domain processes.
 */
const pushes: { body: string; headers: IncomingHttpHeaders }[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    pushes.push({ body: Buffer.concat(chunks).toString(), headers: req.headers });
    res.writeHead(200).end();
  });
});
let receiverUrl: string | null = null;
const simulator = new RealtimeRegisterSimulator({ gatewayUrl: () => receiverUrl, seedDenicRequests: 0, contactCount: 20, asyncShare: 0, webhookBasic: 'rtr-push:pa:ss' });
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  await simulator.start();
  baseUrl = simulator.endpoint().baseUrl;
});
afterAll(async () => {
  await simulator.stop();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function call(method: string, path: string, body?: object) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `ApiKey ${simulator.endpoint().apiKey}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function control(path: string, body: object) {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

const idCard = { verificationDate: '2026-04-16T00:00:00Z', externalId: 'kyc-sim-1', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] };
const externalIds = async (handle: string) =>
  ((await call('GET', `/v2/customers/sandbox/contacts/${handle}`)).json.verifications ?? []).map((item: { externalId: string }) => item.externalId);

describe('simulated asynchronous processes', () => {
  it('answers a planned handle 202, runs the process, and applies the evidence only once it completes', async () => {
    expect((await control('/__control/processes', { handle: 'rtr-0003', outcome: 'COMPLETED', checks: 2 })).status).toBe(200);
    const accepted = await call('POST', '/v2/customers/sandbox/contacts/rtr-0003/update', { verifications: [idCard] });
    expect(accepted.status).toBe(202);
    const id = accepted.json.processId;
    expect(accepted.headers.get('x-process-id')).toBe(String(id));
    expect(await externalIds('rtr-0003')).not.toContain('kyc-sim-1');
    expect((await call('GET', `/v2/processes/${id}`)).json).toMatchObject({ id, status: 'RUNNING', identifier: 'rtr-0003' });
    expect((await call('GET', `/v2/processes/${id}`)).json.status).toBe('RUNNING');
    expect((await call('GET', `/v2/processes/${id}`)).json.status).toBe('COMPLETED');
    expect(await externalIds('rtr-0003')).toContain('kyc-sim-1');
  });

  it('fails a planned process with the given reason and drops its evidence', async () => {
    await control('/__control/processes', { handle: 'rtr-0004', outcome: 'INVALID', checks: 0, reason: 'Claims do not match the registry' });
    const { json } = await call('POST', '/v2/customers/sandbox/contacts/rtr-0004/update', { verifications: [{ ...idCard, externalId: 'kyc-sim-2' }] });
    const ended = (await call('GET', `/v2/processes/${json.processId}`)).json;
    expect(ended).toMatchObject({ status: 'INVALID', statusDetail: 'Claims do not match the registry', error: { message: 'Claims do not match the registry' } });
    expect(await externalIds('rtr-0004')).not.toContain('kyc-sim-2');
  });

  it('forgets a process when planned so: 404 ObjectDoesNotExist', async () => {
    await control('/__control/processes', { handle: 'rtr-0005', outcome: 'FORGOTTEN', checks: 0 });
    const { json } = await call('POST', '/v2/customers/sandbox/contacts/rtr-0005/update', { city: 'Utrecht' });
    expect(await call('GET', `/v2/processes/${json.processId}`)).toMatchObject({ status: 404, json: { type: 'ObjectDoesNotExist' } });
  });

  it('refuses a bad body at once, without starting a process', async () => {
    await control('/__control/processes', { handle: 'rtr-0006', outcome: 'COMPLETED' });
    expect((await call('POST', '/v2/customers/sandbox/contacts/rtr-0006/update', { voice: '123' })).status).toBe(400);
  });

  it('refuses a bad plan with 400', async () => {
    expect((await control('/__control/processes', { handle: 'rtr-0007', outcome: 'MAYBE' })).status).toBe(400);
  });

  it('ends unplanned processes the same way for the same seed', async () => {
    const outcomes = async () => {
      const sim = new RealtimeRegisterSimulator({ gatewayUrl: () => null, seedDenicRequests: 0, contactCount: 20, asyncShare: 1, seed: 42 });
      await sim.start();
      const ends: string[] = [];
      try {
        for (let i = 0; i < 10; i++) {
          const headers = { authorization: `ApiKey ${sim.endpoint().apiKey}`, 'content-type': 'application/json' };
          const update = await fetch(`${sim.endpoint().baseUrl}/v2/customers/sandbox/contacts/rtr-0010/update`, { method: 'POST', headers, body: '{"city":"Gent"}' });
          const { processId } = (await update.json()) as { processId: number };
          for (;;) {
            const process = (await (await fetch(`${sim.endpoint().baseUrl}/v2/processes/${processId}`, { headers })).json()) as { status: string };
            if (process.status !== 'RUNNING' && process.status !== 'NEW') {
              ends.push(process.status);
              break;
            }
          }
        }
      } finally {
        await sim.stop();
      }
      return ends;
    };
    const first = await outcomes();
    expect(await outcomes()).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['COMPLETED', 'FAILED']));
  });
});

describe('simulated contact validation', () => {
  it('records a validation request for an existing contact and refuses an unknown one or empty categories', async () => {
    expect((await call('POST', '/v2/customers/sandbox/contacts/rtr-0008/validate', { categories: ['General'] })).status).toBe(200);
    expect(simulator.validations.at(-1)).toMatchObject({ customer: 'sandbox', handle: 'rtr-0008', categories: ['General'] });
    expect(await call('POST', '/v2/customers/sandbox/contacts/rtr-9999/validate', { categories: ['General'] })).toMatchObject({ status: 404, json: { type: 'ObjectDoesNotExist' } });
    expect((await call('POST', '/v2/customers/sandbox/contacts/rtr-0008/validate', { categories: [] })).status).toBe(400);
  });
});

describe('simulated error vocabularies', () => {
  it('answers in the API spec\'s vocabulary by default and the errors page\'s on request', async () => {
    expect(await call('GET', '/v2/customers/sandbox/contacts/rtr-9999')).toMatchObject({ status: 404, json: { type: 'ObjectDoesNotExist' } });
    expect((await control('/__control/settings', { errorVocabulary: 'errors-page' })).status).toBe(200);
    try {
      expect(await call('GET', '/v2/customers/sandbox/contacts/rtr-9999')).toMatchObject({ status: 400, json: { type: 'ObjectDoesNotExist' } });
      const invalid = await call('POST', '/v2/customers/sandbox/contacts/rtr-0001/update', { voice: '123', country: 'XX' });
      expect(invalid).toMatchObject({ status: 400, json: { type: 'ContactUpdateValidationError', errors: { voice: expect.any(String), country: expect.any(String) } } });
      const unauthenticated = await fetch(`${baseUrl}/v2/customers/sandbox/contacts/rtr-0001`, { headers: { authorization: 'ApiKey wrong' } });
      expect(await unauthenticated.json()).toMatchObject({ type: 'AuthenticationError' });
    } finally {
      await control('/__control/settings', { errorVocabulary: 'api-spec' });
    }
  });

  it('refuses an unknown vocabulary or signature reading', async () => {
    expect((await control('/__control/settings', { errorVocabulary: 'klingon' })).status).toBe(400);
    expect((await control('/__control/settings', { signatureReading: 'rot13' })).status).toBe(400);
  });
});

describe('simulated webhook pushes', () => {
  const digest = (body: string) => createHmac('sha256', simulator.endpoint().webhookSecret).update(body).digest();

  it.each([
    ['base64-digest', (body: string) => digest(body).toString('base64')],
    ['base64-hex', (body: string) => Buffer.from(` ${digest(body).toString('hex')}`).toString('base64')],
    ['hex', (body: string) => digest(body).toString('hex')],
  ] as const)('signs in the %s reading when told to, with no Basic credentials beside the signature', async (reading, expected) => {
    await control('/__control/settings', { signatureReading: reading, webhookAuth: 'signature' });
    const before = pushes.length;
    simulator.injectNotification({ message: `ping ${reading}` });
    await vi.waitFor(() => expect(pushes.length).toBeGreaterThan(before), { timeout: 5_000 });
    const push = pushes.at(-1)!;
    expect(push.headers.signature).toBe(expected(push.body));
    expect(push.headers.authorization).toBeUndefined();
  });

  it('pushes with the configured Basic credentials instead of a signature when set to Basic auth', async () => {
    await control('/__control/settings', { webhookAuth: 'basic' });
    const before = pushes.length;
    simulator.injectNotification({ message: 'ping basic' });
    await vi.waitFor(() => expect(pushes.length).toBeGreaterThan(before), { timeout: 5_000 });
    const push = pushes.at(-1)!;
    expect(push.headers.authorization).toBe(`Basic ${Buffer.from('rtr-push:pa:ss').toString('base64')}`);
    expect(push.headers.signature).toBeUndefined();
    expect(simulator.endpoint().webhookBasic).toEqual({ username: 'rtr-push', password: 'pa:ss' });
  });
});

describe('simulated domain-process notifications', () => {
  it('puts the domain in processIdentifier and the contact only in the payload', () => {
    const notification = simulator.injectDenicRequest({ handle: 'rtr-0009', claims: ['NAME'], deDelegationDomain: 'beispiel.de', deDelegationDate: '2026-12-01T00:00:00Z', process: 'domain', shape: 'message' });
    expect(notification).toMatchObject({ processType: 'domain', processIdentifier: 'beispiel.de', payload: { handle: 'rtr-0009' } });
  });
});
