import { Counter, type Registry } from 'prom-client';

/** Veriff series beside the gateway's own (metrics.ts), as realtime-register-metrics.ts does for Realtime Register. */
export interface VeriffMetrics {
  /** Correctly signed decisions the gateway could not use (a session it does not know), kept and answered 200. */
  quarantined: Counter<'reason'>;
}

const perRegistry = new WeakMap<Registry, VeriffMetrics>();

/** One set per registry, so two gateways in one test process never share counters. */
export function veriffMetrics(registry: Registry): VeriffMetrics {
  const existing = perRegistry.get(registry);
  if (existing) return existing;
  const created: VeriffMetrics = {
    quarantined: new Counter({
      name: 'gateway_veriff_quarantined_total',
      help: 'Correctly signed Veriff decision webhooks the gateway could not use (unknown session), quarantined and answered 200.',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
  perRegistry.set(registry, created);
  return created;
}
