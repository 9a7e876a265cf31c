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
import type { OutboxService } from './outbox.js';
import { createOutboxService } from './outbox.js';
import { registerStoreEffects } from './outbox-effects.js';
import type { RedisRecovery } from './redis-recovery.js';
import { createRedisRecovery } from './redis-recovery.js';
import { createRealtimeRegisterRecovery } from './realtime-register-recovery.js';

/** Every capability of the gateway, testable without GraphQL. */
export interface Services {
  providers(): ProviderStatus[];
  contacts: ContactService;
  emailVerifications: EmailVerificationService;
  verificationRequests: VerificationRequestService;
  registryChecks: RegistryCheckService;
  events: EventService;
  webhooks: { realtimeRegister: WebhookHandler; veriff: WebhookHandler };
  /** Records of accepted writes the store could not take at once, retried until stored. */
  outbox: OutboxService;
  /** What runs after Redis lost its data (re-reading provider history); register more hooks here. */
  redisRecovery: RedisRecovery;
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
  const outbox = createOutboxService({
    shared: options.stores.outbox,
    local: options.stores.localOutbox,
    locks: options.stores.locks,
    logger: options.logger.child({ component: 'outbox' }),
    metrics: options.metrics,
    intervalMs: options.config.outboxRetryIntervalMs,
  });
  const deps = { ...options, events };
  const verificationRequests = createVerificationRequestService(deps);
  const registryChecks = createRegistryCheckService({ ...deps, outbox });
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
  registerStoreEffects(outbox, { events, verificationRequests, registryChecks: options.stores.registryChecks });
  const redisRecovery = createRedisRecovery({ durability: options.stores.durability, locks: options.stores.locks, logger: options.logger.child({ component: 'redis-recovery' }) });
  const rtrConfig = options.config.providers.realtimeRegister;
  if (rtrConfig && options.clients.realtimeRegister) {
    const ingest = { requests: options.stores.verificationRequests, events, customer: rtrConfig.customer, logger: options.logger.child({ component: 'rtr-notifications' }) };
    redisRecovery.register('REALTIME_REGISTER', createRealtimeRegisterRecovery({ client: options.clients.realtimeRegister, ingest }));
  }
  const emailStatusWatcher = createEmailStatusWatcher({
    emailVerifications,
    events,
    locks: options.stores.locks,
    state: options.stores.emailWatch,
    digest: options.stores.digest,
    intervalMs: options.config.emailWatchIntervalMs,
    logger: options.logger.child({ component: 'email-status-watcher' }),
  });
  return {
    providers: () => providerStatuses(options.clients),
    contacts: createContactService({
      ...deps,
      outbox,
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
    outbox,
    redisRecovery,
    start: async () => {
      await outbox.start();
      redisRecovery.start();
      await verificationRequests.start();
      emailStatusWatcher.start();
      decisionPoll?.start();
    },
    stop: async () => {
      await Promise.all([verificationRequests.stop(), emailStatusWatcher.stop(), decisionPoll?.stop(), redisRecovery.stop()]);
      // After the jobs that might still record something; its last attempt hands over or spools what is left.
      await outbox.stop();
      await events.stop();
    },
  };
}
