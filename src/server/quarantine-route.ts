import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services/index.js';
import { StoreUnavailable } from '../store/index.js';
import type { FailedAuthBudget } from './failed-auth-budget.js';
import { tooManyFailedAuthentications } from './failed-auth-budget.js';
import type { Principal } from '../schema/context.js';
import type { Authenticate } from './principal.js';
import type { RateLimiter } from './rate-limit.js';
import { rateLimited } from './use-caller-guard.js';
import { sendJson } from './send-json.js';

/** Where operators list what the gateway quarantined. */
export const QUARANTINE_PATH = '/operator/quarantine';

/**
 * events:read because quarantined items are undelivered events; contacts:read because their bodies are raw
 * Realtime Register data (contact names, emails, phones), which is what contacts:read guards everywhere else.
 */
const QUARANTINE_SCOPES = ['events:read', 'contacts:read'] as const;

/** Entries one call returns at most. */
const MAX_LIMIT = 1_000;

/**
 * GET /operator/quarantine?limit=50: deliveries the gateway accepted but could not use (Realtime Register webhook
 * bodies and queue items that were not notifications, Veriff decisions for sessions it does not know), newest first, for an operator to look at or replay. An HTTP
 * route rather than a GraphQL field: it is an operator's tool over raw provider bytes, not part of the public
 * contract frontends build on. Needs `events:read` and `contacts:read` (QUARANTINE_SCOPES), and each call is one of the
 * key's requests (RATE_LIMIT_PER_MINUTE, shared with /graphql). Bodies are shown as kept:
 * six-digit runs were masked before they were stored (src/services/notification-quarantine.ts).
 */
export async function serveQuarantine(req: IncomingMessage, res: ServerResponse, options: { authenticate: Authenticate; failedAuth: FailedAuthBudget; limiter: () => RateLimiter; services: () => Services }): Promise<void> {
  if (req.method !== 'GET') {
    sendJson(res, 405, { error: 'Use GET.' }, { allow: 'GET' });
    return;
  }
  const wait = options.failedAuth.waitFor(req);
  if (wait > 0) {
    sendJson(res, 429, { error: tooManyFailedAuthentications(wait) }, { 'retry-after': String(wait) });
    return;
  }
  let principal: Principal;
  try {
    principal = await options.authenticate(req.headers.authorization);
  } catch {
    // The same budget as /graphql's, so this door is no faster for guessing keys.
    const decision = await options.failedAuth.failed(req);
    if (!decision.allowed) {
      sendJson(res, 429, { error: tooManyFailedAuthentications(decision.retryAfterSeconds) }, { 'retry-after': String(decision.retryAfterSeconds) });
      return;
    }
    sendJson(res, 401, { error: 'Send an API key with the events:read and contacts:read scopes as "Authorization: Bearer <key>".' }, { 'www-authenticate': 'Bearer' });
    return;
  }
  // A call is one of the key's requests, as on /graphql: up to MAX_LIMIT stored bodies read from the store each time,
  // outside RATE_LIMIT_PER_MINUTE, let one key with these scopes read at will what every other key's requests wait on.
  if (principal.authenticated) {
    const decision = await options.limiter().take(`caller:${principal.id}`);
    if (!decision.allowed) {
      sendJson(res, 429, { error: rateLimited(decision.retryAfterSeconds).message }, { 'retry-after': String(decision.retryAfterSeconds) });
      return;
    }
  }
  const missing = QUARANTINE_SCOPES.filter((scope) => !principal.scopes.has(scope));
  if (missing.length > 0) {
    sendJson(res, 403, { error: `The quarantine needs the ${QUARANTINE_SCOPES.join(' and ')} scopes; this key lacks ${missing.join(' and ')}.` });
    return;
  }
  const raw = new URL(req.url ?? '/', 'http://gateway').searchParams.get('limit') ?? '50';
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    sendJson(res, 400, { error: `limit must be a whole number from 1 to ${MAX_LIMIT}.` });
    return;
  }
  try {
    const entries = await options.services().verificationRequests.quarantined(limit);
    sendJson(res, 200, { count: entries.length, entries });
  } catch (error) {
    if (!(error instanceof StoreUnavailable)) throw error;
    sendJson(res, 503, { error: 'The quarantine cannot be read right now.' }, { 'retry-after': '5' });
  }
}
