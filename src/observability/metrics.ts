import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus series the gateway exposes on /metrics. One registry per gateway instance, so two gateways in
 * one test process never share counters.
 */
export interface GatewayMetrics {
  registry: Registry;
  /** Every upstream attempt, retries included. outcome: success | client_error | server_error | rate_limited | timeout | network_error | too_large | circuit_open */
  upstreamRequests: Counter<'provider' | 'operation' | 'outcome'>;
  upstreamDuration: Histogram<'provider' | 'operation' | 'outcome'>;
  upstreamRetries: Counter<'provider' | 'operation'>;
  /** 0 closed, 1 half-open, 2 open. */
  circuitState: Gauge<'provider'>;
  cacheHits: Counter<'kind'>;
  cacheMisses: Counter<'kind'>;
  graphqlRequests: Counter<'operation' | 'outcome'>;
  resolverErrors: Counter<'code'>;
  subscribers: Gauge<'transport'>;
  eventsAppended: Counter<'type'>;
  /** Seconds between an event's occurrence and its append to the log. */
  eventLogLag: Histogram<'source'>;
  webhooks: Counter<'provider' | 'outcome'>;
  /** Store effects of accepted writes not stored yet: queue local (this instance, spooled) or shared (Redis). */
  outboxPending: Gauge<'queue'>;
  /** 1 when Redis keeps what it acknowledges (AOF or snapshots), 0 when it does not or cannot tell. */
  redisPersistent: Gauge;
  /** Times this instance found that Redis had lost its data (the start-up marker vanished). */
  redisDataLoss: Counter;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'gateway_process_' });
  const registers = [registry];
  return {
    registry,
    upstreamRequests: new Counter({
      name: 'gateway_upstream_requests_total',
      help: 'Upstream HTTP calls by provider, operation and outcome (every attempt, retries included).',
      labelNames: ['provider', 'operation', 'outcome'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'gateway_upstream_request_duration_seconds',
      help: 'Upstream HTTP call latency in seconds.',
      labelNames: ['provider', 'operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    upstreamRetries: new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Upstream calls retried after a retryable failure.',
      labelNames: ['provider', 'operation'],
      registers,
    }),
    circuitState: new Gauge({
      name: 'gateway_circuit_state',
      help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open.',
      labelNames: ['provider'],
      registers,
    }),
    cacheHits: new Counter({ name: 'gateway_cache_hits_total', help: 'Cache hits by kind of data.', labelNames: ['kind'], registers }),
    cacheMisses: new Counter({ name: 'gateway_cache_misses_total', help: 'Cache misses by kind of data.', labelNames: ['kind'], registers }),
    graphqlRequests: new Counter({
      name: 'gateway_graphql_requests_total',
      help: 'GraphQL operations by operation name and outcome (ok | error).',
      labelNames: ['operation', 'outcome'],
      registers,
    }),
    resolverErrors: new Counter({ name: 'gateway_resolver_errors_total', help: 'GraphQL errors by extensions.code.', labelNames: ['code'], registers }),
    subscribers: new Gauge({ name: 'gateway_subscribers', help: 'Active subscriptions by transport.', labelNames: ['transport'], registers }),
    eventsAppended: new Counter({ name: 'gateway_events_appended_total', help: 'Events appended to the event log by type.', labelNames: ['type'], registers }),
    eventLogLag: new Histogram({
      name: 'gateway_event_log_lag_seconds',
      help: 'Delay between an event occurring upstream and its append to the event log.',
      labelNames: ['source'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300],
      registers,
    }),
    webhooks: new Counter({ name: 'gateway_webhooks_total', help: 'Webhook deliveries by provider and outcome.', labelNames: ['provider', 'outcome'], registers }),
    outboxPending: new Gauge({
      name: 'gateway_outbox_pending',
      help: 'Store effects of accepted writes waiting in the outbox, by queue (local: this instance and its spool file; shared: Redis).',
      labelNames: ['queue'],
      registers,
    }),
    redisPersistent: new Gauge({ name: 'gateway_redis_persistent', help: 'Whether Redis keeps what it acknowledges across a restart (1) or not / unknown (0).', registers }),
    redisDataLoss: new Counter({ name: 'gateway_redis_data_loss_total', help: 'Times Redis was found to have lost its data (the marker written at start vanished).', registers }),
  };
}
