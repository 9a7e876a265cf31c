import type { DomainNameApiConfig } from '../../config.js';
import { NotFound } from '../../domain/errors.js';
import type { ProviderClientDeps } from '../client-deps.js';
import type { UpstreamResponse } from '../http.js';
import type { DomainNameApiDetails } from './map.js';
import { faultFailure, isSuccessResult, resultFailure, toDetails, unreadableFailure } from './map.js';
import type { DnaContactQuery, DnaOperation, SoapOutcome } from './soap.js';
import { buildContactRequest, looksLikeSoapEnvelope, NotSoapError, parseContactResponse, soapHeaders } from './soap.js';

export type { DomainNameApiDetails } from './map.js';

/**
 * Wire calls to Domain Name API's ContactApi.svc (SOAP 1.1); every call goes through the shared ProviderHttp in
 * deps.http. There is no list call: one contact at a time, by email or External ID (the handle).
 */
export class DomainNameApiClient {
  constructor(
    readonly config: DomainNameApiConfig,
    private readonly deps: ProviderClientDeps,
  ) {}

  /** GetDetails: the contact's verification state, or null when Domain Name API has no such contact. */
  async getDetails(query: DnaContactQuery, requestId?: string): Promise<DomainNameApiDetails | null> {
    const { response, outcome } = await this.call('GetDetails', query, { idempotent: true, requestId });
    if (outcome.kind === 'fault') throw faultFailure(outcome, 'the contact lookup', response.status);
    if (isSuccessResult(outcome.fields)) return toDetails(outcome.fields);
    // Refused credentials are recognised before "not found", so they are never mistaken for a missing contact.
    const failure = resultFailure(outcome.fields, 'the contact lookup', response.status);
    if (failure instanceof NotFound) return null;
    throw failure;
  }

  /**
   * ResendContactVerificationNotice: the email goes out at once. Throws NotFound for an unknown contact and
   * ProviderFailure for any other refusal (e.g. an address that is already verified). Never retried: it sends mail.
   */
  async resendVerificationNotice(query: DnaContactQuery, requestId?: string): Promise<void> {
    const { response, outcome } = await this.call('ResendContactVerificationNotice', query, { idempotent: false, requestId });
    if (outcome.kind === 'fault') throw faultFailure(outcome, 'the verification notice', response.status);
    if (isSuccessResult(outcome.fields)) return;
    throw resultFailure(outcome.fields, 'the verification notice', response.status);
  }

  private async call(
    operation: DnaOperation,
    query: DnaContactQuery,
    options: { idempotent: boolean; requestId?: string },
  ): Promise<{ response: UpstreamResponse; outcome: SoapOutcome }> {
    const response = await this.deps.http.request({
      operation: `contacts.${operation}`,
      method: 'POST',
      path: this.config.contactServicePath,
      headers: soapHeaders(operation),
      body: buildContactRequest(operation, { username: this.config.username, password: this.config.password }, query),
      idempotent: options.idempotent,
      requestId: options.requestId,
      // WCF sends faults under HTTP 500, and those must not be retried; a 500 that is not SOAP (an HTML or empty
      // page from a proxy) is an outage like 502/503.
      isRetryable: (answer) => answer.status >= 500 && !looksLikeSoapEnvelope(answer.body),
    });
    try {
      return { response, outcome: parseContactResponse(operation, response.body) };
    } catch (error) {
      if (error instanceof NotSoapError) throw unreadableFailure(error, response, operation === 'GetDetails' ? 'the contact lookup' : 'the verification notice');
      throw error;
    }
  }
}
