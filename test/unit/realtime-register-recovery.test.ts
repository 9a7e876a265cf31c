import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { NotificationListPage } from '../../src/providers/realtime-register/client.js';
import type { RtrNotification } from '../../src/providers/realtime-register/notification.js';
import { createEventService } from '../../src/services/events.js';
import { createRealtimeRegisterRecovery } from '../../src/services/realtime-register-recovery.js';
import { createStores } from '../../src/store/index.js';

function notification(id: number): RtrNotification {
  return {
    id,
    fireDate: new Date(Date.now() - id * 60_000).toISOString(),
    message: 'Domain transferred',
    eventType: 'DOMAIN_TRANSFER',
    notificationType: 'DomainTransferNotification',
    payload: {},
    isAsync: false,
  };
}

/** The notification list as the document describes it (newest first), with a page cap of its own. */
function listOf(count: number, pageCap: number, counting: boolean) {
  const all = Array.from({ length: count }, (_, index) => notification(index + 1));
  const offsets: number[] = [];
  return {
    offsets,
    async listNotifications(query: { limit?: number; offset?: number }): Promise<NotificationListPage> {
      const offset = query.offset ?? 0;
      const limit = Math.min(query.limit ?? 10, pageCap);
      offsets.push(offset);
      return { notifications: all.slice(offset, offset + limit), limit, offset, total: counting ? all.length : null };
    },
  };
}

describe('Realtime Register recovery after Redis lost its data', () => {
  it.each([true, false])('reads every page of a provider that caps pages below the limit asked for (total given: %s)', async (counting) => {
    const metrics = createMetrics();
    const stores = createStores({ redisUrls: [], metrics, logger: silentLogger() });
    const events = createEventService({ stores, metrics, logger: silentLogger() });
    const client = listOf(60, 25, counting);
    const recover = createRealtimeRegisterRecovery({ client, ingest: { requests: stores.verificationRequests, events, customer: 'acme' } });
    expect(await recover()).toBe(60);
    expect(client.offsets).toEqual([0, 25, 50]);
    expect(await stores.eventLog.read({ limit: 100 })).toHaveLength(60);
  });
});
