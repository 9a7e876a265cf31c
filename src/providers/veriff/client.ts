import type { RegistryMode, VeriffConfig } from '../../config.js';
import { ProviderFailure } from '../../domain/errors.js';
import type { ProviderClientDeps } from '../client-deps.js';
import { OUTCOME_UNKNOWN, type ProviderHttp, type UpstreamResponse } from '../http.js';
import type { RegistrySubmission, VeriffDecision, VeriffSessionOutcome } from './map.js';
import { isVeriffFailureBody, parseVeriffEnvelope, toVeriffRegistryBody, VeriffPayloadError, veriffFailure } from './map.js';
import { signVeriffBody, verifyVeriffSignature } from './signature.js';

/** What validate-registry produced: the session id, and the decision when the sync endpoint gave one at once. */
export interface VeriffRegistryAnswer extends VeriffSessionOutcome {
  sessionId: string;
}

/**
 * Wire calls to Veriff; every call goes through a shared ProviderHttp. validate-registry goes through deps.http, which
 * in sync mode points at config.syncBaseUrl (src/providers/clients.ts) and in webhook mode at config.baseUrl: the same
 * path either way. The decision endpoint lives on the station host (config.baseUrl) in both modes, so in sync mode it
 * has a layer of its own (`stationHttp`).
 *
 * The ID number is in the request body only. Nothing here logs bodies, and errors carry the gateway's own words.
 */
export class VeriffClient {
  constructor(
    readonly config: VeriffConfig,
    private readonly deps: ProviderClientDeps,
    private readonly stationHttp: ProviderHttp = deps.http,
  ) {}

  /** sync: the decision comes in the answer; webhook: it arrives later at POST /webhooks/veriff. */
  get registryMode(): RegistryMode {
    return this.config.registryMode;
  }

  /**
   * POST /v1/validate-registry, signed over the exact bytes sent. Never retried by the HTTP layer (each call creates
   * a session at Veriff). Throws InputRejected (1102), ProviderFailure (18xx AUTH, 429, 5xx, unreadable answer).
   */
  async validateRegistry(submission: RegistrySubmission, scope: { requestId: string }): Promise<VeriffRegistryAnswer> {
    // Serialize once, sign those bytes, send those bytes.
    const body = JSON.stringify(toVeriffRegistryBody(submission));
    const response = await this.deps.http.request({
      operation: 'registry.validate',
      method: 'POST',
      path: '/v1/validate-registry',
      headers: {
        'content-type': 'application/json',
        'x-auth-client': this.config.apiKey,
        'x-api-key': this.config.apiKey,
        'x-hmac-signature': signVeriffBody(body, this.config.sharedSecret),
      },
      body,
      idempotent: false,
      requestId: scope.requestId,
    });
    if (response.status < 200 || response.status >= 300) {
      const failure = veriffFailure(response);
      this.deps.logger.warn(
        { operation: 'registry.validate', httpStatus: response.status, code: 'code' in failure ? failure.code : '1102', requestId: scope.requestId },
        'Veriff refused validate-registry',
      );
      throw failure;
    }
    // A refusal under HTTP 200 (Veriff's failure envelope): refused, as under its proper status; nothing was opened.
    if (isVeriffFailureBody(response.body)) throw veriffFailure(response);
    let answer: VeriffRegistryAnswer;
    try {
      answer = readAnswer(response.body);
    } catch (error) {
      // Veriff accepted the call (2xx), so a session is likely open: "retryable" would invite a second one.
      if (error instanceof ProviderFailure) throw acceptedButUnreadable(error, response.status);
      throw error;
    }
    // The sync answer carries x-hmac-signature over its body, "required to authenticate the response sender"
    // (providers/veriff.md, revision 2): a decision is trusted only once it is verified.
    if (answer.decision !== null) this.requireSignedAnswer(response, 'registry.validate', scope.requestId);
    this.deps.logger.debug(
      { operation: 'registry.validate', sessionId: answer.sessionId, decided: answer.decision !== null, requestId: scope.requestId },
      'Veriff accepted validate-registry',
    );
    return answer;
  }

