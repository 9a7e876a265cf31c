/**
 * Runs the dashboard's queries against a running gateway with the typed client package (client/) and prints a
 * summary.
 *
 *   node --import tsx examples/dashboard-query.ts [gatewayUrl]      (default http://127.0.0.1:4000)
 *
 * Set GATEWAY_API_KEY when the gateway has API keys configured. Exits 1 when a query fails (the errors are printed).
 */
import { EmailVerificationsDocument, OpenVerificationRequestsDocument, ProvidersDocument, createGatewayClient } from '../client/src/index.js';

const url = process.argv[2] ?? 'http://127.0.0.1:4000';
const client = createGatewayClient({ url, ...(process.env.GATEWAY_API_KEY ? { apiKey: process.env.GATEWAY_API_KEY } : {}) });

function timeLeft(deadline: string | null | undefined): string {
  if (!deadline) return 'no deadline';
  const hours = (Date.parse(deadline) - Date.now()) / 3_600_000;
  const span = Math.abs(hours) >= 48 ? `${Math.round(Math.abs(hours) / 24)} days` : `${Math.abs(hours).toFixed(1)} hours`;
  return hours >= 0 ? `${span} left` : `overdue by ${span}`;
}

let failed = false;
async function section(title: string, run: () => Promise<string[]>): Promise<void> {
  console.log(`\n${title}`);
  try {
    for (const line of await run()) console.log(`  ${line}`);
  } catch (error) {
    failed = true;
    console.log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

console.log(`Gateway ${url}`);

await section('Providers', async () => {
  const { providers } = await client.request(ProvidersDocument);
  return providers.map((status) => `${status.provider.padEnd(18)} ${status.mode.padEnd(8)} circuit ${status.circuit}${status.lastError ? `  last error: ${status.lastError}` : ''}`);
});

await section('Open verification requests (soonest deadline first)', async () => {
  const { verificationRequests } = await client.request(OpenVerificationRequestsDocument, { first: 20 });
  // Nullable by contract: null (with an error the client throws) only when the gateway's store is unavailable.
  if (!verificationRequests) return ['unavailable'];
  const lines = verificationRequests.edges.map(({ node }) => {
    const deadline = [node.deDelegationDeadline, node.deletionDeadline].filter((value): value is string => !!value).sort()[0];
    return `${node.contactHandle.padEnd(14)} ${node.status.padEnd(8)} ${node.claims.join(',').padEnd(22)} ${timeLeft(deadline)}`;
  });
  return [`${verificationRequests.totalCount} open`, ...lines];
});

await section('Email verifications (first page)', async () => {
  const { emailVerifications } = await client.request(EmailVerificationsDocument, { first: 10 });
  if (!emailVerifications) return ['unavailable'];
  const byStatus = new Map<string, number>();
  for (const { node } of emailVerifications.edges) byStatus.set(node.status, (byStatus.get(node.status) ?? 0) + 1);
  return [
    `${emailVerifications.totalCount} in total; this page: ${[...byStatus].map(([status, count]) => `${count} ${status}`).join(', ') || 'none'}`,
    ...emailVerifications.edges.slice(0, 5).map(({ node }) => `${node.email} (${node.provider}) ${node.status}${node.expiresAt ? `, expires ${node.expiresAt}` : ''}`),
  ];
});

process.exitCode = failed ? 1 : 0;
