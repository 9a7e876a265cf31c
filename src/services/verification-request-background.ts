import type { QuarantinedDelivery } from '../domain/quarantined-delivery.js';
import { realtimeRegisterMetrics } from '../observability/realtime-register-metrics.js';
import { createDeadlineWatch } from './deadline-watch.js';
import type { ServiceDeps } from './deps.js';
import type { NotificationIngestDeps } from './notification-ingest.js';
import { createNotificationPoller } from './notification-poller.js';
import type { QuarantineDeps } from './notification-quarantine.js';
import { createProcessFollower } from './process-follower.js';
import type { LifecycleDeps } from './verification-request-lifecycle.js';

/** The parts of a verification request's life that run in the background, and what they share with the rest. */
export interface VerificationRequestBackground {
  lifecycle: LifecycleDeps;
  ingest: NotificationIngestDeps | null;
  quarantine: QuarantineDeps;
  pollNotifications(): Promise<number>;
  followProcesses(): Promise<number>;
  scanDeadlines(): Promise<number>;
  quarantined(limit: number): Promise<QuarantinedDelivery[]>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Three jobs on the leased loop (each on one instance at a time): the Realtime Register notification poller (unless
 * REALTIME_REGISTER_POLL is off, when the queue is left to another consumer), the follower of 202 processes, and the
 * deadline scan (OVERDUE and reminders).
 */
export function createVerificationRequestBackground(deps: ServiceDeps): VerificationRequestBackground {
  const rtr = deps.config.providers.realtimeRegister;
  const client = deps.clients.realtimeRegister;
  const settings = deps.config.verificationLifecycle;
  const metrics = realtimeRegisterMetrics(deps.metrics.registry);
  const ingest = rtr ? { requests: deps.stores.verificationRequests, events: deps.events, customer: rtr.customer, logger: deps.logger.child({ component: 'rtr-notifications' }) } : null;
  const quarantine: QuarantineDeps = { store: deps.stores.quarantine, digest: deps.stores.digest, metrics, logger: deps.logger.child({ component: 'rtr-quarantine' }) };
  const lifecycle: LifecycleDeps = {
    requests: deps.stores.verificationRequests,
    followUps: deps.stores.processFollowUps,
    events: deps.events,
    logger: deps.logger.child({ component: 'verification-lifecycle' }),
    followInitialMs: settings.processFollowInitialMs,
  };
  const polling = rtr?.poll !== false;
  const poller =
    rtr && ingest && client && polling
      ? createNotificationPoller({
          queue: client,
          ingest,
          quarantine,
          locks: deps.stores.locks,
          durable: deps.stores.eventLog.durable,
          intervalMs: rtr.pollIntervalMs,
          logger: deps.logger.child({ component: 'rtr-notification-poller' }),
        })
      : null;
  const follower = client
    ? createProcessFollower({
        lifecycle,
        processes: client,
        locks: deps.stores.locks,
        tickMs: settings.processFollowTickMs,
        maxDelayMs: settings.processFollowMaxMs,
        slowAfterMs: settings.processFollowSlowAfterMs,
        slowIntervalMs: settings.processFollowSlowIntervalMs,
        metrics,
        logger: deps.logger.child({ component: 'rtr-process-follower' }),
      })
    : null;
  const deadlineWatch = createDeadlineWatch({
    lifecycle,
    claims: deps.stores.claims,
    locks: deps.stores.locks,
    intervalMs: settings.deadlineScanIntervalMs,
    thresholdsSeconds: settings.reminderThresholdsSeconds,
    logger: deps.logger.child({ component: 'deadline-watch' }),
  });

  return {
    lifecycle,
    ingest,
    quarantine,
    pollNotifications: async () => (poller ? poller.pollNow() : 0),
    followProcesses: async () => (follower ? follower.followNow() : 0),
    scanDeadlines: () => deadlineWatch.scanNow(),
    quarantined: (limit) => deps.stores.quarantine.list(limit),
    start() {
      if (rtr && !polling) {
        deps.logger.info('REALTIME_REGISTER_POLL is off: the notification queue is left to another consumer; notifications arrive by webhook only');
      }
      poller?.start();
      follower?.start();
      deadlineWatch.start();
    },
    async stop() {
      await Promise.all([poller?.stop(), follower?.stop(), deadlineWatch.stop()]);
    },
  };
}
