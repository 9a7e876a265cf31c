/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The circuit breaker in front of a provider: OPEN fails fast, HALF_OPEN lets one trial call through. */
export type CircuitState =
  | 'CLOSED'
  | 'HALF_OPEN'
  | 'OPEN';

/** One piece of evidence: which method and proof, which claims it attests, when and under which reference. */
export type ContactVerificationInput = {
  claims: Array<VerificationClaim>;
  /** Your reference, at most 255 characters. */
  externalId: string;
  method: VerificationMethod;
  proof: VerificationProof;
  verifiedAt: string;
};

/** Which registry deadline: the domain is de-delegated first, deleted later. */
export type DeadlineKind =
  | 'DELETION'
  | 'DE_DELEGATION';

/** Why an email verification failed. */
export type EmailVerificationFailure =
  | 'BOUNCED'
  | 'EXPIRED';

/** Every field maps to the upstream filter where the provider has one; the rest is filtered in the gateway. */
export type EmailVerificationFilter = {
  domain?: string | null | undefined;
  email?: string | null | undefined;
  handle?: string | null | undefined;
  providers?: Array<Provider> | null | undefined;
  status?: Array<EmailVerificationStatus> | null | undefined;
  suspended?: boolean | null | undefined;
};

/** Unified email verification status across providers. */
export type EmailVerificationStatus =
  | 'FAILED'
  | 'NOT_VERIFIED'
  | 'PENDING'
  | 'VERIFIED';

/** An upstream API that the gateway unifies. */
export type Provider =
  | 'DOMAIN_NAME_API'
  | 'OPENPROVIDER'
  | 'REALTIME_REGISTER'
  | 'VERIFF';

/** How the gateway reaches a provider. */
export type ProviderMode =
  /** Not configured; fields that need it return a PROVIDER_DISABLED error. */
  | 'DISABLED'
  /** Talks to the real provider API with configured credentials. */
  | 'LIVE'
  /** Talks to the built-in simulator of that provider. */
  | 'SANDBOX';

/** fullAddress, or street + houseNumber + postcode. */
export type RegistryAddressInput = {
  city?: string | null | undefined;
  fullAddress?: string | null | undefined;
  houseNumber?: string | null | undefined;
  postcode?: string | null | undefined;
  state?: string | null | undefined;
  street?: string | null | undefined;
  unit?: string | null | undefined;
};

/** Where a registry check stands; PENDING until the decision arrives. */
export type RegistryCheckStatus =
  | 'ABANDONED'
  | 'APPROVED'
  | 'DECLINED'
  | 'EXPIRED'
  | 'PENDING'
  | 'RESUBMISSION_REQUESTED'
  | 'REVIEW';

/**
 * Give the email or the contact handle (Domain Name API calls it External ID); both only with the email:read scope
 * (the gateway then checks that the handle has that address).
 * Realtime Register: the handle (and customer); resends the holder's email validation reminder.
 */
export type ResendEmailVerificationInput = {
  /** Realtime Register customer; the configured one when omitted. */
  customer?: string | null | undefined;
  email?: string | null | undefined;
  handle?: string | null | undefined;
  /** Language of the notice where the provider supports it (Openprovider), e.g. en. */
  language?: string | null | undefined;
  provider: Provider;
};

export type SubmitContactVerificationInput = {
  /** Defaults to the configured Realtime Register customer. */
  customer?: string | null | undefined;
  handle: string;
  /** When given, the claims must cover this request's claims and the request becomes SUBMITTED on success (PROCESSING while the provider finishes an asynchronous update, then SUBMITTED or REJECTED). Without it the evidence is stored at the provider but answers no request. */
  requestId?: string | number | null | undefined;
  verifications: Array<ContactVerificationInput>;
};

