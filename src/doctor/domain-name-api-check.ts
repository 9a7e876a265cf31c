import { randomUUID } from 'node:crypto';
import type { DomainNameApiConfig } from '../config.js';
import { ProviderFailure } from '../domain/errors.js';
import { DomainNameApiClient } from '../providers/domain-name-api/client.js';
import { SINGLE_WSDL_QUERY, WSDL_MAX_BYTES, namespacesInWsdl } from '../providers/domain-name-api/wsdl-namespaces.js';
import type { CheckResult, DoctorStep } from './report.js';
import { timed } from './report.js';
import type { DoctorContext } from './upstream.js';
import { doctorDeps, shownUrl } from './upstream.js';

/**
 * Domain Name API: one GetDetails for an External ID that cannot exist, then the namespaces against the service's WSDL.
 * "Not found" (410) proves the credentials were accepted and the key was read; "Required parameter(s) not set" (330,
 * ASSUMPTION: not in the published table, the simulator's reading) means the service ignored the key, which is what a
 * wrong DOMAIN_NAME_API_DATA_NAMESPACE looks like. Since the real answer to an ignored key is unknown, the WSDL step
 * is the check that does not depend on it.
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
    {
      title: `Domain Name API namespaces against the service's WSDL (${config.contactServicePath}?${SINGLE_WSDL_QUERY})`,
      run: async () => {
        const http = doctorDeps(context, 'DOMAIN_NAME_API', config.baseUrl).http;
        const answer = await http.request({ operation: 'contacts.wsdl', method: 'GET', path: `${config.contactServicePath}?${SINGLE_WSDL_QUERY}` });
        const declared = answer.status === 200 && answer.body.length <= WSDL_MAX_BYTES ? namespacesInWsdl(answer.body) : null;
        return namespaceVerdict(config, declared, answer.status);
      },
    },
  ];
}

/**
 * A namespace the WSDL names differently is a certain failure: WCF would ignore those members, and every lookup would
 * read "not found". A service that publishes no WSDL (metadata off) cannot be checked this way: a warning, and the
 * lookup step above is the evidence left.
 */
export function namespaceVerdict(config: DomainNameApiConfig, declared: Partial<{ base: string; data: string }> | null, status: number): CheckResult {
  if (!declared || (!declared.data && !declared.base)) {
    return {
      verdict: 'warn',
      summary: `the service publishes no readable WSDL with these members (HTTP ${status}); the namespaces could not be checked against it`,
      details: [`using base ${config.baseNamespace}`, `using data ${config.dataNamespace}`],
    };
  }
  const wrong = [
    declared.data && declared.data !== config.dataNamespace ? `DOMAIN_NAME_API_DATA_NAMESPACE=${declared.data} (now ${config.dataNamespace})` : null,
    declared.base && declared.base !== config.baseNamespace ? `DOMAIN_NAME_API_BASE_NAMESPACE=${declared.base} (now ${config.baseNamespace})` : null,
  ].filter((line): line is string => line !== null);
  if (wrong.length) return { verdict: 'fail', summary: `the WSDL declares the request members in other namespaces: set ${wrong.join(' and ')}` };
  return { verdict: 'ok', summary: 'the WSDL declares the request members in the configured namespaces', details: [`base ${config.baseNamespace}`, `data ${config.dataNamespace}`] };
}
