import { randomUUID } from 'node:crypto';
import type { DomainNameApiConfig } from '../config.js';
import { ProviderFailure } from '../domain/errors.js';
import { DomainNameApiClient } from '../providers/domain-name-api/client.js';
import { dnaErrorMeaning } from '../providers/domain-name-api/error-codes.js';
import { SINGLE_WSDL_QUERY, WSDL_MAX_BYTES, namespacesInWsdl } from '../providers/domain-name-api/wsdl-namespaces.js';
import type { CheckResult, DoctorStep } from './report.js';
import { timed } from './report.js';
import type { DoctorContext } from './upstream.js';
import { doctorDeps, shownUrl } from './upstream.js';

/**
 * A namespace no data contract uses: WCF ignores a member sent in it for certain, so the control lookup is a request
 * whose key the service did not read.
 */
export const IGNORED_DATA_NAMESPACE = 'urn:verification-gateway:doctor:ignored';

/**
 * Domain Name API: one GetDetails for an External ID that cannot exist, then the namespaces against the service's WSDL.
 * "Not found" (410) proves the credentials were accepted, but not that the key was read: a service that ignored it
 * (a wrong DOMAIN_NAME_API_DATA_NAMESPACE) may say "not found" too, which is the failure issue 14 is about. So the
 * same lookup is sent once more with the key in a namespace WCF ignores; only when that answer differs (e.g.
 * 330 "Required parameter(s) not set", the published table's code for a request without its parameters, error-codes.ts)
 * has the service shown that it reads the configured one. When both say "not found" the lookup proves nothing about the
 * namespace (a warning), and the WSDL step is the check that does not depend on the service's answers.
 */
export function domainNameApiSteps(config: DomainNameApiConfig, context: DoctorContext): DoctorStep[] {
  return [
    {
      title: `Domain Name API at ${shownUrl(config.baseUrl)}${config.contactServicePath}: credentials, namespaces and latency`,
      fix: 'check DOMAIN_NAME_API_BASE_URL and DOMAIN_NAME_API_CONTACT_SERVICE_PATH and that this machine reaches them (DNS, firewall, proxy)',
      run: async () => {
        const deps = doctorDeps(context, 'DOMAIN_NAME_API', config.baseUrl);
        const client = new DomainNameApiClient(config, deps);
        const probe = `doctor-${randomUUID().slice(0, 8)}`;
        const details = [
          `namespaces: base ${config.baseNamespace}, data ${config.dataNamespace}`,
          `timestamps are read as ${config.timeZone} time (DOMAIN_NAME_API_TIME_ZONE)`,
          'webhooks: none to configure (Domain Name API does not push)',
        ];
        let lookup: { value: unknown; ms: number };
        try {
          lookup = await timed(() => client.getDetails({ externalId: probe }));
        } catch (error) {
          if (error instanceof ProviderFailure && error.code !== null && dnaErrorMeaning(error.code, '') === 'KEY_NOT_READ') {
            return {
              verdict: 'fail',
              summary: `the service did not read the External ID it was sent (code 330): check DOMAIN_NAME_API_DATA_NAMESPACE (now ${config.dataNamespace})`,
            };
          }
          throw error;
        }
        if (lookup.value) {
          return {
            verdict: 'fail',
            summary: `the service answered a contact for an External ID that cannot exist, so it did not read the one it was sent: check DOMAIN_NAME_API_DATA_NAMESPACE (now ${config.dataNamespace})`,
            details,
          };
        }
        const control = await ignoredKeyAnswer(new DomainNameApiClient({ ...config, dataNamespace: IGNORED_DATA_NAMESPACE }, deps), probe);
        if (!control) {
          return {
            verdict: 'warn',
            summary: `credentials accepted in ${lookup.ms} ms, but the service answers "not found" whether or not it reads the External ID, so this lookup cannot show that DOMAIN_NAME_API_DATA_NAMESPACE is right (the WSDL step below can, where the service publishes one)`,
            details,
          };
        }
        return {
          verdict: 'ok',
          summary: `credentials accepted; the service reads the External ID in the configured namespace (an unknown one is "not found" in ${lookup.ms} ms, one it cannot read ${control})`,
          details,
        };
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
 * What the service answers a lookup whose key it cannot read, when that differs from "not found": a refusal of the
 * request's content (an ERROR result or a fault, with its code). Null when it is "not found" too, or when the answer
 * says nothing about the key (a rate limit, an outage, refused credentials).
 */
async function ignoredKeyAnswer(client: DomainNameApiClient, probe: string): Promise<string | null> {
  try {
    return (await client.getDetails({ externalId: probe })) ? 'answers a contact' : null;
  } catch (error) {
    if (error instanceof ProviderFailure && error.kind === 'ERROR' && error.code) return `is refused with code ${error.code}`;
    return null;
  }
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
