import type { DomainNameApiConfig } from '../../config.js';
import { NotFound } from '../../domain/errors.js';
import { UnknownProviderValue } from '../../domain/status-mapping.js';
import { callFields, type CallScope } from '../call-scope.js';
import type { ProviderClientDeps } from '../client-deps.js';
import type { UpstreamResponse } from '../http.js';
import type { DomainNameApiDetails } from './map.js';
import { faultFailure, isSuccessResult, resultFailure, toDetails, unreadableFailure, unreadableResult } from './map.js';
import type { DnaContactQuery, DnaNamespaces, DnaOperation, SoapOutcome } from './soap.js';
import { buildContactRequest, DETAIL_FIELDS, looksLikeSoapEnvelope, NotSoapError, parseContactResponse, RESULT_FIELDS, soapHeaders } from './soap.js';

export type { DomainNameApiDetails } from './map.js';

type ResultOutcome = Extract<SoapOutcome, { kind: 'result' }>;

/**
 * GetDetails calls one batch runs at once. There is no list call, so N contacts cost N calls and only concurrency
 * shortens a page of them. Domain Name API publishes no concurrency or rate figure, only the codes it answers when
 * one is passed (360 "API quota exceeded!", 361 "Throttled error!"; php-dna README), so this is our choice: 16, half
 * of the connection pool every provider gets (ProviderHttp, 32), leaving the other half to other requests; a page of
 * 100 contacts takes 7 round trips instead of 13 at the earlier 8.
 */
export const DOMAIN_NAME_API_LOOKUP_CONCURRENCY = 16;

/**
 * Wire calls to Domain Name API's ContactApi.svc (SOAP 1.1); every call goes through the shared ProviderHttp in
 * deps.http. There is no list call: one contact at a time, by email or External ID (the handle).
 *
 * Every answer is read strictly: only a published "not found" (410) is a missing contact; a fault, an unknown code, an
 * HTML page, a cut-short body or a result in namespaces the gateway does not expect is a ProviderFailure, never null.
 */
export class DomainNameApiClient {
  private readonly namespaces: DnaNamespaces;

  constructor(
    readonly config: DomainNameApiConfig,
    private readonly deps: ProviderClientDeps,
  ) {
    this.namespaces = { base: config.baseNamespace, data: config.dataNamespace };
  }

  /** GetDetails: the contact's verification state, or null when Domain Name API says it has no such contact (410). */
  async getDetails(query: DnaContactQuery, scope?: CallScope): Promise<DomainNameApiDetails | null> {
    const operation = 'the contact lookup';
    const { response, outcome } = await this.call('GetDetails', query, { idempotent: true, scope });
    if (outcome.kind === 'fault') throw faultFailure(outcome, operation, response.status);
    const result = this.checkedResult(outcome, operation, response.status);
    if (!isSuccessResult(result.fields)) {
      const failure = resultFailure(result.fields, operation, response);
      if (failure instanceof NotFound) return null;
      throw failure;
    }
    if (!result.fields[DETAIL_FIELDS.verificationStatus] || !result.fields[DETAIL_FIELDS.contactEmail]) {
      throw unreadableResult('SUCCESS but without VerificationStatus or ContactEmail', result.ignored, operation, response.status);
    }
    try {
      return toDetails(result.fields, this.config.timeZone, query.externalId);
    } catch (error) {
      if (error instanceof UnknownProviderValue) throw unreadableResult(`an ${error.message}`, result.ignored, operation, response.status);
      throw error;
    }
  }

  /**
   * ResendContactVerificationNotice: the email goes out at once. Throws NotFound for an unknown contact (410) and
   * ProviderFailure for any other refusal (e.g. an address that is already verified). Never retried: it sends mail.
   */
  async resendVerificationNotice(query: DnaContactQuery, scope?: CallScope): Promise<void> {
    const operation = 'the verification notice';
    const { response, outcome } = await this.call('ResendContactVerificationNotice', query, { idempotent: false, scope });
    if (outcome.kind === 'fault') throw faultFailure(outcome, operation, response.status);
    const result = this.checkedResult(outcome, operation, response.status);
    if (isSuccessResult(result.fields)) return;
    throw resultFailure(result.fields, operation, response);
  }

  /** A result without OperationResult is unreadable: its base members were not where the gateway looks for them. */
  private checkedResult(outcome: ResultOutcome, operation: string, httpStatus: number): ResultOutcome {
    if (!outcome.fields[RESULT_FIELDS.operationResult]) throw unreadableResult('a result without OperationResult', outcome.ignored, operation, httpStatus);
    return outcome;
  }

  private async call(
    operation: DnaOperation,
    query: DnaContactQuery,
    options: { idempotent: boolean; scope?: CallScope },
  ): Promise<{ response: UpstreamResponse; outcome: SoapOutcome }> {
    const response = await this.deps.http.request({
      operation: `contacts.${operation}`,
      method: 'POST',
      path: this.config.contactServicePath,
      headers: soapHeaders(operation),
      body: buildContactRequest(operation, { username: this.config.username, password: this.config.password }, query, this.namespaces),
      idempotent: options.idempotent,
      ...callFields('DOMAIN_NAME_API', options.scope),
      // WCF sends faults under HTTP 500, and those must not be retried; a 500 that is not SOAP (an HTML or empty
      // page from a proxy) is an outage like 502/503. A SOAP envelope is the service's own answer whatever the status
      // (a fault or a 360/361 under 429 or 503): only the HTML and empty bodies are retryable (domain-name-api.md),
      // and a throttled service is asked again later, not at once.
      isRetryable: (answer) => answer.status >= 500 && !looksLikeSoapEnvelope(answer.body),
      neverRetry: (answer) => looksLikeSoapEnvelope(answer.body),
    });
    try {
      return { response, outcome: parseContactResponse(operation, response.body, this.namespaces) };
    } catch (error) {
      if (error instanceof NotSoapError) throw unreadableFailure(error, response, operation === 'GetDetails' ? 'the contact lookup' : 'the verification notice');
      throw error;
    }
  }
}
