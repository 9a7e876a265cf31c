/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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
  verifiedAt: unknown;
};

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

/** What a verification attests about a contact. */
export type VerificationClaim =
  | 'ADDRESS'
  | 'EMAIL'
  | 'NAME'
  | 'ORGANIZATION'
  | 'VOICE';

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

export type CheckVerificationQueryVariables = Exact<{
  verifications: Array<ContactVerificationInput> | ContactVerificationInput;
  requiredClaims?: Array<VerificationClaim> | VerificationClaim | null | undefined;
}>;


export type CheckVerificationQuery = { checkVerification: { valid: boolean, coveredClaims: Array<VerificationClaim>, missingClaims: Array<VerificationClaim>, problems: Array<{ path: Array<string>, code: string, message: string }> } };

export type ProvidersQueryVariables = Exact<{ [key: string]: never; }>;


export type ProvidersQuery = { providers: Array<{ provider: Provider, mode: ProviderMode, circuit: CircuitState, lastError: string | null, lastErrorAt: unknown }> };

export type VerificationMatrixQueryVariables = Exact<{
  claims?: Array<VerificationClaim> | VerificationClaim | null | undefined;
}>;


export type VerificationMatrixQuery = { verificationMatrix: Array<{ method: VerificationMethod, proof: VerificationProof, claims: Array<VerificationClaim>, exclusiveClaims: boolean }> };


export const CheckVerificationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CheckVerification"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"verifications"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ContactVerificationInput"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"requiredClaims"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"VerificationClaim"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkVerification"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"verifications"},"value":{"kind":"Variable","name":{"kind":"Name","value":"verifications"}}},{"kind":"Argument","name":{"kind":"Name","value":"requiredClaims"},"value":{"kind":"Variable","name":{"kind":"Name","value":"requiredClaims"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"valid"}},{"kind":"Field","name":{"kind":"Name","value":"coveredClaims"}},{"kind":"Field","name":{"kind":"Name","value":"missingClaims"}},{"kind":"Field","name":{"kind":"Name","value":"problems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CheckVerificationQuery, CheckVerificationQueryVariables>;
export const ProvidersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Providers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"providers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"circuit"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"lastErrorAt"}}]}}]}}]} as unknown as DocumentNode<ProvidersQuery, ProvidersQueryVariables>;
export const VerificationMatrixDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"VerificationMatrix"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"claims"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"VerificationClaim"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"verificationMatrix"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"claims"},"value":{"kind":"Variable","name":{"kind":"Name","value":"claims"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"method"}},{"kind":"Field","name":{"kind":"Name","value":"proof"}},{"kind":"Field","name":{"kind":"Name","value":"claims"}},{"kind":"Field","name":{"kind":"Name","value":"exclusiveClaims"}}]}}]}}]} as unknown as DocumentNode<VerificationMatrixQuery, VerificationMatrixQueryVariables>;