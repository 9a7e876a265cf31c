import type { Provider } from '../domain/providers.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import type { ProviderClientDeps } from '../providers/client-deps.js';
import { ProviderHttp } from '../providers/http.js';
import type { Stores } from '../store/index.js';

/** What the doctor's provider checks are built with. */
export interface DoctorContext {
  /** In-memory stores: the doctor shares no token, cache or lock with running gateways. */
  stores: Stores;
  logger: Logger;
  /** Where the gateway is reached from outside, for the webhook URLs to configure; null prints a placeholder. */
  publicUrl: string | null;
  /** Every HTTP layer opened, closed when the doctor ends. */
  layers: ProviderHttp[];
}

/** A provider client's dependencies for one origin: one attempt per call, a short deadline, no shared state. */
export function doctorDeps(context: DoctorContext, provider: Provider, baseUrl: string): ProviderClientDeps {
  const http = new ProviderHttp({ provider, baseUrl, metrics: createMetrics(), deadlineMs: 10_000, maxRetries: 0 });
  context.layers.push(http);
  return { http, stores: context.stores, logger: context.logger };
}

/** A base URL as it may be shown: origin and path, never user info. */
export function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

/** The URL a provider must call for a webhook path. */
export function webhookUrl(context: DoctorContext, path: string): string {
  return `${context.publicUrl ?? 'https://<your gateway>'}${path}`;
}
