import type { Logger } from '../observability/logger.js';
import type { RtrPollResult } from '../providers/realtime-register/notification.js';
import { readNotification } from '../providers/realtime-register/webhook.js';
import type { Locks } from '../store/index.js';
import { StoreUnavailable } from '../store/index.js';
import { createLeasedInterval } from './leased-interval.js';
import { ingestRealtimeRegisterNotification, type NotificationIngestDeps } from './notification-ingest.js';
import { quarantineDelivery, type QuarantineDeps } from './notification-quarantine.js';

/** The Realtime Register poll queue, as the client offers it. */
export interface NotificationQueue {
  pollNotification(): Promise<RtrPollResult>;
  ackNotification(id: number): Promise<void>;
}

export interface NotificationPollerOptions {
  queue: NotificationQueue;
  ingest: NotificationIngestDeps;
  /** Where queue items the gateway cannot use are kept before they are acked. */
  quarantine: QuarantineDeps;
  locks: Locks;
  /** Ack only when the event log survives a restart (Redis); in memory the queue is the only durable copy. */
  durable: boolean;
  intervalMs: number;
  logger: Logger;
  /** Notifications drained per tick when acking. Default 100. */
  maxPerTick?: number;
}

export interface NotificationPoller {
  start(): void;
  /** Runs one tick now (after any running one); resolves with the number of notifications ingested. */
  pollNow(): Promise<number>;
  stop(): Promise<void>;
}

/** The lock that keeps the poller on one instance at a time. */
export const POLLER_LOCK = 'rtr-notification-poller';

/**
 * Reads the Realtime Register notification queue every intervalMs on the one instance holding the poller lease, and
 * acknowledges an item only after it is durably stored (ingest returned, or, for an item the gateway cannot use or
 * whose ingest failed for any reason but the store, quarantined: leaving it unacked would stall the account's queue
 * behind it). With the in-memory event log it never acks
 * (an ack would drop the only durable copy): the queue then keeps answering with the same head item, so it reads that
 * once per interval and ingests it (deduplicated, so the repeats cost nothing).
 */
export function createNotificationPoller(options: NotificationPollerOptions): NotificationPoller {
  const { queue, locks, logger, durable, intervalMs } = options;
  const maxPerTick = options.maxPerTick ?? 100;
  let failing = false;

  async function tick(renew: () => Promise<boolean>, stopping: () => boolean): Promise<number> {
    let ingested = 0;
    /** New to the log this round (not redeliveries), for the progress line. */
    let stored = 0;
    try {
      // Stops between items on shutdown: a full tick against a slow queue would hold stop() for minutes.
      for (let i = 0; i < maxPerTick && !stopping(); i++) {
        const { notification: item } = await queue.pollNotification();
        if (!item) break;
        const notification = readNotification(item);
        if (!notification) {
          // Without a usable id it cannot be acked: kept once (the quarantine deduplicates), and the queue hands out the
          // same item again. readNotification reads any item with an ackable id, so this is the only unusable kind.
          await quarantineDelivery(options.quarantine, {
            source: 'rtr-poll',
            reason: 'UNKNOWN_SHAPE',
            body: Buffer.from(JSON.stringify(item) ?? 'null', 'utf8'),
            notificationId: null,
          });
          break;
        }
        try {
          const { duplicate } = await ingestRealtimeRegisterNotification(options.ingest, notification, 'rtr-poll');
          ingested++;
          if (!duplicate) stored++;
        } catch (error) {
          if (error instanceof StoreUnavailable) throw error;
          // As on the webhook: an item that breaks ingest is kept for a person to look at, then acked. Left unacked it
          // would come back at the head of the queue on every tick, and nothing behind it would ever be read.
          logger.error({ err: error, notificationId: String(notification.id) }, 'Realtime Register notification could not be processed');
          await quarantineDelivery(options.quarantine, {
            source: 'rtr-poll',
            reason: 'UNPROCESSABLE',
            body: Buffer.from(JSON.stringify(notification), 'utf8'),
            notificationId: String(notification.id),
          });
        }
        // Unacked, the queue would answer with this same item again: one read per tick in memory mode.
        if (!durable) break;
        await queue.ackNotification(notification.id);
        if (i % 10 === 9 && !(await renew())) break;
      }
      if (failing) logger.info('notification polling recovered');
      failing = false;
    } catch (err) {
      // Not acked: the queue hands the same item out again next time.
      if (!failing) {
        const what = err instanceof StoreUnavailable ? 'could not store a notification; not acknowledging' : 'notification polling failed';
        logger.warn({ error: err instanceof Error ? err.message : String(err) }, what);
      }
      failing = true;
    } finally {
      // Progress for an operator draining a backlog (100 a round); quiet on empty rounds and on the in-memory log's
      // redelivered head. Counts only: a notification's text names people.
      if (stored > 0) logger.info({ stored, read: ingested }, 'Realtime Register notifications stored from the queue');
    }
    return ingested;
  }

  const interval = createLeasedInterval({ locks, lockName: POLLER_LOCK, intervalMs, logger, tick });

  return {
    start() {
      if (!durable) {
        logger.info('the event log is in memory (no REDIS_URL): Realtime Register notifications are read but never acknowledged');
      }
      interval.start();
    },
    pollNow: interval.runNow,
    stop: interval.stop,
  };
}
