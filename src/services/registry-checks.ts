import { InputRejected, ProviderFailure } from '../domain/errors.js';
import type { VerificationEventPayload } from '../domain/events.js';
import type { RegistryCheck } from '../domain/registry-check.js';
import { lastFour } from '../domain/registry-check.js';
import { controlCharacterProblems } from '../domain/input-text.js';
import type { VeriffClient } from '../providers/veriff/client.js';
import type { VeriffDecision } from '../providers/veriff/map.js';
import { namesOurIntegration, readVeriffDecisionWebhook } from '../providers/veriff/webhook.js';
import { veriffMetrics } from '../observability/veriff-metrics.js';
import { StoreUnavailable } from '../store/index.js';
import type { ServiceDeps } from './deps.js';
import type { OutboxService } from './outbox.js';
import { appendEventEffect, putRegistryCheckEffect } from './outbox-effects.js';
import { assertStoreWritable } from './store-guard.js';
import { checkRegistryInput, type ValidateRegistryInput } from './registry-check-input.js';
import type { RequestScope } from './request-scope.js';
import { spendUpstream } from './upstream-budget.js';
import { keptSessionId, quarantineUnknownSessionDecision } from './veriff-decision-quarantine.js';
import type { WebhookAnswer, WebhookHandler } from './webhook.js';

export type { ValidateRegistryInput } from './registry-check-input.js';

/** What validate answers: the check, and whether its records wait in the outbox (the store was down). */
export interface ValidatedRegistryCheck {
  registryCheck: RegistryCheck;
  eventPending: boolean;
}

/** National ID checks at Veriff. The ID number lives only for the duration of the upstream call. */
export interface RegistryCheckService {
  /** Throws InputRejected, ProviderFailure or Unavailable (the store is down: no session opened at Veriff). */
  validate(input: ValidateRegistryInput, scope: RequestScope): Promise<ValidatedRegistryCheck>;
  get(id: string): Promise<RegistryCheck | null>;
  /** POST /webhooks/veriff */
  webhook: WebhookHandler;
  /**
   * Stores a decision Veriff gave for one of our sessions, by webhook or by polling (the same rules either way):
   * unknown session, stale redelivery, repeat (deduplicated on session + status), or stored with its event recorded.
   * Throws StoreUnavailable when the check cannot be read or written.
   */
  applyDecision(sessionId: string, decision: VeriffDecision, source: DecisionSource): Promise<DecisionOutcome>;
}

/** Where a decision came from. */
export type DecisionSource = 'veriff-webhook' | 'veriff-poll';

/** What applyDecision did. `event-unwritten`: the check is stored but its event could not be logged (retry later). */
export type DecisionOutcome =
  | { kind: 'unknown-session' }
  | { kind: 'stale'; check: RegistryCheck }
  | { kind: 'stored' | 'duplicate' | 'event-unwritten'; check: RegistryCheck };

/** Veriff session ids are UUIDs; anything much longer is not one of ours and is not looked up. */
const MAX_ID_LENGTH = 128;

/**
 * validate: check the input (nothing is sent when it is wrong) -> Veriff validate-registry -> store the check with
 * the last four characters of the ID number only -> in sync mode, record REGISTRY_CHECK_DECIDED.
 * webhook: signature -> decision -> known session -> store the decided check -> record the event -> 200 (a signed body
 * that is not a decision is acknowledged with 200 and ignored; a decision for a session the gateway does not know is
 * quarantined and acknowledged with 200; only a bad signature is refused, 401).
 * Checks live in stores.registryChecks (memory or Redis) and are never cached.
 */
