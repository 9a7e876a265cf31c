import { vi } from 'vitest';
import type { EmailVerification } from '../../src/domain/email-verification.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { TestGateway } from '../helpers/gateway.js';

/** Shared by the cache tests: the queries, upstream counters at the simulators, /metrics and /readyz readers. */

export const CONTACTS = `query Contacts($handles: [String!]!) {
  contacts(provider: REALTIME_REGISTER, handles: $handles) { handle name verifications { externalId proof } }
}`;

export const CONTACT = `query Contact($provider: Provider!, $handle: String!) {
  contact(provider: $provider, handle: $handle) { handle email emailVerifications { email domain status } }
}`;

export const SUBMIT = `mutation Submit($input: SubmitContactVerificationInput!) {
  submitContactVerification(input: $input) { __typename ... on SubmitContactVerificationSuccess { async } }
}`;

/** Evidence the Realtime Register simulator accepts (an ID card for name and address). */
export function idCard(externalId: string) {
  return { verifiedAt: '2026-04-16T00:00:00Z', externalId, method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] };
}

/** rtr-0001 ... (the simulator's seeded handles). */
export function rtrHandle(index: number): string {
  return `rtr-${String(index).padStart(4, '0')}`;
}

/** Contact reads at the Realtime Register simulator (list calls with `handle:in=`). */
export function rtrReads(sandbox: Sandbox): number {
  return sandbox.realtimeRegister.server.count('/v2/customers/sandbox/contacts', 'GET');
}

/** Email-verification list calls at the Openprovider simulator. */
export function openproviderLists(sandbox: Sandbox): number {
  return sandbox.openprovider.server.count('/v1beta/customers/verifications/emails/domains', 'GET');
}

/** Every call at the Domain Name API simulator (GetDetails is the only read). */
export function domainNameApiCalls(sandbox: Sandbox): number {
  return sandbox.domainNameApi.server.count();
}

/** A counter from the /metrics text, 0 when the series is absent. */
export async function metricValue(gateway: TestGateway, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (wanted.every((pair) => labelText.split(',').includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** Cache hits and misses of one kind as /metrics shows them. */
export async function cacheCounts(gateway: TestGateway, kind: string): Promise<{ hits: number; misses: number }> {
  return {
    hits: await metricValue(gateway, 'gateway_cache_hits_total', { kind }),
    misses: await metricValue(gateway, 'gateway_cache_misses_total', { kind }),
  };
}

export interface Readiness {
  status: string;
  redis?: string;
  cache?: string;
}

export async function readiness(gateway: TestGateway): Promise<Readiness> {
  return (await (await fetch(`${gateway.url}/readyz`)).json()) as Readiness;
}

/**
 * Waits until Redis and the cache are `ready` (both ok) or `degraded`, as /readyz reports them. The test Redis keeps
 * nothing on disk, which /readyz also reports as degraded (in `reasons`); these tests are about availability only.
 */
export async function untilReadiness(gateway: TestGateway, status: string): Promise<Readiness> {
  return vi.waitFor(
    async () => {
      const body = await readiness(gateway);
      const availability = body.redis === 'down' || body.cache === 'degraded' ? 'degraded' : 'ready';
      if (availability !== status) throw new Error(`readyz is ${JSON.stringify(body)}, waiting for ${status}`);
      return body;
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** An Openprovider handle whose first row is pending ("in progress"), with that row. */
export function pendingOpenproviderRow(sandbox: Sandbox, skip = 0): { handle: string; email: string; domain: string } {
  const rows = sandbox.openprovider.rows.filter((row) => row.status === 'in progress' && !row.is_suspended);
  const row = rows[skip]!;
  return { handle: row.handle, email: row.email, domain: row.domain };
}

/** The payload the email-status watcher records when a row's status moves. */
export function emailChanged(provider: 'OPENPROVIDER' | 'DOMAIN_NAME_API', row: { handle: string; email: string; domain: string | null }) {
  const emailVerification: EmailVerification = {
    provider,
    email: row.email,
    handle: row.handle,
    domain: row.domain,
    status: 'VERIFIED',
    failureReason: null,
    providerStatus: provider === 'OPENPROVIDER' ? 'verified' : 'Validated',
    suspended: false,
    expiresAt: null,
    lastNotifiedAt: null,
  };
  return {
    type: 'EMAIL_VERIFICATION_CHANGED' as const,
    provider,
    occurredAt: new Date().toISOString(),
    contactHandle: row.handle,
    emailVerification,
    previousStatus: 'PENDING' as const,
  };
}
