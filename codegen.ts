import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: typed documents for the operations a frontend uses (examples/operations), generated against
 * the served schema straight from the Pothos code, into the typed client package (client/src/generated/). A stale
 * or invalid operation fails generation.
 *
 * - Documents are strings (`TypedDocumentString`): the client sends `String(document)` and needs no graphql runtime.
 * - persisted-documents.json maps each document's SHA-256 hash to its text: the manifest a gateway runs with
 *   GRAPHQL_TRUSTED_DOCUMENTS. Each document carries its hash (`__meta__.hash`), which the client sends as
 *   `extensions.persistedQuery.sha256Hash` (the Apollo / urql / Relay convention yoga's persisted-operations plugin reads).
 */
const config: CodegenConfig = {
  schema: './src/schema/index.ts',
  documents: ['examples/operations/*.graphql'],
  emitLegacyCommonJSImports: false,
  generates: {
    'client/src/generated/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        documentMode: 'string',
        // Both are ISO 8601 text on the wire (src/schema/scalars.ts).
        scalars: { DateTime: 'string', Date: 'string' },
      },
    },
  },
};

export default config;
