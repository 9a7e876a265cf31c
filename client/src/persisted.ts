import type { TypedDocumentString } from './generated/graphql.js';

/**
 * How operations name their document:
 * - `hash-and-text` (default): the text and its persisted-document hash. Works with every gateway: one running
 *   only trusted documents (GRAPHQL_TRUSTED_DOCUMENTS) runs the hash's document, any other runs the text.
 * - `hash`: the hash alone (smaller requests; the gateway must run with the manifest).
 * - `text`: the text alone.
 */
export type DocumentMode = 'hash-and-text' | 'hash' | 'text';

/** The request parameters naming a document, for fetch, graphql-sse and graphql-ws alike. */
export interface DocumentParams {
  /** graphql-ws and graphql-sse require a string: empty when only the hash is sent. */
  query: string;
  extensions?: { persistedQuery: { version: 1; sha256Hash: string } };
}

/** The hash codegen embedded in a document (`__meta__.hash`), the key of persisted-documents.json. */
export function persistedDocumentHash(document: TypedDocumentString<any, any>): string | null {
  const hash: unknown = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  return typeof hash === 'string' ? hash : null;
}

export function documentParams(document: TypedDocumentString<any, any>, mode: DocumentMode): DocumentParams {
  const text = document.toString();
  const hash = mode === 'text' ? null : persistedDocumentHash(document);
  if (hash === null) return { query: text };
  // Apollo's automatic persisted queries convention, which urql, Relay and yoga's persisted-operations plugin share.
  const extensions = { persistedQuery: { version: 1 as const, sha256Hash: hash } };
  return { query: mode === 'hash' ? '' : text, extensions };
}
