import { Counter, type Registry } from 'prom-client';

/**
 * Realtime Register series beside the gateway's own (metrics.ts): kept here so the provider's work (quarantine,
 * vocabulary drift, process follow-up) adds series without touching the shared metric list. One set per registry,
 * so two gateways in one test process never share counters.
 */
export interface RealtimeRegisterMetrics {
  /** Signed deliveries the gateway could not use, kept in the quarantine instead of being refused. */
  quarantined: Counter<'source' | 'reason'>;
  /** Stored values outside the published vocabulary (a method or proof RTR added later), left out of reads. */
  unknownValues: Counter<'field'>;
  /** Checks of a 202's process: outcome is pending | completed | failed | gone | error. */
  processChecks: Counter<'outcome'>;
}

const perRegistry = new WeakMap<Registry, RealtimeRegisterMetrics>();

export function realtimeRegisterMetrics(registry: Registry): RealtimeRegisterMetrics {
  const existing = perRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const created: RealtimeRegisterMetrics = {
    quarantined: new Counter({
      name: 'gateway_rtr_quarantined_total',
      help: 'Correctly signed Realtime Register deliveries that could not be used and were quarantined (answered 2xx).',
      labelNames: ['source', 'reason'],
      registers,
    }),
    unknownValues: new Counter({
      name: 'gateway_rtr_unknown_values_total',
      help: 'Stored Realtime Register values outside the published vocabulary, left out of contact reads.',
      labelNames: ['field'],
      registers,
    }),
    processChecks: new Counter({
      name: 'gateway_rtr_process_checks_total',
      help: 'GET /v2/processes/{id} checks of asynchronous evidence submissions, by outcome.',
      labelNames: ['outcome'],
      registers,
    }),
  };
  perRegistry.set(registry, created);
  return created;
}
