/** The client package's persisted-documents manifest (codegen), as an operator would set GRAPHQL_TRUSTED_DOCUMENTS. */
export const TRUSTED_DOCUMENTS_MANIFEST = new URL('../../client/src/generated/persisted-documents.json', import.meta.url).pathname;
