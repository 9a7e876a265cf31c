import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import type { RealtimeRegisterSimulatorOptions } from '../../src/sandbox/realtime-register.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function startSimulator(options: Partial<RealtimeRegisterSimulatorOptions> = {}) {
  const simulator = new RealtimeRegisterSimulator({ gatewayUrl: () => null, seedDenicRequests: 0, contactCount: 10, asyncShare: 0, ...options });
  await simulator.start();
  stops.push(() => simulator.stop());
  const { baseUrl, apiKey } = simulator.endpoint();
  const call = async (method: string, path: string) => {
    const response = await fetch(`${baseUrl}${path}`, { method, headers: { authorization: `ApiKey ${apiKey}` } });
    const text = await response.text();
    return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
  };
  return { simulator, call, baseUrl };
}

/** A webhook receiver that answers 500 to the first `failures` pushes, then 200. */
async function startReceiver(failures: number) {
  const pushes: { body: string; signature: string | undefined }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      pushes.push({ body: Buffer.concat(chunks).toString(), signature: req.headers.signature as string | undefined });
      res.writeHead(pushes.length <= failures ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pushes };
}

const denic = { handle: 'rtr-0002', claims: ['NAME', 'ADDRESS'], deDelegationDomain: 'example.de', deDelegationDate: '2026-12-01T00:00:00Z', deletionDomain: 'example.de', deletionDate: '2027-01-01T00:00:00Z' };

describe('the Realtime Register simulator notification queue', () => {
  it('returns the same oldest notification on every poll until it is acked', async () => {
    const { simulator, call } = await startSimulator();
    const first = simulator.injectDenicRequest(denic);
    const second = simulator.injectNotification({ message: 'Domain example.nl renewed', eventType: 'DOMAIN_RENEWED' });

    const poll = () => call('GET', '/v2/customers/sandbox/notifications/poll');
    expect((await poll()).json).toMatchObject({ count: 2, notification: { id: first.id } });
    expect((await poll()).json).toMatchObject({ count: 2, notification: { id: first.id, readDate: expect.any(String) } });

    const ack = await call('POST', `/v2/customers/sandbox/notifications/${first.id}/ack`);
    expect(ack).toMatchObject({ status: 200, text: '' });
    expect((await poll()).json).toMatchObject({ count: 1, notification: { id: second.id, message: 'Domain example.nl renewed' } });
    await call('POST', `/v2/customers/sandbox/notifications/${second.id}/ack`);
    expect((await poll()).json).toEqual({ count: 0 });
  });

  it('keeps acked notifications readable through get and list, and 404s an unknown id', async () => {
    const { simulator, call } = await startSimulator();
    const notification = simulator.injectDenicRequest(denic);
    await call('POST', `/v2/customers/sandbox/notifications/${notification.id}/ack`);
    expect((await call('GET', `/v2/customers/sandbox/notifications/${notification.id}`)).json).toMatchObject({ id: notification.id, acknowledgeDate: expect.any(String) });
    expect((await call('GET', '/v2/customers/sandbox/notifications?limit=5')).json).toMatchObject({ entities: [{ id: notification.id }], pagination: { limit: 5, offset: 0, total: 1 } });
    expect((await call('POST', '/v2/customers/sandbox/notifications/999999/ack')).json).toMatchObject({ type: 'ObjectDoesNotExist' });
  });

  it('puts the DENIC data in payload fields in the payload shape', async () => {
    const { simulator } = await startSimulator();
    const notification = simulator.injectDenicRequest({ ...denic, shape: 'payload' });
    expect(notification).toMatchObject({
      eventType: 'CONTACT_VERIFICATION_REQUIRED',
      processType: 'contact',
      processIdentifier: 'rtr-0002',
      customer: 'sandbox',
      isAsync: false,
      payload: { handle: 'rtr-0002', claims: ['NAME', 'ADDRESS'], deDelegationDomain: 'example.de', deDelegationDate: '2026-12-01T00:00:00Z', deletionDomain: 'example.de', deletionDate: '2027-01-01T00:00:00Z' },
    });
  });

  it('puts the DENIC data only in the message text in the message shape', async () => {
    const { simulator } = await startSimulator();
    const notification = simulator.injectDenicRequest({ ...denic, shape: 'message' });
    expect(notification.payload).toEqual({});
    expect(notification.message).toBe(
      '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]. First domain to be de-delegated: example.de on 2026-12-01T00:00:00Z. First domain to be deleted: example.de on 2027-01-01T00:00:00Z',
    );
  });

  it('injects through POST /__control/notifications and refuses bad options with 400', async () => {
    const { simulator, baseUrl } = await startSimulator();
    const post = (body: object) => fetch(`${baseUrl}/__control/notifications`, { method: 'POST', body: JSON.stringify(body) });
    const created = await post({ ...denic, shape: 'message' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ processIdentifier: 'rtr-0002', payload: {} });
    expect((await post({ handle: 'rtr-0002', claims: ['SHOE_SIZE'] })).status).toBe(400);
    expect(simulator.notifications.notifications()).toHaveLength(1);
    expect(simulator.server.count()).toBe(0);
  });

  it('seeds DENIC requests for German contacts with deadlines days ahead', async () => {
    const now = new Date('2026-06-01T12:30:00Z');
    const { simulator } = await startSimulator({ seedDenicRequests: 3, contactCount: 500, now: () => now });
    const seeded = simulator.notifications.notifications();
    expect(seeded).toHaveLength(3);
    for (const notification of seeded) expect(simulator.contacts.contact('sandbox', notification.processIdentifier!)?.country).toBe('DE');
    expect(seeded.map((notification) => notification.message.match(/de-delegated: \S+ on (\S+)\./)?.[1])).toEqual([
      '2026-06-04T12:00:00Z',
      '2026-06-11T12:00:00Z',
      '2026-06-21T12:00:00Z',
    ]);
    expect(seeded.map((notification) => Object.keys(notification.payload).length > 0)).toEqual([true, true, false]);
  });
});

