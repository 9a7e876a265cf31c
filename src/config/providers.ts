/** Each provider's variables: a provider is configured (LIVE) when its credential is set. */

import { DEFAULT_DNA_NAMESPACES } from '../providers/domain-name-api/soap.js';
import { ConfigError, parseBasicCredentials, parseBoolean, parseChoice, parseDuration, parseHandle, parseNamespace, parseTimeZone, parseUrl, required } from './values.js';
import type { Reader } from './values.js';
import { PRODUCTION_URLS } from './types.js';
import type { DomainNameApiConfig, OpenproviderConfig, RealtimeRegisterConfig, VeriffConfig } from './types.js';

/**
 * A provider's secret set without the credential that switches it on (a password without its user name, the Veriff
 * shared secret without the API key): read as "not configured", the provider would be DISABLED, or the whole gateway
 * an open sandbox, without a word, when the likely cause is a misspelt or forgotten variable.
 */
function refuseOrphanedSecret(read: Reader, secret: string, credential: string, what: string): void {
  if (read(secret)) throw new ConfigError(credential, `is required when ${secret} is set (${what}); without it the provider is not configured and the gateway would not use ${secret}`);
}

/** A provider is configured when its credential variable is set; its other required variables must follow. */
export function readRealtimeRegister(read: Reader): RealtimeRegisterConfig | null {
  const apiKey = read('REALTIME_REGISTER_API_KEY');
  if (!apiKey) return null;
  return {
    apiKey,
    customer: parseHandle('REALTIME_REGISTER_CUSTOMER', required(read, 'REALTIME_REGISTER_CUSTOMER', 'the Realtime Register customer handle')),
    baseUrl: parseUrl('REALTIME_REGISTER_BASE_URL', read('REALTIME_REGISTER_BASE_URL') ?? PRODUCTION_URLS.realtimeRegister),
    webhookSecret: read('REALTIME_REGISTER_WEBHOOK_SECRET') ?? null,
    pollIntervalMs: parseDuration('REALTIME_REGISTER_POLL_INTERVAL_MS', read('REALTIME_REGISTER_POLL_INTERVAL_MS') ?? '30000', { min: 10 }),
    poll: parseBoolean('REALTIME_REGISTER_POLL', read('REALTIME_REGISTER_POLL') ?? 'on'),
    webhookBasic: parseBasicCredentials('REALTIME_REGISTER_WEBHOOK_BASIC', read('REALTIME_REGISTER_WEBHOOK_BASIC')),
  };
}

export function readOpenprovider(read: Reader): OpenproviderConfig | null {
  const username = read('OPENPROVIDER_USERNAME');
  if (!username) {
    refuseOrphanedSecret(read, 'OPENPROVIDER_PASSWORD', 'OPENPROVIDER_USERNAME', 'the Openprovider API user name');
    return null;
  }
  return {
    username,
    password: required(read, 'OPENPROVIDER_PASSWORD', 'the Openprovider API password'),
    baseUrl: parseUrl('OPENPROVIDER_BASE_URL', read('OPENPROVIDER_BASE_URL') ?? PRODUCTION_URLS.openprovider),
    timeZone: parseTimeZone('OPENPROVIDER_TIME_ZONE', read('OPENPROVIDER_TIME_ZONE') ?? 'Europe/Amsterdam'),
  };
}

export function readDomainNameApi(read: Reader): DomainNameApiConfig | null {
  const username = read('DOMAIN_NAME_API_USERNAME');
  if (!username) {
    refuseOrphanedSecret(read, 'DOMAIN_NAME_API_PASSWORD', 'DOMAIN_NAME_API_USERNAME', 'the Domain Name API user name');
    return null;
  }
  const contactServicePath = read('DOMAIN_NAME_API_CONTACT_SERVICE_PATH') ?? '/ContactApi.svc';
  if (!contactServicePath.startsWith('/')) {
    throw new ConfigError('DOMAIN_NAME_API_CONTACT_SERVICE_PATH', `must start with "/", got "${contactServicePath}"`);
  }
  return {
    username,
    password: required(read, 'DOMAIN_NAME_API_PASSWORD', 'the Domain Name API password'),
    baseUrl: parseUrl('DOMAIN_NAME_API_BASE_URL', read('DOMAIN_NAME_API_BASE_URL') ?? PRODUCTION_URLS.domainNameApi),
    contactServicePath,
    baseNamespace: parseNamespace('DOMAIN_NAME_API_BASE_NAMESPACE', read('DOMAIN_NAME_API_BASE_NAMESPACE') ?? DEFAULT_DNA_NAMESPACES.base),
    dataNamespace: parseNamespace('DOMAIN_NAME_API_DATA_NAMESPACE', read('DOMAIN_NAME_API_DATA_NAMESPACE') ?? DEFAULT_DNA_NAMESPACES.data),
    timeZone: parseTimeZone('DOMAIN_NAME_API_TIME_ZONE', read('DOMAIN_NAME_API_TIME_ZONE') ?? 'Europe/Istanbul'),
  };
}

export function readVeriff(read: Reader): VeriffConfig | null {
  const apiKey = read('VERIFF_API_KEY');
  if (!apiKey) {
    refuseOrphanedSecret(read, 'VERIFF_SHARED_SECRET', 'VERIFF_API_KEY', 'the Veriff API key');
    return null;
  }
  return {
    apiKey,
    sharedSecret: required(read, 'VERIFF_SHARED_SECRET', 'the Veriff shared secret (HMAC key)'),
    previousSharedSecret: read('VERIFF_PREVIOUS_SHARED_SECRET') ?? null,
    baseUrl: parseUrl('VERIFF_BASE_URL', read('VERIFF_BASE_URL') ?? PRODUCTION_URLS.veriff),
    syncBaseUrl: parseUrl('VERIFF_SYNC_BASE_URL', read('VERIFF_SYNC_BASE_URL') ?? PRODUCTION_URLS.veriffSync),
    registryMode: parseChoice('VERIFF_REGISTRY_MODE', read('VERIFF_REGISTRY_MODE') ?? 'webhook', ['sync', 'webhook']),
  };
}
