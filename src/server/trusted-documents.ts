import { GraphQLError } from 'graphql';
import type { TrustedDocumentsConfig } from '../config.js';
import type { Principal } from '../schema/context.js';

/** The scope that lets a caller send any document, not only the trusted ones (GraphiQL, operators' tools). */
export const ARBITRARY_DOCUMENTS_SCOPE = 'documents:any';

/** What a client sends, on any transport: the GraphQL over HTTP / graphql-ws / graphql-sse request parameters. */
export interface DocumentParams {
  query?: string | null | undefined;
  extensions?: Record<string, unknown> | null | undefined;
  /** GraphQL over HTTP's persisted documents appendix (graphql/graphql-over-http, "Persisted Documents"). */
  documentId?: unknown;
}

/**
 * The persisted document's hash a request names: `documentId` (GraphQL over HTTP's persisted documents appendix,
 * whose prefixed identifiers `sha256:<hex>` are exactly codegen's manifest keys), or the way Apollo's automatic
 * persisted queries and urql, Relay and codegen's client preset send it: `extensions.persistedQuery = { version: 1,
 * sha256Hash }`. Null when there is none.
 */
export function persistedDocumentHash(params: DocumentParams): string | null {
  if (typeof params.documentId === 'string') return params.documentId;
  const persisted = params.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | null | undefined;
  if (typeof persisted !== 'object' || persisted === null || persisted.version !== 1) return null;
  return typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : null;
}

/** A bare SHA-256 digest in lowercase hex, as Apollo's persisted-query link computes it. */
const BARE_SHA256 = /^[0-9a-f]{64}$/;

/**
 * The manifest's document a hash names. Codegen writes its keys as `sha256:<hex>`, while Apollo's automatic
 * persisted queries (and clients that follow it) send the bare hex of the same digest, so a bare digest is also
 * looked up under the prefixed key: both name one document.
 */
export function trustedDocument(trusted: TrustedDocumentsConfig, hash: string): string | null {
  return trusted.documents.get(hash) ?? (BARE_SHA256.test(hash) ? trusted.documents.get(`sha256:${hash}`) : undefined) ?? null;
}

export function mayRunAnyDocument(principal: Pick<Principal, 'scopes'> | null | undefined): boolean {
  return principal?.scopes.has(ARBITRARY_DOCUMENTS_SCOPE) ?? false;
}

/** The hash names no document in the manifest. */
export function persistedDocumentNotFound(): GraphQLError {
  return new GraphQLError(
    'PersistedQueryNotFound: no trusted document has this hash. Regenerate the client (npm run codegen) and deploy its persisted-documents.json as GRAPHQL_TRUSTED_DOCUMENTS.',
    { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } } },
  );
}

/** Document text from a caller that may only run trusted documents. */
export function persistedDocumentRequired(): GraphQLError {
  return new GraphQLError(
    'This gateway runs only trusted documents (GRAPHQL_TRUSTED_DOCUMENTS): send a persisted document hash in extensions.persistedQuery.sha256Hash (or as documentId), or use a key with the documents:any scope.',
    { extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 403 } } },
  );
}

/**
 * The document text to run, or why not, for transports outside yoga's request pipeline (graphql-ws, graphql-sse's
 * single-connection mode); src/server/use-trusted-documents.ts applies the same rule to HTTP and yoga's SSE.
 *
 * - Trusted documents off: the text as sent.
 * - A caller with documents:any: the text when there is one, else the hash's document.
 * - Anyone else: the hash's document only. Text sent along with a hash is ignored, so a client that always sends
 *   both (the typed client does) works with and without trusted documents.
 */
export function resolveDocumentText(
  trusted: TrustedDocumentsConfig | null,
  params: DocumentParams,
  principal: Pick<Principal, 'scopes'> | null | undefined,
): string | GraphQLError {
  const text = typeof params.query === 'string' && params.query.trim() !== '' ? params.query : null;
  if (!trusted) return text ?? new GraphQLError('Send the document text in "query".', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
  if (text !== null && mayRunAnyDocument(principal)) return text;
  const hash = persistedDocumentHash(params);
  if (hash === null) return persistedDocumentRequired();
  return trustedDocument(trusted, hash) ?? persistedDocumentNotFound();
}