/** idNumber, a name (fullName or firstName + lastName), and dateOfBirth or an address (fullAddress or street + houseNumber + postcode) are required. */
export type ValidateRegistryInput = {
  address?: RegistryAddressInput | null | undefined;
  dateOfBirth?: string | null | undefined;
  /** A UUID of your own for the person. */
  endUserId?: string | null | undefined;
  firstName?: string | null | undefined;
  fullName?: string | null | undefined;
  /** Sent to the provider once; never stored, logged or returned beyond its last four characters. */
  idNumber: string;
  lastName?: string | null | undefined;
  phoneNumber?: string | null | undefined;
  /** At most 1000 characters. */
  vendorData?: string | null | undefined;
};

/** What a verification attests about a contact. */
export type VerificationClaim =
  | 'ADDRESS'
  | 'EMAIL'
  | 'NAME'
  | 'ORGANIZATION'
  | 'VOICE';

/** The kinds of live event. */
export type VerificationEventType =
  | 'DEADLINE_APPROACHING'
  | 'EMAIL_VERIFICATION_CHANGED'
  | 'PROVIDER_NOTIFICATION'
  | 'REGISTRY_CHECK_DECIDED'
  | 'VERIFICATION_REQUEST_CHANGED'
  | 'VERIFICATION_REQUIRED'
  | 'VERIFICATION_SUBMITTED';

/** How the evidence was obtained. */
export type VerificationMethod =
  | 'DATA'
  | 'EID_AUTH'
  | 'ELECTRONIC_DOCUMENT'
  | 'PHYSICAL_DOCUMENT'
  | 'REACHABILITY'
  | 'TRANSACTION';

/** The kind of evidence (note the spelling DRIVERS_LICENCE). */
export type VerificationProof =
  | 'ADDRESS_DATABASE'
  | 'BANK_ACCOUNT'
  | 'BANK_STATEMENT'
  | 'COMPANY_REGISTER'
  | 'COMPANY_STATEMENT'
  | 'DRIVERS_LICENCE'
  | 'ID_CARD'
  | 'LOG_RECORD'
  | 'ONLINE_PAYMENT_ACCOUNT'
  | 'PASSPORT'
  | 'POPULATION_REGISTER'
  | 'RESIDENCE_PERMIT'
  | 'TAX_STATEMENT'
  | 'UTILITY_ACCOUNT';

/** Where a registry verification request stands. */
export type VerificationRequestStatus =
  /** Waiting for evidence. */
  | 'OPEN'
  /** A deadline passed while still open (or rejected). */
  | 'OVERDUE'
  /** Evidence covering every requested claim was sent; the provider answered 202 and finishes it asynchronously. The gateway follows the provider's process until it ends. */
  | 'PROCESSING'
  /** The provider's process for the submitted evidence failed; evidence must be sent again before the deadline. */
  | 'REJECTED'
  /** Evidence covering every requested claim was accepted by the provider. */
  | 'SUBMITTED';

/** Where one sending of evidence stands: PROCESSING while the provider works on it (202), then ACCEPTED or FAILED. */
export type VerificationSubmissionStatus =
  | 'ACCEPTED'
  | 'FAILED'
  | 'PROCESSING';

export type CheckVerificationQueryVariables = Exact<{
  verifications: Array<ContactVerificationInput> | ContactVerificationInput;
  requiredClaims?: Array<VerificationClaim> | VerificationClaim | null | undefined;
}>;


export type CheckVerificationQuery = { checkVerification: { valid: boolean, coveredClaims: Array<VerificationClaim>, missingClaims: Array<VerificationClaim>, problems: Array<{ path: Array<string>, code: string, message: string }> } };

export type DashboardRequestFragment = { id: string, provider: Provider, notificationId: string, customer: string | null, contactHandle: string, claims: Array<VerificationClaim>, status: VerificationRequestStatus, message: string, receivedAt: string, deDelegationDomain: string | null, deDelegationDeadline: string | null, deletionDomain: string | null, deletionDeadline: string | null, submissions: Array<{ status: VerificationSubmissionStatus, submittedAt: string, submittedBy: string | null, processId: string | null, failureReason: string | null, verifications: Array<{ method: VerificationMethod, proof: VerificationProof, claims: Array<VerificationClaim>, externalId: string, verifiedAt: string }> }> };

