import type { RealtimeRegisterConfig } from '../config.js';
import { RealtimeRegisterClient } from '../providers/realtime-register/client.js';
import { hasValidRealtimeRegisterSignature, signRealtimeRegisterBody } from '../providers/realtime-register/webhook.js';
import type { DoctorStep } from './report.js';
import { timed } from './report.js';
import type { DoctorContext } from './upstream.js';
import { doctorDeps, shownUrl, webhookUrl } from './upstream.js';

/** Realtime Register: one contact list read of a single contact, then the webhook secret and its signature check. */
export function realtimeRegisterSteps(config: RealtimeRegisterConfig, context: DoctorContext): DoctorStep[] {
  return [
    {
      title: `Realtime Register at ${shownUrl(config.baseUrl)} (customer ${config.customer}): credentials and latency`,
      fix: 'check REALTIME_REGISTER_BASE_URL and that this machine reaches it (DNS, firewall, proxy), then REALTIME_REGISTER_API_KEY and REALTIME_REGISTER_CUSTOMER',
      run: async () => {
        const client = new RealtimeRegisterClient(config, doctorDeps(context, 'REALTIME_REGISTER', config.baseUrl));
        const list = await timed(() => client.listContacts({ limit: 1, total: false }));
        return { verdict: 'ok', summary: `API key accepted; one contact list read in ${list.ms} ms` };
      },
    },
    {
      title: 'Realtime Register webhook: URL, secret and signature self-test',
      run: async () => {
        const url = `set in the Realtime Register portal: webhook URL ${webhookUrl(context, '/webhooks/realtime-register')}`;
        if (!config.webhookSecret && config.webhookBasic) {
          // RTR's docs allow Basic auth for webhooks instead of the HMAC: deliveries are authenticated, by that alone.
          return {
            verdict: 'ok',
            summary: 'deliveries are authenticated by Basic credentials (REALTIME_REGISTER_WEBHOOK_BASIC); no signature secret is set',
            details: [url, 'with HTTP Basic authentication and the username and password of REALTIME_REGISTER_WEBHOOK_BASIC'],
          };
        }
        if (!config.webhookSecret) {
          return {
            verdict: 'warn',
            summary: 'neither REALTIME_REGISTER_WEBHOOK_SECRET nor REALTIME_REGISTER_WEBHOOK_BASIC is set: pushed notifications are refused and arrive only through the poll queue',
            details: [url, 'and set the webhook secret shown there as REALTIME_REGISTER_WEBHOOK_SECRET'],
          };
        }
        const body = Buffer.from(JSON.stringify({ id: 1, message: 'doctor self-test' }));
        const signature = signRealtimeRegisterBody(config.webhookSecret, body);
        const accepted = hasValidRealtimeRegisterSignature(config.webhookSecret, body, { signature });
        const refused = !hasValidRealtimeRegisterSignature(config.webhookSecret, Buffer.from(`${body.toString('utf8')} `), { signature });
        const details = [url, 'with the same secret as REALTIME_REGISTER_WEBHOOK_SECRET'];
        if (!accepted || !refused) return { verdict: 'fail', summary: 'the webhook signature check does not accept a body signed with the configured secret, or accepts a changed one', details };
        return { verdict: 'ok', summary: 'a body signed here with the webhook secret is accepted, a changed one refused', details };
      },
    },
  ];
}
