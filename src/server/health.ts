import type { ServerResponse } from 'node:http';
import type { Stores } from '../store/index.js';
import { sendJson } from './send-json.js';

/**
 * /readyz: 503 while starting or draining. With Redis configured and unreachable the gateway still serves reads
 * (cache bypassed) but cannot take webhooks durably, so it reports "degraded" with a 200: taking every instance out
 * of a load balancer because Redis blinked would turn a partial outage into a full one. A Redis that keeps nothing on
 * disk, or that was found to have lost its data, is "degraded" too, with the reason in `reasons`.
 */
export async function serveReadiness(res: ServerResponse, state: 'starting' | 'ready' | 'draining', stores: Stores | null): Promise<void> {
  if (state !== 'ready' || !stores) {
    sendJson(res, 503, { status: state });
    return;
  }
  const health = await stores.health();
  const degraded = health.redis === 'down' || health.cache === 'degraded' || (health.reasons?.length ?? 0) > 0;
  sendJson(res, 200, { status: degraded ? 'degraded' : 'ready', ...health });
}
