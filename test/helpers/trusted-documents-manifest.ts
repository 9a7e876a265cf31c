import type { TestGateway } from './gateway.js';
import { startTestGateway } from './gateway.js';

/** The client package's persisted-documents manifest (codegen), as an operator would set GRAPHQL_TRUSTED_DOCUMENTS. */
export const TRUSTED_DOCUMENTS_MANIFEST = new URL('../../client/src/generated/persisted-documents.json', import.meta.url).pathname;

/** A sandbox gateway that runs only the manifest's documents for keys without documents:any (GATEWAY_API_KEYS as given). */
export function startTrustedDocumentsGateway(apiKeys: string): Promise<TestGateway> {
  return startTestGateway({ env: { GRAPHQL_TRUSTED_DOCUMENTS: TRUSTED_DOCUMENTS_MANIFEST, GATEWAY_API_KEYS: apiKeys } });
}
