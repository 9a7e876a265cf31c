import type { RegistryMode, VeriffConfig } from '../../config.js';
import { ProviderFailure } from '../../domain/errors.js';
import type { ProviderClientDeps } from '../client-deps.js';
import type { RegistrySubmission, VeriffSessionOutcome } from './map.js';
import { parseVeriffEnvelope, toVeriffRegistryBody, VeriffPayloadError, veriffFailure } from './map.js';
import { signVeriffBody } from './signature.js';

/** What validate-registry produced: the session id, and the decision when the sync endpoint gave one at once. */
export interface VeriffRegistryAnswer extends VeriffSessionOutcome {
  sessionId: string;
}

/**
 * Wire calls to Veriff; every call goes through the shared ProviderHttp in deps.http. In sync mode that layer points
 * at config.syncBaseUrl (src/providers/clients.ts), in webhook mode at config.baseUrl: the same path either way.
 *
 * The ID number is in the request body only. Nothing here logs bodies, and errors carry the gateway's own words.
 */
export class VeriffClient {
  constructor(
    readonly config: VeriffConfig,
    private readonly deps: ProviderClientDeps,
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
    const answer = readAnswer(response.body);
    this.deps.logger.debug(
      { operation: 'registry.validate', sessionId: answer.sessionId, decided: answer.decision !== null, requestId: scope.requestId },
      'Veriff accepted validate-registry',
    );
    return answer;
  }

}

function readAnswer(text: string): VeriffRegistryAnswer {
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
  if (!outcome.sessionId) throw unreadable('no session id');
  return { sessionId: outcome.sessionId, decision: outcome.decision };
}