describe('the Realtime Register simulator webhook push', () => {
  it('signs each push with Base64(HMAC-SHA256(secret, body)) and retries until the receiver accepts', async () => {
    const receiver = await startReceiver(2);
    const { simulator } = await startSimulator({ gatewayUrl: () => receiver.url, webhookRetryDelaysMs: [20, 20, 20] });
    const notification = simulator.injectDenicRequest(denic);

    await vi.waitFor(() => expect(simulator.deliveries.at(-1)?.delivered).toBe(true), { timeout: 5_000 });
    expect(simulator.deliveries.map((delivery) => [delivery.attempt, delivery.status, delivery.delivered])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    const { webhookSecret } = simulator.endpoint();
    for (const push of receiver.pushes) {
      expect(push.signature).toBe(createHmac('sha256', webhookSecret).update(push.body).digest('base64'));
      expect(JSON.parse(push.body)).toMatchObject({ id: notification.id, processIdentifier: 'rtr-0002' });
      expect(JSON.parse(push.body)).not.toHaveProperty('acknowledgeDate');
    }
    expect(simulator.deliveries[0]!.url).toBe(`${receiver.url}/webhooks/realtime-register`);
    expect(notification.deliveryDate).toEqual(expect.any(String));
  });

  it('gives up after the last retry of the schedule', async () => {
    const receiver = await startReceiver(100);
    const log: string[] = [];
    const { simulator } = await startSimulator({ gatewayUrl: () => receiver.url, webhookRetryDelaysMs: [10], log: (line) => log.push(line) });
    simulator.injectNotification({ message: 'hello' });
    await vi.waitFor(() => expect(log.some((line) => line.includes('giving up'))).toBe(true), { timeout: 5_000 });
    expect(receiver.pushes).toHaveLength(2);
  });

  it('pushes nothing when pushWebhooks is off', async () => {
    const receiver = await startReceiver(0);
    const { simulator, call } = await startSimulator({ gatewayUrl: () => receiver.url, pushWebhooks: false });
    simulator.injectDenicRequest(denic);
    // The queue still holds it: a poll answers it, and no push was attempted meanwhile.
    expect((await call('GET', '/v2/customers/sandbox/notifications/poll')).json).toMatchObject({ count: 1 });
    expect(simulator.deliveries).toHaveLength(0);
    expect(receiver.pushes).toHaveLength(0);
  });
});
