import { randomUUID } from 'node:crypto';
import type { DomainNameApiConfig } from '../config.js';
import { ProviderFailure } from '../domain/errors.js';
import { DomainNameApiClient } from '../providers/domain-name-api/client.js';
import type { DoctorStep } from './report.js';
import { timed } from './report.js';
import type { DoctorContext } from './upstream.js';
import { doctorDeps, shownUrl } from './upstream.js';

/**
 * Domain Name API: one GetDetails for an External ID that cannot exist. "Not found" (410) proves the credentials were
 * accepted and the key was read; "Required parameter(s) not set" (330) means the service ignored the key, which is
 * what a wrong DOMAIN_NAME_API_DATA_NAMESPACE looks like.
 */
export function domainNameApiSteps(config: DomainNameApiConfig, context: DoctorContext): DoctorStep[] {
  return [
    {
      title: `Domain Name API at ${shownUrl(config.baseUrl)}${config.contactServicePath}: credentials, namespaces and latency`,
      run: async () => {
        const client = new DomainNameApiClient(config, doctorDeps(context, 'DOMAIN_NAME_API', config.baseUrl));
        const probe = `doctor-${randomUUID().slice(0, 8)}`;
        try {
          const lookup = await timed(() => client.getDetails({ externalId: probe }));
          return {
            verdict: 'ok',
            summary: `credentials accepted; a lookup of an unknown External ID answered ${lookup.value ? 'a contact' : '"not found"'} in ${lookup.ms} ms`,
            details: [
              `namespaces: base ${config.baseNamespace}, data ${config.dataNamespace}`,
              `timestamps are read as ${config.timeZone} time (DOMAIN_NAME_API_TIME_ZONE)`,
              'webhooks: none to configure (Domain Name API does not push)',
            ],
          };
        } catch (error) {
          if (error instanceof ProviderFailure && error.code === '330') {
            return {
              verdict: 'fail',
              summary: `the service did not read the External ID it was sent (code 330): check DOMAIN_NAME_API_DATA_NAMESPACE (now ${config.dataNamespace})`,
            };
          }
          throw error;
        }
      },
    },
  ];
}