export type DashboardSubmissionFragment = { status: VerificationSubmissionStatus, submittedAt: string, submittedBy: string | null, processId: string | null, failureReason: string | null, verifications: Array<{ method: VerificationMethod, proof: VerificationProof, claims: Array<VerificationClaim>, externalId: string, verifiedAt: string }> };

export type DashboardEmailVerificationFragment = { id: string, provider: Provider, email: string, handle: string | null, domain: string | null, status: EmailVerificationStatus, failureReason: EmailVerificationFailure | null, providerStatus: string, suspended: boolean | null, expiresAt: string | null, lastNotifiedAt: string | null };

export type DashboardRegistryCheckFragment = { id: string, provider: Provider, sessionId: string, status: RegistryCheckStatus, code: number | null, reason: string | null, idNumberLast4: string | null, submittedAt: string, decidedAt: string | null, failedValidation: string | null };

export type DashboardFieldErrorsFragment = { message: string, fieldErrors: Array<{ path: Array<string>, code: string, message: string }> };

export type DashboardProviderErrorFragment = { message: string, provider: Provider, code: string | null, httpStatus: number | null, retryable: boolean, retryAfterSeconds: number | null };

export type OpenVerificationRequestsQueryVariables = Exact<{
  status?: Array<VerificationRequestStatus> | VerificationRequestStatus | null | undefined;
  contactHandle?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type OpenVerificationRequestsQuery = { verificationRequests: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, provider: Provider, notificationId: string, customer: string | null, contactHandle: string, claims: Array<VerificationClaim>, status: VerificationRequestStatus, message: string, receivedAt: string, deDelegationDomain: string | null, deDelegationDeadline: string | null, deletionDomain: string | null, deletionDeadline: string | null, submissions: Array<{ status: VerificationSubmissionStatus, submittedAt: string, submittedBy: string | null, processId: string | null, failureReason: string | null, verifications: Array<{ method: VerificationMethod, proof: VerificationProof, claims: Array<VerificationClaim>, externalId: string, verifiedAt: string }> }> } }> } | null };

export type EmailVerificationsQueryVariables = Exact<{
  filter?: EmailVerificationFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type EmailVerificationsQuery = { emailVerifications: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, provider: Provider, email: string, handle: string | null, domain: string | null, status: EmailVerificationStatus, failureReason: EmailVerificationFailure | null, providerStatus: string, suspended: boolean | null, expiresAt: string | null, lastNotifiedAt: string | null } }> } | null };

export type SubmitEvidenceMutationVariables = Exact<{
  input: SubmitContactVerificationInput;
}>;


export type SubmitEvidenceMutation = { submitContactVerification:
    | { __typename: 'InputError', message: string, fieldErrors: Array<{ path: Array<string>, code: string, message: string }> }
    | { __typename: 'NotFoundError', message: string, provider: Provider }
    | { __typename: 'ProviderError', message: string, provider: Provider, code: string | null, httpStatus: number | null, retryable: boolean, retryAfterSeconds: number | null }
    | { __typename: 'SubmitContactVerificationSuccess', async: boolean, processId: string | null, request: { id: string, provider: Provider, notificationId: string, customer: string | null, contactHandle: string, claims: Array<VerificationClaim>, status: VerificationRequestStatus, message: string, receivedAt: string, deDelegationDomain: string | null, deDelegationDeadline: string | null, deletionDomain: string | null, deletionDeadline: string | null, submissions: Array<{ status: VerificationSubmissionStatus, submittedAt: string, submittedBy: string | null, processId: string | null, failureReason: string | null, verifications: Array<{ method: VerificationMethod, proof: VerificationProof, claims: Array<VerificationClaim>, externalId: string, verifiedAt: string }> }> } | null }
    | { __typename: 'UnavailableError' }
   };

export type ResendEmailMutationVariables = Exact<{
  input: ResendEmailVerificationInput;
}>;


