import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { realtimeRegisterMetrics } from '../../src/observability/realtime-register-metrics.js';
import type { RtrNotification, RtrPollResult } from '../../src/providers/realtime-register/notification.js';
import { parseDenicNotification } from '../../src/providers/realtime-register/denic.js';
import { signRealtimeRegisterBody } from '../../src/providers/realtime-register/webhook.js';
import { createEventService } from '../../src/services/events.js';
import { createNotificationPoller, type NotificationQueue } from '../../src/services/notification-poller.js';
import { createRealtimeRegisterWebhook } from '../../src/services/notification-webhook.js';
import { createStores } from '../../src/store/index.js';
import { denicNotification } from '../helpers/event-fixtures.js';

const SECRET = 'dedupe-test-secret';
/** The gateway's configured customer: what a delivery that names none is filed under. */
const CONFIGURED = 'acme';

/** The account's queue: hands out its head until acked. */
class FakeQueue implements NotificationQueue {
  constructor(readonly items: RtrNotification[]) {}
  async pollNotification(): Promise<RtrPollResult> {
    return { count: this.items.length, notification: this.items[0] ?? null };
  }
  async ackNotification(id: number): Promise<void> {
    const index = this.items.findIndex((item) => String(item.id) === String(id));
    if (index >= 0) this.items.splice(index, 1);
  }
}

/** Notification 4711, for contact h-4711, naming `customer` or (undefined) no customer at all. */
const denic = (customer: string | undefined, id: number | string = 4711): RtrNotification =>
  denicNotification(4711, { id, ...(customer === undefined ? {} : { customer }) });

const transfer = (customer: string | undefined): RtrNotification =>
  ({ id: 812, ...(customer === undefined ? {} : { customer }), message: 'Transfer completed', notificationType: 'DomainTransferNotification', payload: {} }) as RtrNotification;

/** The webhook route and the poller over one set of stores, as one gateway runs them. */
function setup() {
  const metrics = createMetrics();
  const logger = silentLogger();
  const stores = createStores({ redisUrls: [], metrics, logger });
  const events = createEventService({ stores, metrics, logger });
  const ingest = { requests: stores.verificationRequests, events, customer: CONFIGURED };
  const quarantine = { store: stores.quarantine, digest: stores.digest, metrics: realtimeRegisterMetrics(metrics.registry), logger };
  const config = { apiKey: 'k', customer: CONFIGURED, baseUrl: 'http://127.0.0.1:9', webhookSecret: SECRET, pollIntervalMs: 60_000 };
  const webhook = createRealtimeRegisterWebhook(config, ingest, quarantine, logger);
  return {
    stores,
    eventService: events,
    async deliverByWebhook(notification: RtrNotification) {
      const body = Buffer.from(JSON.stringify(notification));
      return webhook({ body, headers: { signature: signRealtimeRegisterBody(SECRET, body) } });
    },
    async deliverByPoll(notification: RtrNotification) {
      const poller = createNotificationPoller({ queue: new FakeQueue([notification]), ingest, quarantine, locks: stores.locks, durable: true, intervalMs: 3_600_000, logger });
      poller.start();
      await poller.pollNow();
      await poller.stop();
    },
    requests: () => stores.verificationRequests.list(),
    events: () => stores.eventLog.read({ limit: 10 }),
  };
}

describe('one Realtime Register notification delivered by webhook and by poll', () => {
  it('is stored once when the webhook names no customer and the poll names one (webhook first)', async () => {
    const gateway = setup();
    expect((await gateway.deliverByWebhook(denic(undefined))).body).toMatchObject({ duplicate: false });
    await gateway.deliverByPoll(denic('reseller-7'));
    expect(await gateway.requests()).toEqual([expect.objectContaining({ id: 'rtr:4711', contactHandle: 'h-4711' })]);
    expect((await gateway.events()).map((event) => event.type)).toEqual(['VERIFICATION_REQUIRED']);
  });

  it('is stored once when the poll names a customer and the webhook a different one (poll first)', async () => {
    const gateway = setup();
    await gateway.deliverByPoll(denic('reseller-7'));
    // The id as a numeric string: the webhook's reading makes it the same id the poll read.
    expect((await gateway.deliverByWebhook(denic('reseller-8', '4711'))).body).toMatchObject({ duplicate: true });
    expect(await gateway.requests()).toEqual([expect.objectContaining({ id: 'rtr:4711', customer: 'reseller-7' })]);
    expect(await gateway.events()).toHaveLength(1);
  });

  it('stores a notification that is no DENIC request as one event, either order', async () => {
    const webhookFirst = setup();
    await webhookFirst.deliverByWebhook(transfer(undefined));
    await webhookFirst.deliverByPoll(transfer('reseller-7'));
    expect(await webhookFirst.events()).toEqual([expect.objectContaining({ type: 'PROVIDER_NOTIFICATION', notificationId: '812' })]);

    const pollFirst = setup();
    await pollFirst.deliverByPoll(transfer('reseller-7'));
    await pollFirst.deliverByWebhook(transfer(undefined));
    expect(await pollFirst.events()).toEqual([expect.objectContaining({ type: 'PROVIDER_NOTIFICATION', notificationId: '812' })]);
  });

  it('finds a request stored under the former id (rtr:<customer>:<id>) and stores nothing new', async () => {
    const gateway = setup();
    // What a gateway before this change stored: the request and its event, both keyed with the customer.
    const former = { ...parseDenicNotification(denic(CONFIGURED), { customer: CONFIGURED })!, id: `rtr:${CONFIGURED}:4711` };
    await gateway.stores.verificationRequests.put(former);
    await gateway.eventService.record(
      { type: 'VERIFICATION_REQUIRED', provider: 'REALTIME_REGISTER', occurredAt: former.receivedAt, contactHandle: former.contactHandle, request: former },
      { dedupeKey: former.id },
    );

    await gateway.deliverByPoll(denic(CONFIGURED));
    expect((await gateway.deliverByWebhook(denic(undefined))).body).toMatchObject({ duplicate: true });
    expect((await gateway.requests()).map((request) => request.id)).toEqual([former.id]);
    expect(await gateway.events()).toHaveLength(1);
  });
});
