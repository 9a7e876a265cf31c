import type { Config } from '../config.js';
import { silentLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createStores } from '../store/index.js';
import { domainNameApiSteps } from './domain-name-api-check.js';
import { openproviderSteps } from './openprovider-check.js';
import { realtimeRegisterSteps } from './realtime-register-check.js';
import { redisSteps } from './redis-check.js';
import type { DoctorStep } from './report.js';
import { runSteps } from './report.js';
import type { DoctorContext } from './upstream.js';
import { veriffSteps } from './veriff-check.js';

export interface DoctorOptions {
  /** Where the gateway is reached from outside (for webhook URLs); null prints a placeholder. */
  publicUrl: string | null;
  /** One output line at a time. */
  write: (line: string) => void;
}

/**
 * Checks a configuration before it goes live: for each configured provider its credentials (one harmless read), the
 * upstream latency, the webhook URL and secret to set at the provider and a self-test of the signature check; then
 * Redis. Resolves with the process exit code: 1 when anything would fail or lose data, else 0 (warnings included).
 * Secrets are never printed: variables are named instead.
 */
export async function runDoctor(config: Config, options: DoctorOptions): Promise<number> {
  const logger = silentLogger();
  const context: DoctorContext = {
    stores: createStores({ redisUrls: [], metrics: createMetrics(), logger }),
    logger,
    publicUrl: options.publicUrl,
    layers: [],
  };
  const { realtimeRegister, openprovider, domainNameApi, veriff } = config.providers;
  const live = config.mode === 'live';
  const steps: DoctorStep[] = [
    ...(realtimeRegister ? realtimeRegisterSteps(realtimeRegister, context) : []),
    ...(openprovider ? openproviderSteps(openprovider, context) : []),
    ...(domainNameApi ? domainNameApiSteps(domainNameApi, context) : []),
    ...(veriff ? veriffSteps(veriff, context) : []),
    ...redisSteps(config.redisUrls, live, logger),
  ];
  const configured = Object.entries({ 'Realtime Register': realtimeRegister, Openprovider: openprovider, 'Domain Name API': domainNameApi, Veriff: veriff })
    .filter(([, provider]) => provider !== null)
    .map(([name]) => name);
  options.write(`Verification gateway doctor: ${configured.length ? `checking ${configured.join(', ')}` : 'no provider is configured'} (${config.mode} mode)`);
  try {
    const outcome = await runSteps(steps, options.write);
    const verdict = outcome.failed > 0 ? 'NOT ready to go live' : 'ready';
    options.write(`${verdict}: ${outcome.ok} ok, ${outcome.warned} warning(s), ${outcome.failed} failure(s)`);
    return outcome.failed > 0 ? 1 : 0;
  } finally {
    await Promise.all(context.layers.map((layer) => layer.close()));
    await context.stores.close();
  }
}