export type ResendEmailMutation = { resendEmailVerification:
    | { __typename: 'InputError', message: string, fieldErrors: Array<{ path: Array<string>, code: string, message: string }> }
    | { __typename: 'NotFoundError', message: string, provider: Provider }
    | { __typename: 'ProviderError', message: string, provider: Provider, code: string | null, httpStatus: number | null, retryable: boolean, retryAfterSeconds: number | null }
    | { __typename: 'ResendEmailVerificationSuccess', emailVerification: { id: string, provider: Provider, email: string, handle: string | null, domain: string | null, status: EmailVerificationStatus, failureReason: EmailVerificationFailure | null, providerStatus: string, suspended: boolean | null, expiresAt: string | null, lastNotifiedAt: string | null } | null }
    | { __typename: 'UnavailableError' }
   };

export type ValidateRegistryMutationVariables = Exact<{
  input: ValidateRegistryInput;
}>;


export type ValidateRegistryMutation = { validateRegistry:
    | { __typename: 'InputError', message: string, fieldErrors: Array<{ path: Array<string>, code: string, message: string }> }
    | { __typename: 'ProviderError', message: string, provider: Provider, code: string | null, httpStatus: number | null, retryable: boolean, retryAfterSeconds: number | null }
    | { __typename: 'UnavailableError' }
    | { __typename: 'ValidateRegistrySuccess', registryCheck: { id: string, provider: Provider, sessionId: string, status: RegistryCheckStatus, code: number | null, reason: string | null, idNumberLast4: string | null, submittedAt: string, decidedAt: string | null, failedValidation: string | null } }
   };

export type RegistryCheckQueryVariables = Exact<{
  id: string | number;
}>;


export type RegistryCheckQuery = { registryCheck: { id: string, provider: Provider, sessionId: string, status: RegistryCheckStatus, code: number | null, reason: string | null, idNumberLast4: string | null, submittedAt: string, decidedAt: string | null, failedValidation: string | null } | null };

export type VerificationEventsSubscriptionVariables = Exact<{
  after?: string | number | null | undefined;
}>;


