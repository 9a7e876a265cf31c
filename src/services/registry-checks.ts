import { InputRejected, ProviderFailure } from '../domain/errors.js';
import type { VerificationEventPayload } from '../domain/events.js';
import type { RegistryCheck } from '../domain/registry-check.js';
import { lastFour } from '../domain/registry-check.js';
import { controlCharacterProblems } from '../domain/input-text.js';
import type { VeriffClient } from '../providers/veriff/client.js';
import type { VeriffDecision } from '../providers/veriff/map.js';
import { readVeriffDecisionWebhook } from '../providers/veriff/webhook.js';
import { StoreUnavailable } from '../store/index.js';
import type { ServiceDeps } from './deps.js';
import { checkRegistryInput, type ValidateRegistryInput } from './registry-check-input.js';
import type { RequestScope } from './request-scope.js';
import { spendUpstream } from './upstream-budget.js';
import type { WebhookAnswer, WebhookHandler } from './webhook.js';

export type { ValidateRegistryInput } from './registry-check-input.js';

/** National ID checks at Veriff. The ID number lives only for the duration of the upstream call. */
export interface RegistryCheckService {
  /** Throws InputRejected or ProviderFailure. */
  validate(input: ValidateRegistryInput, scope: RequestScope): Promise<RegistryCheck>;
  get(id: string): Promise<RegistryCheck | null>;
  /** POST /webhooks/veriff */
  webhook: WebhookHandler;
}

/** Veriff session ids are UUIDs; anything much longer is not one of ours and is not looked up. */
const MAX_ID_LENGTH = 128;

/**
 * validate: check the input (nothing is sent when it is wrong) -> Veriff validate-registry -> store the check with
 * the last four characters of the ID number only -> in sync mode, record REGISTRY_CHECK_DECIDED.
 * webhook: signature -> decision -> known session -> store the decided check -> record the event -> 200.
 * Checks live in stores.registryChecks (memory or Redis) and are never cached.
 */
export function createRegistryCheckService(deps: ServiceDeps): RegistryCheckService {
  const { stores, logger } = deps;
  const requireClient = (): VeriffClient => {
    if (!deps.clients.veriff) throw ProviderFailure.disabled('VERIFF');
    return deps.clients.veriff;
  };

  /**
   * Appends REGISTRY_CHECK_DECIDED (deduplicated on session + status). Returns false when the event log could not
   * be written (EventLogUnavailable).
   */
  async function recordDecided(check: RegistryCheck, source: 'veriff-sync' | 'veriff-webhook'): Promise<{ written: boolean; duplicate: boolean }> {
    const payload: VerificationEventPayload = {
      type: 'REGISTRY_CHECK_DECIDED',
      provider: 'VERIFF',
      occurredAt: check.decidedAt ?? new Date().toISOString(),
      contactHandle: null,
      registryCheck: check,
    };
    try {
      const { duplicate } = await deps.events.record(payload, { dedupeKey: `veriff:${check.id}:${check.status}`, source });
      return { written: true, duplicate };
    } catch (error) {
      if (error instanceof StoreUnavailable) {
        logger.error({ sessionId: check.id, err: error }, 'registry check decided; the event log is unavailable');
        return { written: false, duplicate: false };
      }
      throw error;
    }
  }

  async function validate(input: ValidateRegistryInput, scope: RequestScope): Promise<RegistryCheck> {
    const client = requireClient();
    const checked = checkRegistryInput(input);
    // Every field is sent to Veriff: none may carry control characters (the messages never quote a value).
    const textProblems = controlCharacterProblems(input);
    if (!checked.submission || textProblems.length) throw new InputRejected([...checked.problems, ...textProblems]);
    const { submission } = checked;
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
    try {
      await stores.registryChecks.put(check);
    } catch (error) {
      // Veriff has the session; name it so it can be reconciled (its decision webhook will find no check).
      scope.logger.error({ sessionId: check.id, err: error }, 'registry check accepted by Veriff but not stored');
      throw error;
    }
    scope.logger.info({ sessionId: check.id, status: check.status, mode: client.registryMode }, 'registry check submitted to Veriff');
    // Sync mode: the check and its decision are stored; a lost event is logged rather than failing a call that
    // created a (billed) session at Veriff.
    if (check.status !== 'PENDING') {
      await recordDecided(check, 'veriff-sync').catch((error: unknown) => scope.logger.error({ sessionId: check.id, err: error }, 'registry check decided; event not recorded'));
    }
    return check;
  }

  async function get(id: string): Promise<RegistryCheck | null> {
    if (!id || id.length > MAX_ID_LENGTH) return null;
    return stores.registryChecks.get(id);
  }

  const webhook: WebhookHandler = async ({ body, headers }): Promise<WebhookAnswer> => {
    const config = deps.clients.veriff?.config;
    if (!config) return { status: 404, body: { error: 'Veriff is not configured on this gateway.' } };
    const reading = readVeriffDecisionWebhook(body, headers, [config.sharedSecret, config.previousSharedSecret]);
    if (reading.kind === 'unauthorized') {
      logger.warn({ provider: 'VERIFF' }, 'Veriff webhook refused: bad or missing signature');
      return { status: 401, body: { error: 'Bad or missing x-hmac-signature.' } };
    }
    if (reading.kind === 'invalid') {
      logger.warn({ provider: 'VERIFF', reason: reading.reason }, 'Veriff webhook refused: not a decision');
      return { status: 400, body: { error: `Not a Veriff decision: ${reading.reason}.` } };
    }
    const { sessionId, decision } = reading;
    try {
      const existing = sessionId.length > MAX_ID_LENGTH ? null : await stores.registryChecks.get(sessionId);
      if (!existing) {
        logger.warn({ provider: 'VERIFF', sessionId }, 'Veriff webhook refused: unknown session');
        return { status: 400, body: { error: 'Unknown verification session.' } };
      }
      // A late redelivery of an earlier decision (Veriff retries for days) must not undo a newer one.
      if (existing.decidedAt && decision.decidedAt && decision.decidedAt < existing.decidedAt && existing.status !== decision.status) {
        logger.info({ provider: 'VERIFF', sessionId, status: decision.status, current: existing.status }, 'Veriff decision older than the stored one; ignored');
        return { status: 200, body: { ok: true, stale: true } };
      }
      // Dedupe on verification id + status: a redelivery keeps the stored decision and records no second event.
      const repeat = existing.status === decision.status && existing.decidedAt !== null;
      const check = repeat ? existing : decidedCheck(existing, decision);
      if (!repeat) await stores.registryChecks.put(check);
      const recorded = await recordDecided(check, 'veriff-webhook');
      if (!recorded.written) return { status: 503, body: { error: 'Could not record the decision; please retry.' } };
      logger.info({ provider: 'VERIFF', sessionId, status: check.status, repeat }, 'Veriff decision stored');
      return { status: 200, body: { ok: true, duplicate: repeat || recorded.duplicate } };
    } catch (error) {
      if (error instanceof StoreUnavailable) {
        logger.error({ provider: 'VERIFF', sessionId, err: error }, 'Veriff webhook not stored: store unavailable');
        return { status: 503, body: { error: 'Could not store the decision; please retry.' } };
      }
      throw error;
    }
  };

  return { validate, get, webhook };
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
