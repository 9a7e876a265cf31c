import { createGatewayClient } from '../../client/src/index.js';
import { askForKey, storedKey } from './api-key.js';

/** fetch that opens the API key prompt when the gateway answers 401 (no key, or one it does not accept). */
const fetchAskingForKey: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.status === 401) askForKey();
  return response;
};

/**
 * The typed client package (client/) against the gateway that serves this page. Documents go as text and their
 * persisted hash, so the page works whether or not the gateway runs only trusted documents.
 */
export const gateway = createGatewayClient({ url: location.origin, apiKey: storedKey, fetch: fetchAskingForKey });