export type VerificationEventsSubscription = { verificationEvents:
    | { __typename: 'DeadlineApproachingEvent', deadline: string, deadlineKind: DeadlineKind, remainingSeconds: number, id: string, type: VerificationEventType, provider: Provider, occurredAt: string, approachingRequest: { id: string, provider: Provider, notificationId: string, customer: string | null, contactHandle: string, claims: Array<VerificationClaim>, status: VerificationRequestStatus, message: string, receivedAt: string, deDelegationDomain: string | null, deDelegationDeadline: string | null, deletionDomain: string | null, deletionDeadline: string | null, submissions: Array<{ status: VerificationSubmissionStatus, submittedAt: string, submittedBy: string | null, processId: string | null, failureReason: string | null, verifications: Array<{ method: VerificationMethod, proof: VerificationProof, claims: Array<VerificationClaim>, externalId: string, verifiedAt: string }> }> } }
    | { __typename: 'EmailVerificationChangedEvent', previousStatus: EmailVerificationStatus | null, id: string, type: VerificationEventType, provider: Provider, occurredAt: string, emailVerification: { id: string, provider: Provider, email: string, handle: string | null, domain: string | null, status: EmailVerificationStatus, failureReason: EmailVerificationFailure | null, providerStatus: string, suspended: boolean | null, expiresAt: string | null, lastNotifiedAt: string | null } }
    | { __typename: 'ProviderNotificationEvent', kind: string, message: string, id: string, type: VerificationEventType, provider: Provider, occurredAt: string }
    | { __typename: 'RegistryCheckDecidedEvent', id: string, type: VerificationEventType, provider: Provider, occurredAt: string, registryCheck: { id: string, provider: Provider, sessionId: string, status: RegistryCheckStatus, code: number | null, reason: string | null, idNumberLast4: string | null, submittedAt: string, decidedAt: string | null, failedValidation: string | null } }
    | { __typename: 'VerificationRequestChangedEvent', id: string, type: VerificationEventType, provider: Provider, occurredAt: string, previousRequestStatus: VerificationRequestStatus, changedRequest: { id: string, provider: Provider, notificationId: string, customer: string | null, contactHandle: string, claims: Array<VerificationClaim>, status: VerificationRequestStatus, message: string, receivedAt: string, deDelegationDomain: string | null, deDelegationDeadline: string | null, deletionDomain: string | null, deletionDeadline: string | null, submissions: Array<{ status: VerificationSubmissionStatus, submittedAt: string, submittedBy: string | null, processId: string | null, failureReason: string | null, verifications: Array<{ method: VerificationMethod, proof: VerificationProof, claims: Array<VerificationClaim>, externalId: string, verifiedAt: string }> }> } }
    | { __typename: 'VerificationRequiredEvent', id: string, type: VerificationEventType, provider: Provider, occurredAt: string, requiredRequest: { id: string, provider: Provider, notificationId: string, customer: string | null, contactHandle: string, claims: Array<VerificationClaim>, status: VerificationRequestStatus, message: string, receivedAt: string, deDelegationDomain: string | null, deDelegationDeadline: string | null, deletionDomain: string | null, deletionDeadline: string | null, submissions: Array<{ status: VerificationSubmissionStatus, submittedAt: string, submittedBy: string | null, processId: string | null, failureReason: string | null, verifications: Array<{ method: VerificationMethod, proof: VerificationProof, claims: Array<VerificationClaim>, externalId: string, verifiedAt: string }> }> } }
    | { __typename: 'VerificationSubmittedEvent', contactHandle: string, id: string, type: VerificationEventType, provider: Provider, occurredAt: string, submittedRequest: { id: string, provider: Provider, notificationId: string, customer: string | null, contactHandle: string, claims: Array<VerificationClaim>, status: VerificationRequestStatus, message: string, receivedAt: string, deDelegationDomain: string | null, deDelegationDeadline: string | null, deletionDomain: string | null, deletionDeadline: string | null, submissions: Array<{ status: VerificationSubmissionStatus, submittedAt: string, submittedBy: string | null, processId: string | null, failureReason: string | null, verifications: Array<{ method: VerificationMethod, proof: VerificationProof, claims: Array<VerificationClaim>, externalId: string, verifiedAt: string }> }> } | null }
   };

export type ProvidersQueryVariables = Exact<{ [key: string]: never; }>;


export type ProvidersQuery = { providers: Array<{ provider: Provider, mode: ProviderMode, circuit: CircuitState, lastError: string | null, lastErrorAt: string | null }> };

export type VerificationMatrixQueryVariables = Exact<{
  claims?: Array<VerificationClaim> | VerificationClaim | null | undefined;
}>;


