/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query CheckVerification($verifications: [ContactVerificationInput!]!, $requiredClaims: [VerificationClaim!]) {\n  checkVerification(\n    verifications: $verifications\n    requiredClaims: $requiredClaims\n  ) {\n    valid\n    coveredClaims\n    missingClaims\n    problems {\n      path\n      code\n      message\n    }\n  }\n}": typeof types.CheckVerificationDocument,
    "query Providers {\n  providers {\n    provider\n    mode\n    circuit\n    lastError\n    lastErrorAt\n  }\n}": typeof types.ProvidersDocument,
    "query VerificationMatrix($claims: [VerificationClaim!]) {\n  verificationMatrix(claims: $claims) {\n    method\n    proof\n    claims\n    exclusiveClaims\n  }\n}": typeof types.VerificationMatrixDocument,
};
const documents: Documents = {
    "query CheckVerification($verifications: [ContactVerificationInput!]!, $requiredClaims: [VerificationClaim!]) {\n  checkVerification(\n    verifications: $verifications\n    requiredClaims: $requiredClaims\n  ) {\n    valid\n    coveredClaims\n    missingClaims\n    problems {\n      path\n      code\n      message\n    }\n  }\n}": types.CheckVerificationDocument,
    "query Providers {\n  providers {\n    provider\n    mode\n    circuit\n    lastError\n    lastErrorAt\n  }\n}": types.ProvidersDocument,
    "query VerificationMatrix($claims: [VerificationClaim!]) {\n  verificationMatrix(claims: $claims) {\n    method\n    proof\n    claims\n    exclusiveClaims\n  }\n}": types.VerificationMatrixDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CheckVerification($verifications: [ContactVerificationInput!]!, $requiredClaims: [VerificationClaim!]) {\n  checkVerification(\n    verifications: $verifications\n    requiredClaims: $requiredClaims\n  ) {\n    valid\n    coveredClaims\n    missingClaims\n    problems {\n      path\n      code\n      message\n    }\n  }\n}"): (typeof documents)["query CheckVerification($verifications: [ContactVerificationInput!]!, $requiredClaims: [VerificationClaim!]) {\n  checkVerification(\n    verifications: $verifications\n    requiredClaims: $requiredClaims\n  ) {\n    valid\n    coveredClaims\n    missingClaims\n    problems {\n      path\n      code\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Providers {\n  providers {\n    provider\n    mode\n    circuit\n    lastError\n    lastErrorAt\n  }\n}"): (typeof documents)["query Providers {\n  providers {\n    provider\n    mode\n    circuit\n    lastError\n    lastErrorAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query VerificationMatrix($claims: [VerificationClaim!]) {\n  verificationMatrix(claims: $claims) {\n    method\n    proof\n    claims\n    exclusiveClaims\n  }\n}"): (typeof documents)["query VerificationMatrix($claims: [VerificationClaim!]) {\n  verificationMatrix(claims: $claims) {\n    method\n    proof\n    claims\n    exclusiveClaims\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;