import type { Logger } from '../observability/logger.js';
import type { RealtimeRegisterConfig } from '../config.js';
import { hasValidRealtimeRegisterSignature, parseRealtimeRegisterPush } from '../providers/realtime-register/webhook.js';
import { StoreUnavailable } from '../store/index.js';
import { ingestRealtimeRegisterNotification, type NotificationIngestDeps } from './notification-ingest.js';
import type { WebhookHandler } from './webhook.js';

/**
 * POST /webhooks/realtime-register: signature over the raw bytes (401, nothing stored), then a notification shape
 * (400), then durable ingest; 200 only once stored. A store outage answers 503 so Realtime Register delivers again.
 */
export function createRealtimeRegisterWebhook(
  config: RealtimeRegisterConfig | null,
  ingest: NotificationIngestDeps | null,
  logger: Logger,
): WebhookHandler {
  return async ({ body, headers }) => {
    if (!config || !ingest) return { status: 404, body: { error: 'Realtime Register is not configured on this gateway.' } };
    if (!config.webhookSecret) {
      logger.warn('Realtime Register webhook refused: REALTIME_REGISTER_WEBHOOK_SECRET is not set');
      return { status: 401, body: { error: 'Webhook signatures cannot be checked: no secret is configured.' } };
    }
    if (!hasValidRealtimeRegisterSignature(config.webhookSecret, body, headers)) {
      logger.warn('Realtime Register webhook refused: missing or invalid Signature header');
      return { status: 401, body: { error: 'Missing or invalid Signature header.' } };
    }
    const notification = parseRealtimeRegisterPush(body);
    if (!notification) return { status: 400, body: { error: 'The body is not a Realtime Register notification.' } };
    try {
      const { event, duplicate } = await ingestRealtimeRegisterNotification(ingest, notification, 'rtr-webhook');
      return { status: 200, body: { ok: true, eventId: event.id, duplicate } };
    } catch (err) {
      if (!(err instanceof StoreUnavailable)) throw err;
      logger.warn({ error: err.message, notificationId: String(notification.id) }, 'Realtime Register webhook not stored; answering 503');
      return { status: 503, body: { error: 'The notification could not be stored; please deliver it again.' } };
    }
  };
}