export type VerificationMatrixQuery = { verificationMatrix: Array<{ method: VerificationMethod, proof: VerificationProof, claims: Array<VerificationClaim>, exclusiveClaims: boolean }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const DashboardSubmissionFragmentDoc = new TypedDocumentString(`
    fragment DashboardSubmission on VerificationSubmission {
  status
  submittedAt
  submittedBy
  processId
  failureReason
  verifications {
    method
    proof
    claims
    externalId
    verifiedAt
  }
}
    `, {"fragmentName":"DashboardSubmission"}) as unknown as TypedDocumentString<DashboardSubmissionFragment, unknown>;
export const DashboardRequestFragmentDoc = new TypedDocumentString(`
    fragment DashboardRequest on VerificationRequest {
  id
  provider
  notificationId
  customer
  contactHandle
  claims
  status
  message
  receivedAt
  deDelegationDomain
  deDelegationDeadline
  deletionDomain
  deletionDeadline
  submissions {
    ...DashboardSubmission
  }
}
    fragment DashboardSubmission on VerificationSubmission {
  status
  submittedAt
  submittedBy
  processId
  failureReason
  verifications {
    method
    proof
    claims
    externalId
    verifiedAt
  }
}`, {"fragmentName":"DashboardRequest"}) as unknown as TypedDocumentString<DashboardRequestFragment, unknown>;
export const DashboardEmailVerificationFragmentDoc = new TypedDocumentString(`
    fragment DashboardEmailVerification on EmailVerification {
  id
  provider
  email
  handle
  domain
  status
  failureReason
  providerStatus
  suspended
  expiresAt
  lastNotifiedAt
}
    `, {"fragmentName":"DashboardEmailVerification"}) as unknown as TypedDocumentString<DashboardEmailVerificationFragment, unknown>;
export const DashboardRegistryCheckFragmentDoc = new TypedDocumentString(`
    fragment DashboardRegistryCheck on RegistryCheck {
  id
  provider
  sessionId
  status
  code
  reason
  idNumberLast4
  submittedAt
  decidedAt
  failedValidation
}
    `, {"fragmentName":"DashboardRegistryCheck"}) as unknown as TypedDocumentString<DashboardRegistryCheckFragment, unknown>;
export const DashboardFieldErrorsFragmentDoc = new TypedDocumentString(`
    fragment DashboardFieldErrors on InputError {
  message
  fieldErrors {
    path
    code
    message
  }
}
    `, {"fragmentName":"DashboardFieldErrors"}) as unknown as TypedDocumentString<DashboardFieldErrorsFragment, unknown>;
export const DashboardProviderErrorFragmentDoc = new TypedDocumentString(`
    fragment DashboardProviderError on ProviderError {
  message
  provider
  code
  httpStatus
  retryable
  retryAfterSeconds
}
    `, {"fragmentName":"DashboardProviderError"}) as unknown as TypedDocumentString<DashboardProviderErrorFragment, unknown>;
export const CheckVerificationDocument = new TypedDocumentString(`
    query CheckVerification($verifications: [ContactVerificationInput!]!, $requiredClaims: [VerificationClaim!]) {
  checkVerification(
    verifications: $verifications
    requiredClaims: $requiredClaims
  ) {
    valid
    coveredClaims
    missingClaims
    problems {
      path
      code
      message
    }
  }
}
    `, {"hash":"sha256:53f004aa96ef9e1c911b0042f52544ac033c2ebe0f08031545774a4ae623e862"}) as unknown as TypedDocumentString<CheckVerificationQuery, CheckVerificationQueryVariables>;
export const OpenVerificationRequestsDocument = new TypedDocumentString(`
    query OpenVerificationRequests($status: [VerificationRequestStatus!] = [OPEN, PROCESSING, REJECTED, OVERDUE], $contactHandle: String, $first: Int = 50, $after: String) {
  verificationRequests(
    filter: {status: $status, contactHandle: $contactHandle}
    first: $first
    after: $after
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...DashboardRequest
      }
    }
  }
}
    fragment DashboardRequest on VerificationRequest {
  id
  provider
  notificationId
  customer
  contactHandle
  claims
  status
  message
  receivedAt
  deDelegationDomain
  deDelegationDeadline
  deletionDomain
  deletionDeadline
  submissions {
    ...DashboardSubmission
  }
}
fragment DashboardSubmission on VerificationSubmission {
  status
  submittedAt
  submittedBy
  processId
  failureReason
  verifications {
    method
    proof
    claims
    externalId
    verifiedAt
  }
}`, {"hash":"sha256:4013188a153148888c04a49131a33cb34f0d88add56b5c363bfeb68513c22d47"}) as unknown as TypedDocumentString<OpenVerificationRequestsQuery, OpenVerificationRequestsQueryVariables>;
export const EmailVerificationsDocument = new TypedDocumentString(`
    query EmailVerifications($filter: EmailVerificationFilter, $first: Int = 10, $after: String) {
  emailVerifications(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...DashboardEmailVerification
      }
    }
  }
}
    fragment DashboardEmailVerification on EmailVerification {
  id
  provider
  email
  handle
  domain
  status
  failureReason
  providerStatus
  suspended
  expiresAt
  lastNotifiedAt
}`, {"hash":"sha256:23fc21e26082954329a9c9e2b2b28d0a059946d9ef9b48f3ce51e4a63be27991"}) as unknown as TypedDocumentString<EmailVerificationsQuery, EmailVerificationsQueryVariables>;
export const SubmitEvidenceDocument = new TypedDocumentString(`
    mutation SubmitEvidence($input: SubmitContactVerificationInput!) {
  submitContactVerification(input: $input) {
    __typename
    ... on SubmitContactVerificationSuccess {
      async
      processId
      request {
        ...DashboardRequest
      }
    }
    ...DashboardFieldErrors
    ... on NotFoundError {
      message
      provider
    }
    ...DashboardProviderError
  }
}
    fragment DashboardRequest on VerificationRequest {
  id
  provider
  notificationId
  customer
  contactHandle
  claims
  status
  message
  receivedAt
  deDelegationDomain
  deDelegationDeadline
  deletionDomain
  deletionDeadline
  submissions {
    ...DashboardSubmission
  }
}
fragment DashboardSubmission on VerificationSubmission {
  status
  submittedAt
  submittedBy
  processId
  failureReason
  verifications {
    method
    proof
    claims
    externalId
    verifiedAt
  }
}
fragment DashboardFieldErrors on InputError {
  message
  fieldErrors {
    path
    code
    message
  }
}
fragment DashboardProviderError on ProviderError {
  message
  provider
  code
  httpStatus
  retryable
  retryAfterSeconds
}`, {"hash":"sha256:95fdbd070ffee0945c819ec2de3f566474c1e557fa644c00181248428d8d678a"}) as unknown as TypedDocumentString<SubmitEvidenceMutation, SubmitEvidenceMutationVariables>;
export const ResendEmailDocument = new TypedDocumentString(`
    mutation ResendEmail($input: ResendEmailVerificationInput!) {
  resendEmailVerification(input: $input) {
    __typename
    ... on ResendEmailVerificationSuccess {
      emailVerification {
        ...DashboardEmailVerification
      }
    }
    ...DashboardFieldErrors
    ... on NotFoundError {
      message
      provider
    }
    ...DashboardProviderError
  }
}
    fragment DashboardEmailVerification on EmailVerification {
  id
  provider
  email
  handle
  domain
  status
  failureReason
  providerStatus
  suspended
  expiresAt
  lastNotifiedAt
}
fragment DashboardFieldErrors on InputError {
  message
  fieldErrors {
    path
    code
    message
  }
}
fragment DashboardProviderError on ProviderError {
  message
  provider
  code
  httpStatus
  retryable
  retryAfterSeconds
}`, {"hash":"sha256:5fa01b4d9e54d133ead784950773e6d9f577f238dda6a45d335027d4f3592188"}) as unknown as TypedDocumentString<ResendEmailMutation, ResendEmailMutationVariables>;
export const ValidateRegistryDocument = new TypedDocumentString(`
    mutation ValidateRegistry($input: ValidateRegistryInput!) {
  validateRegistry(input: $input) {
    __typename
    ... on ValidateRegistrySuccess {
      registryCheck {
        ...DashboardRegistryCheck
      }
    }
    ...DashboardFieldErrors
    ...DashboardProviderError
  }
}
    fragment DashboardRegistryCheck on RegistryCheck {
  id
  provider
  sessionId
  status
  code
  reason
  idNumberLast4
  submittedAt
  decidedAt
  failedValidation
}
fragment DashboardFieldErrors on InputError {
  message
  fieldErrors {
    path
    code
    message
  }
}
fragment DashboardProviderError on ProviderError {
  message
  provider
  code
  httpStatus
  retryable
  retryAfterSeconds
}`, {"hash":"sha256:9b9b91290f8555bc22699ff380496e5105771718388e562facd3fa7fd6e2b7ec"}) as unknown as TypedDocumentString<ValidateRegistryMutation, ValidateRegistryMutationVariables>;
export const RegistryCheckDocument = new TypedDocumentString(`
    query RegistryCheck($id: ID!) {
  registryCheck(id: $id) {
    ...DashboardRegistryCheck
  }
}
    fragment DashboardRegistryCheck on RegistryCheck {
  id
  provider
  sessionId
  status
  code
  reason
  idNumberLast4
  submittedAt
  decidedAt
  failedValidation
}`, {"hash":"sha256:8d74d61421786f1a4a2960414fcfa0956914f81325b835978d358039dd59c7e8"}) as unknown as TypedDocumentString<RegistryCheckQuery, RegistryCheckQueryVariables>;
export const VerificationEventsDocument = new TypedDocumentString(`
    subscription VerificationEvents($after: ID) {
  verificationEvents(after: $after) {
    __typename
    id
    type
    provider
    occurredAt
    ... on VerificationRequiredEvent {
      requiredRequest: request {
        ...DashboardRequest
      }
    }
    ... on VerificationSubmittedEvent {
      contactHandle
      submittedRequest: request {
        ...DashboardRequest
      }
    }
    ... on VerificationRequestChangedEvent {
      previousRequestStatus: previousStatus
      changedRequest: request {
        ...DashboardRequest
      }
    }
    ... on DeadlineApproachingEvent {
      deadline
      deadlineKind
      remainingSeconds
      approachingRequest: request {
        ...DashboardRequest
      }
    }
    ... on EmailVerificationChangedEvent {
      previousStatus
      emailVerification {
        ...DashboardEmailVerification
      }
    }
    ... on RegistryCheckDecidedEvent {
      registryCheck {
        ...DashboardRegistryCheck
      }
    }
    ... on ProviderNotificationEvent {
      kind
      message
    }
  }
}
    fragment DashboardRequest on VerificationRequest {
  id
  provider
  notificationId
  customer
  contactHandle
  claims
  status
  message
  receivedAt
  deDelegationDomain
  deDelegationDeadline
  deletionDomain
  deletionDeadline
  submissions {
    ...DashboardSubmission
  }
}
fragment DashboardSubmission on VerificationSubmission {
  status
  submittedAt
  submittedBy
  processId
  failureReason
  verifications {
    method
    proof
    claims
    externalId
    verifiedAt
  }
}
fragment DashboardEmailVerification on EmailVerification {
  id
  provider
  email
  handle
  domain
  status
  failureReason
  providerStatus
  suspended
  expiresAt
  lastNotifiedAt
}
fragment DashboardRegistryCheck on RegistryCheck {
  id
  provider
  sessionId
  status
  code
  reason
  idNumberLast4
  submittedAt
  decidedAt
  failedValidation
}`, {"hash":"sha256:fc696504063eb24643621fe58c6b1de978f1d671be1c1b1229f17736a2bb9afd"}) as unknown as TypedDocumentString<VerificationEventsSubscription, VerificationEventsSubscriptionVariables>;
export const ProvidersDocument = new TypedDocumentString(`
    query Providers {
  providers {
    provider
    mode
    circuit
    lastError
    lastErrorAt
  }
}
    `, {"hash":"sha256:111df7221f4f4d4f097c990011982afde07ee2d2e28dcd0df21b67847fcbc48f"}) as unknown as TypedDocumentString<ProvidersQuery, ProvidersQueryVariables>;
export const VerificationMatrixDocument = new TypedDocumentString(`
    query VerificationMatrix($claims: [VerificationClaim!]) {
  verificationMatrix(claims: $claims) {
    method
    proof
    claims
    exclusiveClaims
  }
}
    `, {"hash":"sha256:d6a660ad82a8fe3110ae8ebc6bf3b20c1e40a8cf715f492a21599924c55100c3"}) as unknown as TypedDocumentString<VerificationMatrixQuery, VerificationMatrixQueryVariables>;