import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../observability/logger.js';
import type { BasicCredentials, RealtimeRegisterConfig } from '../config.js';
import { createHmac } from 'node:crypto';
import { signatureDigestCandidates } from '../providers/realtime-register/assumptions.js';
import { hasValidBasicAuth, hasValidRealtimeRegisterSignature, readNotification, signatureMatchesDigest } from '../providers/realtime-register/webhook.js';
import { StoreUnavailable } from '../store/index.js';
import { ingestRealtimeRegisterNotification, type NotificationIngestDeps } from './notification-ingest.js';
import { quarantineDelivery, type QuarantineDeps } from './notification-quarantine.js';
import type { WebhookAnswer, WebhookHandler } from './webhook.js';
import { utf8Text } from '../providers/utf8-text.js';

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
function authenticated(secret: string | null | undefined, basic: BasicCredentials | null, signatureValid: () => boolean, headers: IncomingHttpHeaders): { accepted: boolean; signature: Check; basic: Check } {
  const check = (configured: boolean, presented: boolean, valid: () => boolean): Check =>
    !configured ? 'not configured' : !presented ? 'absent' : valid() ? 'passed' : 'failed';
  const signature = check(Boolean(secret), headers.signature !== undefined, signatureValid);
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
  /** Null when the delivery may go on; else the refusal (401, or 404 without Realtime Register). */
  const refusal = (headers: IncomingHttpHeaders, signatureValid: () => boolean): WebhookAnswer | null => {
    if (!config || !ingest) return { status: 404, body: { error: 'Realtime Register is not configured on this gateway.' } };
    const basic = config.webhookBasic ?? null;
    if (!config.webhookSecret && !basic) {
      logger.warn('Realtime Register webhook refused: neither REALTIME_REGISTER_WEBHOOK_SECRET nor REALTIME_REGISTER_WEBHOOK_BASIC is set');
      return { status: 401, body: { error: 'Webhook deliveries cannot be authenticated: no secret is configured.' } };
    }
    const verdict = authenticated(config.webhookSecret, basic, signatureValid, headers);
    if (verdict.accepted) return null;
    // Named so the log's redaction of `signature` and `authorization` fields does not blank the verdicts themselves.
    logger.warn({ signatureCheck: verdict.signature, basicAuthCheck: verdict.basic }, 'Realtime Register webhook refused');
    return { status: 401, body: { error: 'Missing or invalid Signature header or Basic credentials.' } };
  };

  const storeUnavailable = (error: unknown): WebhookAnswer => {
    if (!(error instanceof StoreUnavailable)) throw error;
    logger.warn({ error: error.message }, 'Realtime Register webhook not stored; answering 503');
    return { status: 503, body: { error: 'The notification could not be stored; please deliver it again.' } };
  };

  const handler: WebhookHandler = async ({ body, headers }) => {
    const refused = refusal(headers, () => hasValidRealtimeRegisterSignature(config!.webhookSecret!, body, headers));
    if (refused || !ingest) return refused!;

    const keep = async (reason: 'NOT_JSON' | 'UNKNOWN_SHAPE' | 'UNPROCESSABLE', notificationId: string | null): Promise<WebhookAnswer> => {
      const entry = await quarantineDelivery(quarantine, { source: 'rtr-webhook', reason, body, notificationId });
      return { status: 202, body: { ok: true, quarantined: true, reason, id: entry.id } };
    };

    try {
      let parsed: unknown;
      try {
        // A leading byte order mark dropped (utf8Text): JSON.parse fails on it, and a DENIC demand would sit in the quarantine.
        parsed = JSON.parse(utf8Text(body));
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
      return storeUnavailable(error);
    }
  };

  // A body past the route's limit is no notification the gateway can use, but refusing an authenticated one would
  // make RTR redeliver it and then stall the account's queue: when it carries a credential that could pass it is
  // digested as it streams in, and when authenticated its head is quarantined (TOO_LARGE) and answered 202.
  handler.oversized = {
    maxBytes: WEBHOOK_OVERSIZED_MAX,
    begin(headers) {
      // Read on only for a credential that could pass: a Signature that decodes to a digest in some reading, or right
      // Basic credentials (checked now, before the rest). Anything else is refused at 256 KiB, unread, as before.
      const signed = Boolean(config?.webhookSecret) && typeof headers.signature === 'string' && signatureDigestCandidates(headers.signature).length > 0;
      const basic = config?.webhookBasic ?? null;
      if (!signed && !(basic && headers.authorization !== undefined && hasValidBasicAuth(basic, headers))) return null;
      const hmac = config?.webhookSecret ? createHmac('sha256', config.webhookSecret) : null;
      return {
        update: (chunk) => hmac?.update(chunk),
        async judge(head, bytes) {
          const refused = refusal(headers, () => hmac !== null && signatureMatchesDigest(hmac.digest(), headers));
          if (refused) return refused;
          try {
            const entry = await quarantineDelivery(quarantine, { source: 'rtr-webhook', reason: 'TOO_LARGE', body: head, totalBytes: bytes, notificationId: null });
            return { status: 202, body: { ok: true, quarantined: true, reason: 'TOO_LARGE', id: entry.id } };
          } catch (error) {
            return storeUnavailable(error);
          }
        },
      };
    },
  };
  return handler;
}

/**
 * Largest webhook body read to its end (and so answered 2xx when authenticated). Notifications are a few kilobytes;
 * past this a body is refused (413) unread, whatever it costs: reading on would let anyone hold a connection and a
 * core hashing an endless upload.
 */
export const WEBHOOK_OVERSIZED_MAX = 16 * 1024 * 1024;
