import type { ServerResponse } from 'node:http';
import type { Stores, StoresHealth } from '../store/index.js';
import { sendJson } from './send-json.js';

/** What an operator reads in `reasons` for the two degradations the stores report as states, not sentences. */
const REDIS_DOWN =
  'Redis is unreachable: reads bypass the cache, webhooks answer 503 (the providers deliver again), mutations answer UnavailableError and send nothing, rate limits count per instance; all of it recovers when Redis answers.';
const CACHE_BYPASSED = 'The shared cache is bypassed after Redis was slow or away (probed every 500 ms): reads go to the providers meanwhile.';

/**
 * /readyz: 503 while starting or draining. With Redis configured and unreachable the gateway still serves reads
 * (cache bypassed) but cannot take webhooks durably, so it reports "degraded" with a 200: taking every instance out
 * of a load balancer because Redis blinked would turn a partial outage into a full one. A Redis that keeps nothing on
 * disk, or that was found to have lost its data, is "degraded" too. Every degraded answer says why in `reasons`.
 */
export async function serveReadiness(res: ServerResponse, state: 'starting' | 'ready' | 'draining', stores: Stores | null): Promise<void> {
  if (state !== 'ready' || !stores) {
    sendJson(res, 503, { status: state });
    return;
  }
  const health = await stores.health();
  const reasons = readinessReasons(health);
  sendJson(res, 200, { status: reasons.length > 0 ? 'degraded' : 'ready', ...health, ...(health.reasons || reasons.length > 0 ? { reasons } : {}) });
}

function readinessReasons(health: StoresHealth): string[] {
  return [
    ...(health.redis === 'down' ? [REDIS_DOWN] : health.cache === 'degraded' ? [CACHE_BYPASSED] : []),
    ...(health.reasons ?? []),
  ];
}
