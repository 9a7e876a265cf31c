import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

const PAGE = `query Page($email: String) {
  emailVerifications(filter: { providers: [OPENPROVIDER], email: $email }, first: 5) { totalCount }
}`;

const PROVIDERS = '{ providers { provider circuit lastError } }';

describe('an Openprovider contact', () => {
  it('shows the customer\'s email_verification_status, and null for a provider that has none', async () => {
    const sim = gateway.sandbox!.openprovider;
    const verified = sim.rows.find((row) => row.status === 'verified')!.handle;
    const reply = await gateway.graphql<{ op: { emailVerificationStatus: string | null }; dna: { emailVerificationStatus: string | null } }>(
      `query Contacts($handle: String!) {
        op: contact(provider: OPENPROVIDER, handle: $handle) { emailVerificationStatus }
        dna: contact(provider: DOMAIN_NAME_API, handle: "DNA-1001") { emailVerificationStatus }
      }`,
      { handle: verified },
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data).toEqual({ op: { emailVerificationStatus: 'ACT' }, dna: { emailVerificationStatus: null } });
  });
});

// Runs last in this file: the block lasts for the rest of the gateway's life.
describe('an Openprovider IP block seen through the gateway', () => {
  it('stops calling Openprovider after 10005, says so in providers { circuit lastError }, and answers with the fix', async () => {
    const sim = gateway.sandbox!.openprovider;
    const before = await gateway.graphql(PAGE);
    expect(before.errors).toBeUndefined();

    await fetch(`${sim.endpoint().baseUrl}/__control/account`, { method: 'POST', body: JSON.stringify({ block: 10005 }) });
    // A filter not read before, so the cache cannot answer it.
    const blocked = await gateway.graphql(PAGE, { email: sim.rows[3]!.email });
    expect(blocked.data?.emailVerifications ?? null).toBeNull();
    expect(blocked.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'OPENPROVIDER' });
    expect(blocked.errors?.[0]?.message).toMatch(/whitelist this IP/i);

    const seen = sim.server.count();
    for (const row of sim.rows.slice(10, 15)) {
      const again = await gateway.graphql(PAGE, { email: row.email });
      expect(again.errors?.[0]?.message).toMatch(/code 10005/);
    }
    expect(sim.server.count()).toBe(seen);

    const status = await gateway.graphql<{ providers: { provider: string; circuit: string; lastError: string | null }[] }>(PROVIDERS);
    const openprovider = status.data!.providers.find((entry) => entry.provider === 'OPENPROVIDER')!;
    expect(openprovider.circuit).toBe('OPEN');
    expect(openprovider.lastError).toMatch(/code 10005.*whitelist this IP/i);
    expect(status.data!.providers.find((entry) => entry.provider === 'DOMAIN_NAME_API')!.circuit).toBe('CLOSED');
  });
});
