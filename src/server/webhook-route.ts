import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { WebhookHandler } from '../services/webhook.js';
import { BodyTooLarge, readBody, readBodyKeepingHead } from './read-body.js';
import type { OversizedDelivery, WebhookAnswer } from '../services/webhook.js';
import { sendJson } from './send-json.js';

/** Provider notifications are small; anything bigger is not one of theirs. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** POST-only, size-capped route that hands the raw bytes to a provider's webhook handler. */
export async function serveWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  options: { provider: string; handler: WebhookHandler; metrics: GatewayMetrics; logger: Logger },
): Promise<void> {
  const { provider, metrics } = options;
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: 'Use POST.' }, { allow: 'POST' });
    return;
  }
  let body: Buffer;
  let oversized: { delivery: OversizedDelivery; bytes: number } | null = null;
  try {
    const { handler } = options;
    if (handler.oversized) {
      let delivery: OversizedDelivery | null = null;
      const read = await readBodyKeepingHead(req, WEBHOOK_BODY_LIMIT, handler.oversized.maxBytes, () => (delivery = handler.oversized!.begin(req.headers)));
      body = read.head;
      if (delivery) oversized = { delivery, bytes: read.bytes };
    } else {
      body = await readBody(req, WEBHOOK_BODY_LIMIT);
    }
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      metrics.webhooks.inc({ provider, outcome: 'too_large' });
      sendJson(res, 413, { error: error.message });
      return;
    }
    throw error;
  }
  try {
    const answer: WebhookAnswer = oversized ? await oversized.delivery.judge(body, oversized.bytes) : await options.handler({ body, headers: req.headers });
    metrics.webhooks.inc({ provider, outcome: String(answer.status) });
    sendJson(res, answer.status, answer.body ?? { ok: answer.status < 300 });
  } catch (error) {
    // A handler that throws has not stored the delivery: 503 makes the provider deliver again.
    options.logger.error({ err: error, provider }, 'webhook handler failed');
    metrics.webhooks.inc({ provider, outcome: 'error' });
    sendJson(res, 503, { error: 'Could not store the delivery; please retry.' });
  }
}
