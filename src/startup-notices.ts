import type { Config } from './config.js';
import { PROVIDER_LABEL } from './domain/providers.js';
import type { Logger } from './observability/logger.js';
import { isOpen } from './server/principal.js';
import { ARBITRARY_DOCUMENTS_SCOPE } from './server/trusted-documents.js';
import type { Sandbox } from './sandbox/index.js';

/** The sentence an open gateway logs at start-up (and GraphiQL's first tab repeats). */
export const OPEN_SANDBOX_NOTICE =
  'no GATEWAY_API_KEYS (or JWT settings) configured: the sandbox is OPEN, every caller has every scope and no caller is rate-limited';

/**
 * Live mode without REDIS_URL runs, on purpose (a first try against a provider's test environment), but what the
 * gateway acknowledged to providers lives in this process only; `npm run doctor` calls it a failure, so start-up must
 * not pass over it at info level.
 */
export const LIVE_WITHOUT_REDIS_NOTICE =
  'live mode without REDIS_URL: the event log, verification requests and registry checks live in this process\'s memory only, are lost when it stops and are not shared with other instances; set REDIS_URL (README: "Redis in production")';

/** Which providers are live and which are DISABLED: an operator whose credentials were not picked up sees it here. */
function providerModes(config: Config): string {
  const { realtimeRegister, openprovider, domainNameApi, veriff } = config.providers;
  const modes = [
    [PROVIDER_LABEL.REALTIME_REGISTER, realtimeRegister],
    [PROVIDER_LABEL.OPENPROVIDER, openprovider],
    [PROVIDER_LABEL.DOMAIN_NAME_API, domainNameApi],
    [PROVIDER_LABEL.VERIFF, veriff],
  ] as const;
  return `providers: ${modes.map(([label, provider]) => `${label} ${provider ? 'LIVE' : 'DISABLED'}`).join(', ')}`;
}

/**
 * GRAPHQL_TRUSTED_DOCUMENTS binds only callers without documents:any. In the open sandbox every caller has every scope,
 * and keys with `*` have it too, so a manifest set there refuses nothing; an operator trying it would conclude it is
 * broken. JWT callers carry their own scopes, so with JWTs configured some caller may be bound.
 */
export function trustedDocumentsBindNobody(config: Config): boolean {
  if (!config.trustedDocuments) return false;
  if (isOpen(config)) return true;
  return config.jwt === null && config.apiKeys.every((grant) => grant.scopes.includes(ARBITRARY_DOCUMENTS_SCOPE));
}

/**
 * What an operator must read when the gateway comes up: where it listens, whether anyone may call it without a key,
 * and where the sandbox simulators are. Kept out of main.ts so tests can run it against a captured logger.
 */
export function logStartupNotices(logger: Logger, config: Config, gateway: { url: string; sandbox: Sandbox | null }): void {
  logger.info({ mode: config.mode, url: `${gateway.url}/graphql` }, `gateway ready: GraphiQL at ${gateway.url}/graphql, dashboard at ${gateway.url}/`);
  if (config.mode === 'live') {
    logger.info(providerModes(config));
    if (config.redisUrls.length === 0) logger.warn(LIVE_WITHOUT_REDIS_NOTICE);
  }
  if (isOpen(config)) {
    logger.warn(OPEN_SANDBOX_NOTICE);
  } else {
    const jwt = config.jwt ? ` and JWTs (${[config.jwt.secret ? 'HS256' : null, config.jwt.jwksUrl ? 'JWKS' : null].filter(Boolean).join(', ')})` : '';
    logger.info(`callers authenticate with ${config.apiKeys.length} API key(s)${jwt}; ${config.rateLimit.perMinute ? `${config.rateLimit.perMinute} requests a minute per caller, burst ${config.rateLimit.burst}` : 'caller rate limiting is off'}`);
  }
  if (config.trustedDocuments) {
    if (trustedDocumentsBindNobody(config)) {
      logger.warn(
        `GRAPHQL_TRUSTED_DOCUMENTS is set but binds nobody: ${isOpen(config) ? 'the gateway is open, so every caller has' : 'every API key has'} ${ARBITRARY_DOCUMENTS_SCOPE} and may send any document; give your apps GATEWAY_API_KEYS without ${ARBITRARY_DOCUMENTS_SCOPE} (or *)`,
      );
    } else {
      logger.info(`trusted documents: callers without ${ARBITRARY_DOCUMENTS_SCOPE} run only the ${config.trustedDocuments.documents.size} documents of GRAPHQL_TRUSTED_DOCUMENTS`);
    }
  }
  if (gateway.sandbox) {
    const endpoints = gateway.sandbox.endpoints();
    logger.info(
      { realtimeRegister: endpoints.realtimeRegister.baseUrl, openprovider: endpoints.openprovider.baseUrl, domainNameApi: endpoints.domainNameApi.baseUrl, veriff: endpoints.veriff.baseUrl },
      'sandbox simulators running',
    );
  }
}
