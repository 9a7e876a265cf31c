import { createGatewayClient } from '../../client/src/index.js';

/** The caller's key, kept in this tab only (sessionStorage), never in a cookie or in the page. */
export const KEY_STORAGE = 'verification-gateway-api-key';

/**
 * The typed client package (client/) against the gateway that serves this page. Documents go as text and their
 * persisted hash, so the page works whether or not the gateway runs only trusted documents.
 */
export const gateway = createGatewayClient({ url: location.origin, apiKey: () => sessionStorage.getItem(KEY_STORAGE) });
