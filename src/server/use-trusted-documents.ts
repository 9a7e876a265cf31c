import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import type { TrustedDocumentsConfig } from '../config.js';
import { principalOfRequest } from './use-caller-guard.js';
import {
  mayRunAnyDocument,
  persistedDocumentHash,
  persistedDocumentNotFound,
  persistedDocumentRequired,
  trustedDocument,
} from './trusted-documents.js';

/**
 * Trusted documents on /graphql (POST, GET and yoga's own SSE) through yoga's persisted-operations plugin: callers
 * without the documents:any scope run only the manifest's documents, named by hash; callers with it (GraphiQL,
 * operators) also send text. graphql-ws and graphql-sse's single-connection mode apply the same rule with
 * resolveDocumentText (src/server/trusted-documents.ts).
 *
 * Must come after useCallerGuard, which resolves the caller (principalOfRequest) before any parameters are read.
 */
export function useTrustedDocuments(trusted: TrustedDocumentsConfig): Plugin {
  /** A client that sends text and hash (the typed client always does) is treated as sending the hash alone. */
  const preferTheHash: Plugin = {
    onParams({ request, params, setParams }) {
      if (params.query && persistedDocumentHash(params) !== null && !mayRunAnyDocument(principalOfRequest(request))) {
        setParams({ ...params, query: undefined });
      }
    },
  };
  const persisted = usePersistedOperations({
    allowArbitraryOperations: (request) => mayRunAnyDocument(principalOfRequest(request)),
    // yoga's GET parser keeps only query, variables, operationName and extensions: a GET's documentId is read here.
    extractPersistedOperationId: (params, request) =>
      persistedDocumentHash({
        ...params,
        documentId: (params as { documentId?: unknown }).documentId ?? (request.method === 'GET' ? new URL(request.url).searchParams.get('documentId') : undefined),
      }),
    getPersistedOperation: (hash) => trustedDocument(trusted, hash),
    customErrors: {
      notFound: persistedDocumentNotFound,
      keyNotFound: persistedDocumentRequired,
      persistedQueryOnly: persistedDocumentRequired,
    },
  });
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(preferTheHash);
      addPlugin(persisted as Plugin);
    },
  };
}
