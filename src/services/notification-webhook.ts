import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../observability/logger.js';
import type { BasicCredentials, RealtimeRegisterConfig } from '../config.js';
import { hasValidBasicAuth, hasValidRealtimeRegisterSignature, readNotification } from '../providers/realtime-register/webhook.js';
import { StoreUnavailable } from '../store/index.js';
import { ingestRealtimeRegisterNotification, type NotificationIngestDeps } from './notification-ingest.js';
import { quarantineDelivery, type QuarantineDeps } from './notification-quarantine.js';
import type { WebhookAnswer, WebhookHandler } from './webhook.js';

/**
 * POST /webhooks/realtime-register. Only two answers are not 2xx, because any other refusal makes Realtime Register
 * retry and then stall the account's whole queue:
 * - 401 when the delivery is not authenticated (see `authenticated`): nothing is stored;
 * - 503 when the gateway's own store cannot keep it, so RTR delivers again.
 * A notification is stored (ingest) and answered 200; an authenticated body the gateway cannot use (not JSON, an
 * unknown shape, a test ping) is quarantined and answered 202.
 */
type Check = 'passed' | 'failed' | 'absent' | 'not configured';

/**
 * RTR's docs allow Basic auth for webhooks "instead of" the HMAC `Signature`: an account sends one or the other, so
 * with both configured, requiring both would refuse every delivery of an account set to one, and stall its queue. A
 * delivery is authenticated when it presents at least one configured credential and every configured credential it
 * presents is valid (a forged or wrong one is refused even beside a good one). Both are evaluated whenever
 * presented, so timing says nothing about which one failed.
 */
function authenticated(secret: string | null | undefined, basic: BasicCredentials | null, body: Buffer, headers: IncomingHttpHeaders): { accepted: boolean; signature: Check; basic: Check } {
  const check = (configured: boolean, presented: boolean, valid: () => boolean): Check =>
    !configured ? 'not configured' : !presented ? 'absent' : valid() ? 'passed' : 'failed';
  const signature = check(Boolean(secret), headers.signature !== undefined, () => hasValidRealtimeRegisterSignature(secret!, body, headers));
  const basicCheck = check(basic !== null, headers.authorization !== undefined, () => hasValidBasicAuth(basic!, headers));
  const accepted = signature !== 'failed' && basicCheck !== 'failed' && (signature === 'passed' || basicCheck === 'passed');
  return { accepted, signature, basic: basicCheck };
}

export function createRealtimeRegisterWebhook(
  config: RealtimeRegisterConfig | null,
  ingest: NotificationIngestDeps | null,
  quarantine: QuarantineDeps,
  logger: Logger,
): WebhookHandler {
  return async ({ body, headers }) => {
    if (!config || !ingest) return { status: 404, body: { error: 'Realtime Register is not configured on this gateway.' } };
    const basic = config.webhookBasic ?? null;
    if (!config.webhookSecret && !basic) {
      logger.warn('Realtime Register webhook refused: neither REALTIME_REGISTER_WEBHOOK_SECRET nor REALTIME_REGISTER_WEBHOOK_BASIC is set');
      return { status: 401, body: { error: 'Webhook deliveries cannot be authenticated: no secret is configured.' } };
    }
    const verdict = authenticated(config.webhookSecret, basic, body, headers);
    if (!verdict.accepted) {
      // Named so the log's redaction of `signature` and `authorization` fields does not blank the verdicts themselves.
      logger.warn({ signatureCheck: verdict.signature, basicAuthCheck: verdict.basic }, 'Realtime Register webhook refused');
      return { status: 401, body: { error: 'Missing or invalid Signature header or Basic credentials.' } };
    }

    const keep = async (reason: 'NOT_JSON' | 'UNKNOWN_SHAPE' | 'UNPROCESSABLE', notificationId: string | null): Promise<WebhookAnswer> => {
      const entry = await quarantineDelivery(quarantine, { source: 'rtr-webhook', reason, body, notificationId });
      return { status: 202, body: { ok: true, quarantined: true, reason, id: entry.id } };
    };

    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return await keep('NOT_JSON', null);
      }
      const value = readNotification(parsed);
      if (!value) return await keep('UNKNOWN_SHAPE', null);
      try {
        const { event, duplicate } = await ingestRealtimeRegisterNotification(ingest, value, 'rtr-webhook');
        return { status: 200, body: { ok: true, eventId: event.id, duplicate } };
      } catch (error) {
        if (error instanceof StoreUnavailable) throw error;
        // A notification that breaks ingest must not be redelivered forever: keep it for a person to look at.
        logger.error({ err: error, notificationId: String(value.id) }, 'Realtime Register notification could not be processed');
        return await keep('UNPROCESSABLE', String(value.id));
      }
    } catch (error) {
      if (!(error instanceof StoreUnavailable)) throw error;
      logger.warn({ error: error.message }, 'Realtime Register webhook not stored; answering 503');
      return { status: 503, body: { error: 'The notification could not be stored; please deliver it again.' } };
    }
  };
}
