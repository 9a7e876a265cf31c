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
        `# Send your ${credential(config)} in the Headers tab: {"Authorization": "Bearer <${credential(config)}>"}`,
        `# Scopes: ${SCOPES.join(' ')}; providers, verificationMatrix and checkVerification need none.`,
      ];
  // The seed handles exist only at the simulators: in live mode they would send a new user looking for contacts the
  // real providers do not have.
  const seed =
    config.mode === 'sandbox'
      ? [
          '#',
          '# Sandbox seed: Realtime Register contacts rtr-0001..rtr-0500 (customer "sandbox"),',
          '# Openprovider handles OP000001-NL upward, Domain Name API contacts DNA-1001..DNA-1200.',
        ]
      : [];
  return `# Verification gateway (${config.mode} mode)
${[...access, ...seed].join('\n')}
query Start {
  providers { provider mode circuit baseUrl }
  verificationMatrix(claims: [NAME]) { method proof claims exclusiveClaims }
}
`;
}

/** What a caller of this gateway sends: an API key, a JWT from the identity provider, or either. */
function credential(config: Config): string {
  if (config.jwt === null) return 'key';
  return config.apiKeys.length > 0 ? 'key or JWT' : 'JWT';
}
