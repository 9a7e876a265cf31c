import type { OpenproviderConfig } from '../config.js';
import { OpenproviderClient } from '../providers/openprovider/client.js';
import type { DoctorStep } from './report.js';
import { timed } from './report.js';
import type { DoctorContext } from './upstream.js';
import { doctorDeps, shownUrl } from './upstream.js';

/**
 * Openprovider: one login and one list read of a single row (harmless, far from the identical-call limit). A refused
 * login, an IP or account block (10005 / 10009 / 197) fails with the provider's fix in the message.
 */
export function openproviderSteps(config: OpenproviderConfig, context: DoctorContext): DoctorStep[] {
  return [
    {
      title: `Openprovider at ${shownUrl(config.baseUrl)}: credentials and latency`,
      fix: 'check OPENPROVIDER_BASE_URL and that this machine reaches it (DNS, firewall, proxy)',
      run: async () => {
        const client = new OpenproviderClient(config, doctorDeps(context, 'OPENPROVIDER', config.baseUrl));
        const login = await timed(() => client.tokens.token());
        const list = await timed(() => client.listEmailVerifications({ limit: 1 }));
        return {
          verdict: 'ok',
          summary: `login accepted in ${login.ms} ms; one email-verification list read in ${list.ms} ms (${list.value.total} rows in all)`,
          details: [
            'webhooks: none to configure (Openprovider does not push; pending verifications are re-read every EMAIL_WATCH_INTERVAL_MS)',
            `expiration dates are read as ${config.timeZone} wall time (OPENPROVIDER_TIME_ZONE)`,
          ],
        };
      },
    },
  ];
}
