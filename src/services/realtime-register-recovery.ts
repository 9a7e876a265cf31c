import { LIST_LIMIT_MAX } from '../providers/realtime-register/assumptions.js';
import type { NotificationListPage, RealtimeRegisterClient } from '../providers/realtime-register/client.js';
import { rtrInstant } from '../providers/realtime-register/dates.js';
import type { NotificationFields } from '../providers/realtime-register/denic.js';
import { readNotification } from '../providers/realtime-register/webhook.js';
import { ingestRealtimeRegisterNotification, type NotificationIngestDeps } from './notification-ingest.js';
import type { RecoveryHook } from './redis-recovery.js';

export interface RealtimeRegisterRecoveryOptions {
  client: Pick<RealtimeRegisterClient, 'listNotifications'>;
  ingest: NotificationIngestDeps;
  /** How far back to re-read, by fireDate. Default 30 days (a DENIC request's deadlines fall within weeks). */
  lookbackMs?: number;
  /** At most this many notifications (newest first). Default 5000. */
  maxNotifications?: number;
}

/**
 * Realtime Register keeps every notification, acknowledged or not, in `GET .../notifications` (providers/
 * realtime-register.md, "List/get"). After Redis lost its data, read the recent ones newest first (`order=-id`) and
 * ingest them oldest first through the same path as the webhook and the poll queue: a notification still stored is a
 * duplicate (deduplicated by its id), a lost one is stored again (a DENIC one as an OPEN request: whether evidence was
 * sent for it before the loss is not known any more).
 */
export function createRealtimeRegisterRecovery(options: RealtimeRegisterRecoveryOptions): RecoveryHook {
  const lookbackMs = options.lookbackMs ?? 30 * 24 * 3600_000;
  const max = options.maxNotifications ?? 5_000;
  return async () => {
    const since = Date.now() - lookbackMs;
    const recent: NotificationFields[] = [];
    for (let offset = 0; recent.length < max; ) {
      const page = await options.client.listNotifications({ limit: LIST_LIMIT_MAX, offset, order: '-id' });
      let older = false;
      for (const entity of page.notifications) {
        const notification = readNotification(entity);
        if (!notification) continue;
        const fired = Date.parse(rtrInstant(notification.fireDate) ?? '');
        if (Number.isFinite(fired) && fired < since) {
          older = true;
          break;
        }
        recent.push(notification);
        if (recent.length >= max) break;
      }
      if (older || isLastPage(page, offset)) break;
      offset += page.notifications.length;
    }
    let restored = 0;
    for (const notification of recent.reverse()) {
      const { duplicate } = await ingestRealtimeRegisterNotification(options.ingest, notification, 'rtr-poll');
      if (!duplicate) restored++;
    }
    return restored;
  };
}

/**
 * The end of the list: by `pagination.total` when the provider counts, else a page shorter than the limit it says it
 * applied. Never "shorter than the limit we asked for": a provider that caps pages below LIST_LIMIT_MAX (the cap is
 * unpublished) would otherwise end the recovery after its first page.
 */
function isLastPage(page: NotificationListPage, offset: number): boolean {
  if (page.notifications.length === 0) return true;
  if (page.total !== null) return offset + page.notifications.length >= page.total;
  return page.notifications.length < Math.min(page.limit > 0 ? page.limit : LIST_LIMIT_MAX, LIST_LIMIT_MAX);
}
