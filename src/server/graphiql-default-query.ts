import type { Config } from '../config.js';

/** GraphiQL's first tab: a query that works on a fresh sandbox, and a word on authentication. */
export function graphiqlDefaultQuery(config: Config): string {
  const access =
    config.apiKeys.length === 0
      ? '# This gateway is OPEN: no API keys are configured (sandbox), so every caller has every scope.'
      : '# Send your key in the headers tab: {"Authorization": "Bearer <key>"}';
  return `# Verification gateway (${config.mode} mode)
${access}
#
# Sandbox seed: Realtime Register contacts rtr-0001..rtr-0500 (customer "sandbox"),
# Openprovider handles OP000001-NL upward, Domain Name API contacts DNA-1001..DNA-1200.
query Start {
  providers { provider mode circuit baseUrl }
  verificationMatrix(claims: [NAME]) { method proof claims exclusiveClaims }
}
`;
}