  /**
   * GET /v1/sessions/{sessionId}/decision, Veriff's way to poll "when webhook delivery fails": signed over the session
   * id like every GET. Resolves with the decision, null while Veriff has none yet, or 'unknown-session' for a 404.
   * The documents promise a signed answer only for the sync endpoint, so here an answer without x-hmac-signature is
   * taken (it came over TLS from the configured host), while one whose signature does not match is refused
   * (ASSUMPTIONS.md, 8): refusing unsigned answers would leave every check whose webhook was lost PENDING for good.
   */
  async getDecision(sessionId: string, requestId?: string): Promise<VeriffDecision | null | 'unknown-session'> {
    const response = await this.stationHttp.request({
      operation: 'registry.decision',
      method: 'GET',
      path: `/v1/sessions/${encodeURIComponent(sessionId)}/decision`,
      // The document lists x-auth-client, x-api-key and x-hmac-signature as the headers of its calls; a GET sends
      // all three like the POST does (only the signed text differs: the session id).
      headers: {
        'x-auth-client': this.config.apiKey,
        'x-api-key': this.config.apiKey,
        'x-hmac-signature': signVeriffBody(sessionId, this.config.sharedSecret),
      },
      requestId,
    });
    if (response.status === 404) return 'unknown-session';
    if (response.status < 200 || response.status >= 300) throw veriffFailure(response);
    const answer = readAnswer(response.body, { sessionRequired: false });
    if (response.headers['x-hmac-signature'] !== undefined) this.requireSignedAnswer(response, 'registry.decision', requestId);
    if (answer.sessionId && answer.sessionId !== sessionId) {
      throw new ProviderFailure('VERIFF', 'Veriff answered the decision poll with another session.', { kind: 'ERROR', retryable: false, httpStatus: response.status });
    }
    return answer.decision;
  }

  /** Throws unless the answer is signed with the shared secret (or the previous one, during a rotation). */
  private requireSignedAnswer(response: UpstreamResponse, operation: string, requestId?: string): void {
    const secrets = [this.config.sharedSecret, this.config.previousSharedSecret];
    if (verifyVeriffSignature(response.body, response.headers['x-hmac-signature'], secrets)) return;
    const missing = response.headers['x-hmac-signature'] === undefined;
    this.deps.logger.warn({ operation, httpStatus: response.status, missing, requestId }, 'Veriff answer refused: bad or missing x-hmac-signature');
    throw new ProviderFailure(
      'VERIFF',
      `Veriff's answer ${missing ? 'carries no' : 'has a wrong'} x-hmac-signature, so its decision is not trusted; check VERIFF_SHARED_SECRET.`,
      { kind: 'ERROR', code: 'SIGNATURE', httpStatus: response.status, retryable: false },
    );
  }
}

/** An accepted validate-registry whose answer cannot be read: the session may exist, so the outcome is unknown. */
function acceptedButUnreadable(unreadable: ProviderFailure, status: number): ProviderFailure {
  return new ProviderFailure(
    'VERIFF',
    `${unreadable.message.replace(/\.$/, '')}, under HTTP ${status}: a session may have been opened. Check before sending it again.`,
    { kind: 'ERROR', code: OUTCOME_UNKNOWN, httpStatus: status, retryable: false },
  );
}

function readAnswer(text: string, options: { sessionRequired: boolean } = { sessionRequired: true }): VeriffRegistryAnswer {
  const unreadable = (why: string) =>
    new ProviderFailure('VERIFF', `Veriff sent an answer the gateway cannot read (${why}).`, { kind: 'ERROR', retryable: true, httpStatus: 200 });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unreadable('not JSON');
  }
  let outcome: VeriffSessionOutcome;
  try {
    outcome = parseVeriffEnvelope(value);
  } catch (error) {
    if (error instanceof VeriffPayloadError) throw unreadable(error.message);
    throw error;
  }
  if (!outcome.sessionId && options.sessionRequired) throw unreadable('no session id');
  return { sessionId: outcome.sessionId ?? '', decision: outcome.decision };
}
