import { parse, subscribe, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { VerificationEventPayload } from '../../src/domain/events.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { schema } from '../../src/schema/index.js';
import { createEventService } from '../../src/services/events.js';
import { createStores } from '../../src/store/index.js';

function note(n: number): VerificationEventPayload {
  return { type: 'PROVIDER_NOTIFICATION', provider: 'REALTIME_REGISTER', occurredAt: new Date().toISOString(), contactHandle: 'h-1', notificationId: String(n), kind: 'INFO', message: `m${n}` };
}

describe('verificationEvents subscription field', () => {
  it('sends a subscriber that fell behind one GraphQL error naming where to resume, then completes', async () => {
    const metrics = createMetrics();
    const stores = createStores({ redisUrls: [], metrics, logger: silentLogger() });
    const events = createEventService({ stores, metrics, logger: silentLogger(), subscriberBufferLimit: 3 });
    const contextValue = {
      services: { events },
      principal: { id: 'test', scopes: new Set(['events:read']), authenticated: true },
      requestId: 'r-1',
      logger: silentLogger(),
    };
    const result = await subscribe({
      schema,
      document: parse('subscription { verificationEvents { id ... on ProviderNotificationEvent { message } } }'),
      contextValue,
    });
    const iterator = result as AsyncIterableIterator<ExecutionResult>;
    const first = iterator.next();
    const delivered = (await events.record(note(1))).event;
    expect((await first).value).toEqual({ data: { verificationEvents: { id: delivered.id, message: 'm1' } } });
    for (let n = 2; n <= 5; n++) await events.record(note(n));

    const last = (await iterator.next()).value as ExecutionResult;
    expect(last.data).toBeNull();
    expect(last.errors?.[0]?.message).toBe(`subscriber fell behind; resume with after: ${delivered.id}`);
    expect(last.errors?.[0]?.extensions).toEqual({ code: 'SUBSCRIBER_FELL_BEHIND', resumeAfter: delivered.id });
    expect((await iterator.next()).done).toBe(true);
  });
});
