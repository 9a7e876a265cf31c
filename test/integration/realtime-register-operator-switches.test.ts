import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRealtimeRegisterBody } from '../../src/providers/realtime-register/webhook.js';
import { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRealtimeRegisterOnly } from '../helpers/realtime-register-live.js';
import { denicNotification, eventually, freshNotificationId } from './events-support.js';

/** What an operator switches: the account-wide queue left to another consumer, and Basic auth on the webhook. */

describe('REALTIME_REGISTER_POLL=off', () => {
  let simulator: RealtimeRegisterSimulator;
  let gateway: TestGateway | null = null;
  let stop: () => Promise<void> = async () => {};

  beforeAll(async () => {
    ({ simulator, gateway, stop } = await startRealtimeRegisterOnly({ simulator: { seedDenicRequests: 2, contactCount: 20 }, env: { REALTIME_REGISTER_POLL_INTERVAL_MS: '20' } }));
  });

  afterAll(async () => {
    await stop();
  });

  it('never reads (or acks) the queue, says so at start, and still takes every webhook', async () => {
    // The two queued requests arrive by webhook only.
    await eventually(async () => (await gateway!.services.verificationRequests.list(null, {})).totalCount === 2);
    expect(await gateway!.services.verificationRequests.pollNotifications()).toBe(0);
    expect(simulator.server.count('/v2/customers/sandbox/notifications')).toBe(0);
    expect(simulator.notifications.notifications().every((notification) => !notification.acknowledgeDate)).toBe(true);
    expect(gateway!.logs()).toContain('REALTIME_REGISTER_POLL is off');
  });
});

describe('REALTIME_REGISTER_WEBHOOK_BASIC', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    // In the sandbox the simulator's Basic credentials become the gateway's, like the webhook secret.
    gateway = await startTestGateway({ gateway: { sandbox: { realtimeRegister: { webhookBasic: 'rtr-push:s3cret:pass', seedDenicRequests: 1 } } } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('takes the simulator\'s pushes, which carry the Basic credentials instead of the signature', async () => {
    await eventually(async () => (await gateway.services.verificationRequests.list(null, {})).totalCount === 1);
    // The poller may store the request before the push lands (both deliver it): wait for the push to be taken. A push
    // during start-up may first get 503 (redelivered); none is ever refused as unauthenticated.
    const statuses = () => gateway.sandbox!.realtimeRegister.deliveries.map((delivery) => delivery.status);
    await eventually(async () => statuses().includes(200));
    expect(statuses().filter((status) => status !== 200 && status !== 503)).toEqual([]);
  });

  it('refuses wrong Basic credentials, alone or beside a right signature, storing nothing; a right signature alone is taken', async () => {
    const body = JSON.stringify(denicNotification(freshNotificationId(), 'h-wrong-basic'));
    const signature = signRealtimeRegisterBody(gateway.sandbox!.realtimeRegister.endpoint().webhookSecret, body);
    const guess = `Basic ${Buffer.from('rtr-push:guess').toString('base64')}`;
    const post = (headers: Record<string, string>) => fetch(`${gateway.url}/webhooks/realtime-register`, { method: 'POST', headers, body });
    expect((await post({ authorization: guess })).status).toBe(401);
    expect((await post({ signature, authorization: guess })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect((await gateway.services.verificationRequests.list({ contactHandle: 'h-wrong-basic' }, {})).totalCount).toBe(0);
    // The account may be switched back to HMAC while Basic is still configured here: a signed push is taken.
    expect((await post({ signature })).status).toBe(200);
    expect((await gateway.services.verificationRequests.list({ contactHandle: 'h-wrong-basic' }, {})).totalCount).toBe(1);
  });

  it('answers a body over 256 KiB with right Basic credentials 202 (quarantined), and with wrong ones 413 unread', async () => {
    const body = JSON.stringify({ ...denicNotification(freshNotificationId(), 'h-big-basic'), padding: 'x'.repeat(300 * 1024) });
    const post = (authorization: string) => fetch(`${gateway.url}/webhooks/realtime-register`, { method: 'POST', headers: { authorization }, body });
    const right = await post(`Basic ${Buffer.from('rtr-push:s3cret:pass').toString('base64')}`);
    expect(right.status).toBe(202);
    expect(await right.json()).toMatchObject({ quarantined: true, reason: 'TOO_LARGE' });
    expect((await post(`Basic ${Buffer.from('rtr-push:guess').toString('base64')}`)).status).toBe(413);
    expect((await gateway.services.verificationRequests.list({ contactHandle: 'h-big-basic' }, {})).totalCount).toBe(0);
  });
});
