import { describe, expect, it } from 'vitest';
import type { RealtimeRegisterConfig } from '../../src/config.js';
import { realtimeRegisterSteps } from '../../src/doctor/realtime-register-check.js';
import type { DoctorContext } from '../../src/doctor/upstream.js';
import { silentLogger } from '../../src/observability/logger.js';

/** The doctor's Realtime Register webhook step: it needs no network, only the configuration. */
const context = { logger: silentLogger(), publicUrl: 'https://gateway.example.com', layers: [] } as unknown as DoctorContext;
const base: RealtimeRegisterConfig = { apiKey: 'k', customer: 'acme', baseUrl: 'https://api.yoursrs-ote.com', webhookSecret: null, pollIntervalMs: 1000 };
const webhookStep = (config: RealtimeRegisterConfig) => realtimeRegisterSteps(config, context)[1]!.run();

describe('doctor: the Realtime Register webhook step', () => {
  it('passes with only Basic credentials, which the provider\'s docs allow instead of the HMAC signature', async () => {
    const result = await webhookStep({ ...base, webhookBasic: { username: 'rtr', password: 'webhook-password-1' } });
    expect(result.verdict).toBe('ok');
    expect(result.summary).toMatch(/Basic/);
    expect(JSON.stringify(result)).not.toContain('webhook-password-1');
  });

  it('warns with neither a secret nor Basic credentials', async () => {
    const result = await webhookStep(base);
    expect(result.verdict).toBe('warn');
    expect(result.summary).toMatch(/REALTIME_REGISTER_WEBHOOK_SECRET nor REALTIME_REGISTER_WEBHOOK_BASIC/);
  });

  it('passes with a secret, checking the signature both ways', async () => {
    expect((await webhookStep({ ...base, webhookSecret: 'EXAMPLE_KEY' })).verdict).toBe('ok');
  });
});
