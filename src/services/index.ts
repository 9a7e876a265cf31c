import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { ProviderClients } from '../providers/clients.js';
import type { Stores } from '../store/index.js';
import type { ContactService } from './contacts.js';
import { createContactService } from './contacts.js';
import { createDomainNameApiContactSource, createOpenproviderContactSource } from './email-contact-sources.js';
import type { EmailVerificationService } from './email-verifications.js';
import { createEmailVerificationService } from './email-verifications.js';
import { createEmailStatusWatcher } from './email-status-watcher.js';
import { createEventCacheInvalidation } from './event-cache-invalidation.js';
import type { EventService } from './events.js';
import { createEventService } from './events.js';
import type { ProviderStatus } from './provider-status.js';
import { providerStatuses } from './provider-status.js';
import type { RegistryCheckService } from './registry-checks.js';
import { createRegistryCheckService } from './registry-checks.js';
import { createRegistryDecisionPoll } from './registry-decision-poll.js';
import type { VerificationRequestService } from './verification-requests.js';
import { createVerificationRequestService } from './verification-requests.js';
import type { WebhookHandler } from './webhook.js';

/** Every capability of the gateway, testable without GraphQL. */
export interface Services {
  providers(): ProviderStatus[];
  contacts: ContactService;
  emailVerifications: EmailVerificationService;
  verificationRequests: VerificationRequestService;
  registryChecks: RegistryCheckService;
  events: EventService;
  webhooks: { realtimeRegister: WebhookHandler; veriff: WebhookHandler };
  /** Background work: notification poller, email-status watcher, Veriff decision polling. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServicesOptions {
  config: Config;
  stores: Stores;
  clients: ProviderClients;
  metrics: GatewayMetrics;
  logger: Logger;
}

export function createServices(options: ServicesOptions): Services {
  const events = createEventService({ ...options, invalidate: createEventCacheInvalidation({ cache: options.stores.cache, clients: options.clients }) });
  const deps = { ...options, events };
  const verificationRequests = createVerificationRequestService(deps);
  const registryChecks = createRegistryCheckService(deps);
  const emailVerifications = createEmailVerificationService(deps);
  // Veriff decisions whose webhook was lost are fetched by polling (one instance at a time).
  const decisionPoll = options.clients.veriff
    ? createRegistryDecisionPoll({
        registryChecks,
        store: options.stores.registryChecks,
        veriff: options.clients.veriff,
        locks: options.stores.locks,
        logger: options.logger.child({ component: 'veriff-decision-poll' }),
        afterMs: options.config.veriffDecisionPollAfterMs,
      })
    : null;
  const emailStatusWatcher = createEmailStatusWatcher({
    emailVerifications,
    events,
    locks: options.stores.locks,
    intervalMs: options.config.emailWatchIntervalMs,
    logger: options.logger.child({ component: 'email-status-watcher' }),
  });
  return {
    providers: () => providerStatuses(options.clients),
    contacts: createContactService({
      ...deps,
      verificationRequests,
      contactSources: {
        ...(options.clients.openprovider ? { OPENPROVIDER: createOpenproviderContactSource(options.clients.openprovider, options.stores.cache) } : {}),
        ...(options.clients.domainNameApi ? { DOMAIN_NAME_API: createDomainNameApiContactSource(options.clients.domainNameApi, options.stores.cache) } : {}),
      },
    }),
    emailVerifications,
    verificationRequests,
    registryChecks,
    events,
    webhooks: { realtimeRegister: verificationRequests.webhook, veriff: registryChecks.webhook },
    start: async () => {
      await verificationRequests.start();
      emailStatusWatcher.start();
      decisionPoll?.start();
    },
    stop: async () => {
      await Promise.all([verificationRequests.stop(), emailStatusWatcher.stop(), decisionPoll?.stop()]);
      await events.stop();
    },
  };
}
