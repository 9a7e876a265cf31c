import type { Config } from '../config.js';
import { SCOPES } from '../config.js';
import { isOpen } from './principal.js';

/** GraphiQL's first tab: a query that works on a fresh sandbox, and a word on authentication. */
export function graphiqlDefaultQuery(config: Config): string {
  const access = isOpen(config)
    ? [
        '# This gateway is OPEN: no API keys are configured (sandbox), so every caller has every scope.',
        '# Set GATEWAY_API_KEYS="<key>:<scope>,<scope>" to require keys.',
      ]
    : [
        '# Send your key in the Headers tab: {"Authorization": "Bearer <key>"}',
        `# Scopes: ${SCOPES.join(' ')}; providers, verificationMatrix and checkVerification need none.`,
      ];
  return `# Verification gateway (${config.mode} mode)
${access.join('\n')}
#
# Sandbox seed: Realtime Register contacts rtr-0001..rtr-0500 (customer "sandbox"),
# Openprovider handles OP000001-NL upward, Domain Name API contacts DNA-1001..DNA-1200.
query Start {
  providers { provider mode circuit baseUrl }
  verificationMatrix(claims: [NAME]) { method proof claims exclusiveClaims }
}
`;
}
