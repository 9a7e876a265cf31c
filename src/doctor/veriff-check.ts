import { randomUUID } from 'node:crypto';
import type { VeriffConfig } from '../config.js';
import { VeriffClient } from '../providers/veriff/client.js';
import { signVeriffBody } from '../providers/veriff/signature.js';
import { readVeriffDecisionWebhook } from '../providers/veriff/webhook.js';
import type { DoctorStep } from './report.js';
import { timed } from './report.js';
import type { DoctorContext } from './upstream.js';
import { doctorDeps, shownUrl, webhookUrl } from './upstream.js';

/**
 * Veriff: the decision of a session that cannot exist is asked for (a GET signed over the session id, so nothing is
 * created or billed): 404 proves the API key and the shared secret are accepted. Then the webhook signature check
 * runs on a decision body signed here with the configured secret(s), and on a tampered copy.
 */
export function veriffSteps(config: VeriffConfig, context: DoctorContext): DoctorStep[] {
  return [
    {
      title: `Veriff at ${shownUrl(config.baseUrl)}: API key, shared secret and latency`,
      fix: 'check VERIFF_BASE_URL and that this machine reaches it (DNS, firewall, proxy), then VERIFF_API_KEY and VERIFF_SHARED_SECRET',
      run: async () => {
        // The decision endpoint lives on the station host even in sync mode.
        const client = new VeriffClient(config, doctorDeps(context, 'VERIFF', config.baseUrl));
        const probe = await timed(() => client.getDecision(randomUUID()));
        const sync = config.registryMode === 'sync' ? [`sync mode: decisions come in the answer from ${shownUrl(config.syncBaseUrl)} (not called: every call there opens a billed session)`] : [];
        return {
          verdict: 'ok',
          summary: `API key and request signature accepted; a decision poll answered in ${probe.ms} ms`,
          details: [...sync, `a check still PENDING after VERIFF_DECISION_POLL_AFTER_MS is resolved by polling this endpoint`],
        };
      },
    },
    {
      title: 'Veriff decision webhook: URL, secret and signature self-test',
      run: async () => {
        const body = Buffer.from(JSON.stringify({ status: 'success', verification: { id: randomUUID(), code: 9001, status: 'approved', person: null } }));
        const secrets = [config.sharedSecret, config.previousSharedSecret];
        const signedWith = (secret: string) => ({ 'x-hmac-signature': signVeriffBody(body, secret) });
        const accepted = secrets.filter((secret): secret is string => !!secret).every((secret) => readVeriffDecisionWebhook(body, signedWith(secret), secrets).kind === 'decision');
        const tampered = Buffer.from(body.toString('utf8').replace('approved', 'declined'));
        const refused = readVeriffDecisionWebhook(tampered, signedWith(config.sharedSecret), secrets).kind === 'unauthorized';
        const details = [
          `set in Veriff Station (integration settings): decision webhook URL ${webhookUrl(context, '/webhooks/veriff')}`,
          'Veriff signs it with the integration\'s shared secret: the same value as VERIFF_SHARED_SECRET (VERIFF_PREVIOUS_SHARED_SECRET during a rotation)',
        ];
        if (!accepted || !refused) return { verdict: 'fail', summary: 'the webhook signature check does not accept a body signed with the configured secret, or accepts a tampered one', details };
        return { verdict: 'ok', summary: `a body signed here with the shared secret${config.previousSharedSecret ? 's' : ''} is accepted, a tampered one refused`, details };
      },
    },
  ];
}
