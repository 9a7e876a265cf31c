import { inSpan, SpanKind, tracingEnabled } from '../observability/tracer.js';

/** The Redis round trips worth a span: each decides a request's latency or an event's durability. */
export type TracedRedisOperation = 'event-log.append' | 'cache.get' | 'cache.set';

/**
 * A span around one Redis round trip (`redis cache.get`), with the cache kind or event type (`subject`) and how many
 * keys; never key names or values (they hold handles and email addresses). Tracing off: `work()`, nothing else.
 */
export function traceRedis<T>(operation: TracedRedisOperation, subject: string, keys: number, work: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return work();
  const attributes = { 'db.system.name': 'redis', 'db.operation.name': operation, [operation === 'event-log.append' ? 'gateway.event.type' : 'gateway.cache.kind']: subject, 'gateway.redis.keys': keys };
  return inSpan(`redis ${operation}`, { kind: SpanKind.CLIENT, attributes }, () => work());
}