export function createRegistryCheckService(deps: ServiceDeps & { outbox: OutboxService }): RegistryCheckService {
  const { stores, logger } = deps;
  const quarantine = { store: stores.quarantine, digest: stores.digest, metrics: veriffMetrics(deps.metrics.registry), logger: logger.child({ component: 'veriff-quarantine' }) };
  const requireClient = (): VeriffClient => {
    if (!deps.clients.veriff) throw ProviderFailure.disabled('VERIFF');
    return deps.clients.veriff;
  };

  /**
   * Appends REGISTRY_CHECK_DECIDED (deduplicated on session + status). Returns false when the event log could not
   * be written (EventLogUnavailable).
   */
  async function recordDecided(check: RegistryCheck, source: 'veriff-sync' | DecisionSource): Promise<{ written: boolean; duplicate: boolean }> {
    try {
      const { duplicate } = await deps.events.record(decidedPayload(check), { dedupeKey: decidedDedupeKey(check), source });
      return { written: true, duplicate };
    } catch (error) {
      if (error instanceof StoreUnavailable) {
        logger.error({ sessionId: check.id, err: error }, 'registry check decided; the event log is unavailable');
        return { written: false, duplicate: false };
      }
      throw error;
    }
  }

  async function validate(input: ValidateRegistryInput, scope: RequestScope): Promise<ValidatedRegistryCheck> {
    const client = requireClient();
    const checked = checkRegistryInput(input);
    // Every field is sent to Veriff: none may carry control characters (the messages never quote a value).
    const textProblems = controlCharacterProblems(input);
    if (!checked.submission || textProblems.length) throw new InputRejected([...checked.problems, ...textProblems]);
    const { submission } = checked;
    // No session is opened at Veriff unless its check can be kept: a decision webhook for a check the gateway does
    // not know would be refused for good.
    await assertStoreWritable(stores);
    const submittedAt = new Date().toISOString();
    await spendUpstream(scope, 'VERIFF', 1);
    const answer = await client.validateRegistry(submission, scope);
    const check = decidedCheck(
      {
        id: answer.sessionId,
        provider: 'VERIFF',
        sessionId: answer.sessionId,
        status: 'PENDING',
        code: null,
        reason: null,
        reasonCode: null,
        idNumberLast4: lastFour(submission.idNumber),
        person: null,
        endUserId: submission.endUserId ?? null,
        vendorData: submission.vendorData ?? null,
        submittedAt,
        decidedAt: null,
        failedValidation: null,
      },
      answer.decision,
    );
    // The check (and, decided in sync mode, its event) must not be lost now that Veriff has the session: the outbox
    // stores them, or keeps them until the store is back. A decision webhook arriving meanwhile stores a kept check
    // before it looks (see knownCheck). A PENDING check is also scheduled for a decision poll (a lost decision webhook
    // must not leave it PENDING for good: registry-decision-poll.ts), as part of the same stored effect.
    const decided = check.status !== 'PENDING';
    const pollAt = decided ? null : Date.parse(submittedAt) + deps.config.veriffDecisionPollAfterMs;
    const { pending } = await deps.outbox.settle(
      `validateRegistry ${check.id}`,
      [putRegistryCheckEffect(check, pollAt), ...(decided ? [appendEventEffect(decidedPayload(check), decidedDedupeKey(check), 'veriff-sync')] : [])],
      scope.logger,
    );
    scope.logger.info({ sessionId: check.id, status: check.status, mode: client.registryMode, pending }, 'registry check submitted to Veriff');
    return { registryCheck: check, eventPending: pending };
  }

  async function get(id: string): Promise<RegistryCheck | null> {
    if (!id || id.length > MAX_ID_LENGTH) return null;
    return stores.registryChecks.get(id);
  }

  /**
   * The stored check of a session; when there is none, what the outbox still holds is stored first (the check of a
   * session Veriff accepted while the store was down), so its decision is taken instead of refused for good. The store
   * is read again whatever the drain counted: a round already running (a restart's adopted items) may have stored the
   * check just before this one, which then finds nothing left to apply.
   */
  async function knownCheck(sessionId: string): Promise<RegistryCheck | null> {
    const stored = await stores.registryChecks.get(sessionId);
    if (stored) return stored;
    await deps.outbox.drainNow();
    return stores.registryChecks.get(sessionId);
  }

  const webhook: WebhookHandler = async ({ body, headers }): Promise<WebhookAnswer> => {
    const config = deps.clients.veriff?.config;
    if (!config) return { status: 404, body: { error: 'Veriff is not configured on this gateway.' } };
    const reading = readVeriffDecisionWebhook(body, headers, [config.sharedSecret, config.previousSharedSecret]);
    if (reading.kind === 'unauthorized') {
      logger.warn({ provider: 'VERIFF' }, 'Veriff webhook refused: bad or missing signature');
      return { status: 401, body: { error: 'Bad or missing x-hmac-signature.' } };
    }
    if (!namesOurIntegration(headers, config.apiKey)) {
      logger.warn({ provider: 'VERIFF' }, 'Veriff webhook refused: x-auth-client names another integration');
      return { status: 401, body: { error: 'x-auth-client names another integration.' } };
    }
    if (reading.kind === 'invalid') {
      // Signed by Veriff, so not an attack; but not a decision (an event webhook such as "started" / "submitted", a
      // status this gateway does not know, broken JSON). Veriff retries every non-200 about hourly for a week, and no
      // retry turns it into a decision: acknowledge it, say so in the log, and let decision polling settle the check.
      logger.warn({ provider: 'VERIFF', reason: reading.reason }, 'Veriff webhook acknowledged but ignored: not a decision');
      return { status: 200, body: { ok: true, ignored: `Not a Veriff decision: ${reading.reason}.` } };
    }
    const { sessionId, decision } = reading;
    try {
      const outcome = sessionId.length > MAX_ID_LENGTH ? ({ kind: 'unknown-session' } as const) : await applyDecision(sessionId, decision, 'veriff-webhook');
      switch (outcome.kind) {
        case 'unknown-session': {
          // Refusing would be answered by a retry every hour for a week, none of which could succeed.
          const entry = await quarantineUnknownSessionDecision(quarantine, { body, sessionId, decision });
          return { status: 200, body: { ok: true, quarantined: true, reason: entry.reason, id: entry.id } };
        }
        case 'stale':
          return { status: 200, body: { ok: true, stale: true } };
        case 'event-unwritten':
          return { status: 503, body: { error: 'Could not record the decision; please retry.' } };
        default:
          return { status: 200, body: { ok: true, duplicate: outcome.kind === 'duplicate' } };
      }
    } catch (error) {
      if (error instanceof StoreUnavailable) {
        // The store may not have said whether it knows the session, which is then only the sender's word: named as the
        // quarantine names it (a UUID as it came, anything else without its long digit runs).
        logger.error({ provider: 'VERIFF', sessionId: keptSessionId(sessionId), err: error }, 'Veriff webhook not stored: store unavailable');
        return { status: 503, body: { error: 'Could not store the decision; please retry.' } };
      }
      throw error;
    }
  };

  async function applyDecision(sessionId: string, decision: VeriffDecision, source: DecisionSource): Promise<DecisionOutcome> {
    // knownCheck: a check still in the outbox (stored late because Redis blinked) is stored first, then found.
    const existing = await knownCheck(sessionId);
    if (!existing) return { kind: 'unknown-session' };
    // A late redelivery of an earlier decision (Veriff retries for days) must not undo a newer one.
    if (existing.decidedAt && decision.decidedAt && decision.decidedAt < existing.decidedAt && existing.status !== decision.status) {
      logger.info({ provider: 'VERIFF', sessionId, status: decision.status, current: existing.status, source }, 'Veriff decision older than the stored one; ignored');
      return { kind: 'stale', check: existing };
    }
    // Dedupe on verification id + status: a redelivery keeps the stored decision and records no second event.
    const repeat = existing.status === decision.status && existing.decidedAt !== null;
    const check = repeat ? existing : decidedCheck(existing, decision);
    if (!repeat) await stores.registryChecks.put(check);
    const recorded = await recordDecided(check, source);
    if (!recorded.written) return { kind: 'event-unwritten', check };
    logger.info({ provider: 'VERIFF', sessionId, status: check.status, repeat, source }, 'Veriff decision stored');
    return { kind: repeat || recorded.duplicate ? 'duplicate' : 'stored', check };
  }

  return { validate, get, webhook, applyDecision };
}

function decidedPayload(check: RegistryCheck): VerificationEventPayload {
  return { type: 'REGISTRY_CHECK_DECIDED', provider: 'VERIFF', occurredAt: check.decidedAt ?? new Date().toISOString(), contactHandle: null, registryCheck: check };
}

/** Session + status: a redelivered decision (or a retried outbox item) records no second event. */
function decidedDedupeKey(check: RegistryCheck): string {
  return `veriff:${check.id}:${check.status}`;
}

/** The check with a decision applied; unchanged (still PENDING) without one. Keeps idNumberLast4 and submittedAt. */
function decidedCheck(check: RegistryCheck, decision: VeriffDecision | null): RegistryCheck {
  if (!decision) return check;
  return {
    ...check,
    status: decision.status,
    code: decision.code,
    reason: decision.reason,
    reasonCode: decision.reasonCode,
    person: decision.person,
    endUserId: check.endUserId ?? decision.endUserId,
    vendorData: check.vendorData ?? decision.vendorData,
    decidedAt: decision.decidedAt ?? new Date().toISOString(),
    failedValidation: decision.failedValidation,
  };
}
