import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  cacheCounts,
  CONTACT,
  CONTACTS,
  domainNameApiCalls,
  emailChanged,
  idCard,
  openproviderLists,
  pendingOpenproviderRow,
  rtrHandle,
  rtrReads,
  SUBMIT,
} from './cache-support.js';

/**
 * One sandbox gateway with the in-memory cache. Upstream calls are counted at the simulators and cache traffic on
 * /metrics: provider reads go per-request DataLoader -> in-flight coalescing -> cache -> upstream, writes and events
 * that change data invalidate, and nothing is served stale after them.
 */

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw?.stop();
});

const sandbox = () => gw.sandbox!;

function range(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => rtrHandle(from + index));
}

describe('reading contacts through the cache', () => {
  it('reads 150 cold contacts with two upstream calls, then warm with none, and counts it on /metrics', async () => {
    const handles = range(1, 150);
    const before = rtrReads(sandbox());
    const counts = await cacheCounts(gw, 'contact');

    const cold = await gw.graphql(CONTACTS, { handles });
    expect(cold.errors).toBeUndefined();
    expect(cold.data.contacts.map((contact: { handle: string }) => contact.handle)).toEqual(handles);
    expect(rtrReads(sandbox()) - before).toBe(2);

    const warm = await gw.graphql(CONTACTS, { handles });
    expect(warm.data).toEqual(cold.data);
    expect(rtrReads(sandbox()) - before).toBe(2);

    const after = await cacheCounts(gw, 'contact');
    expect(after.misses - counts.misses).toBe(150);
    expect(after.hits - counts.hits).toBe(150);
  });

  it('asks upstream only for the handles the cache lacks', async () => {
    await gw.graphql(CONTACTS, { handles: range(201, 10) });
    const before = rtrReads(sandbox());
    const reply = await gw.graphql(CONTACTS, { handles: range(201, 15) });
    expect(reply.data.contacts).toHaveLength(15);
    const calls = sandbox().realtimeRegister.server.requests.filter((request) => request.path === '/v2/customers/sandbox/contacts').slice(-1);
    expect(rtrReads(sandbox()) - before).toBe(1);
    const asked = Object.values(calls[0]!.query).join('&');
    expect(asked).toContain(range(211, 5).join(','));
    expect(asked).not.toContain(rtrHandle(201));
  });

  it('coalesces 20 concurrent cold queries for one handle into one upstream call', async () => {
    const handle = rtrHandle(301);
    const before = rtrReads(sandbox());
    const counts = await cacheCounts(gw, 'contact');
    // A slow upstream keeps the first read in flight while the other 19 arrive.
    sandbox().realtimeRegister.server.setFaults({ latencyMs: 300 });
    try {
      const replies = await Promise.all(Array.from({ length: 20 }, () => gw.graphql(CONTACTS, { handles: [handle] })));
      for (const reply of replies) expect(reply.data.contacts[0].handle).toBe(handle);
    } finally {
      sandbox().realtimeRegister.server.setFaults({});
    }
    expect(rtrReads(sandbox()) - before).toBe(1);
    // Readers that joined the flight never asked the cache: one miss, for the read that went upstream.
    expect((await cacheCounts(gw, 'contact')).misses - counts.misses).toBe(1);
  });

  it('batches the handles of one request into one cache read and one upstream call (DataLoader)', async () => {
    const before = rtrReads(sandbox());
    const query = `{ a: contact(provider: REALTIME_REGISTER, handle: "${rtrHandle(401)}") { handle }
      b: contact(provider: REALTIME_REGISTER, handle: "${rtrHandle(402)}") { handle }
      c: contacts(provider: REALTIME_REGISTER, handles: ["${rtrHandle(403)}", "${rtrHandle(401)}"]) { handle } }`;
    const reply = await gw.graphql(query);
    expect(reply.data).toEqual({ a: { handle: rtrHandle(401) }, b: { handle: rtrHandle(402) }, c: [{ handle: rtrHandle(403) }, { handle: rtrHandle(401) }] });
    expect(rtrReads(sandbox()) - before).toBe(1);
  });
});

describe('after a write', () => {
  it('serves fresh data on the next read with exactly one new upstream read, then caches it again', async () => {
    const handle = rtrHandle(451);
    await gw.graphql(CONTACTS, { handles: [handle] });
    await gw.graphql(CONTACTS, { handles: [handle] });
    const before = rtrReads(sandbox());

    const submitted = await gw.graphql(SUBMIT, { input: { handle, verifications: [idCard('cache-write-1')] } });
    expect(submitted.data.submitContactVerification.__typename).toBe('SubmitContactVerificationSuccess');

    const fresh = await gw.graphql(CONTACTS, { handles: [handle] });
    expect(fresh.data.contacts[0].verifications).toContainEqual({ externalId: 'cache-write-1', proof: 'ID_CARD' });
    expect(rtrReads(sandbox()) - before).toBe(1);
    await gw.graphql(CONTACTS, { handles: [handle] });
    expect(rtrReads(sandbox()) - before).toBe(1);
  });
});

describe('the contact field on a contact the cache holds', () => {
  const ONE = `query One($handle: String!) {
    contact(provider: REALTIME_REGISTER, handle: $handle) { id handle name country verifications { externalId proof } }
  }`;

  it('answers a repeat from the cache with what the first read answered, counted as a hit, and reads afresh after a write', async () => {
    const handle = rtrHandle(461);
    const before = rtrReads(sandbox());
    const cold = await gw.graphql(ONE, { handle });
    expect(cold.errors).toBeUndefined();
    expect(rtrReads(sandbox()) - before).toBe(1);

    const counts = await cacheCounts(gw, 'contact');
    const warm = await gw.graphql(ONE, { handle });
    expect(warm).toEqual(cold);
    expect(rtrReads(sandbox()) - before).toBe(1);
    expect((await cacheCounts(gw, 'contact')).hits - counts.hits).toBe(1);
    // The same contact through node(id:) and the field together: one object each, no upstream call.
    const both = await gw.graphql(`query Both($handle: String!, $id: ID!) { contact(provider: REALTIME_REGISTER, handle: $handle) { handle } node(id: $id) { ... on Contact { handle } } }`, {
      handle,
      id: cold.data.contact.id,
    });
    expect(both.data).toEqual({ contact: { handle }, node: { handle } });
    expect(rtrReads(sandbox()) - before).toBe(1);

    const submitted = await gw.graphql(SUBMIT, { input: { handle, verifications: [idCard('cache-write-2')] } });
    expect(submitted.data.submitContactVerification.__typename).toBe('SubmitContactVerificationSuccess');
    const fresh = await gw.graphql(ONE, { handle });
    expect(fresh.data.contact.verifications).toContainEqual({ externalId: 'cache-write-2', proof: 'ID_CARD' });
    expect(rtrReads(sandbox()) - before).toBe(2);
  });
});

describe('events that change data', () => {
  it('drops an Openprovider contact\'s cached email verifications when EMAIL_VERIFICATION_CHANGED is recorded', async () => {
    const row = pendingOpenproviderRow(sandbox());
    const statusOf = async () => {
      const reply = await gw.graphql(CONTACT, { provider: 'OPENPROVIDER', handle: row.handle });
      expect(reply.errors).toBeUndefined();
      return reply.data.contact.emailVerifications.find((verification: { domain: string }) => verification.domain === row.domain)?.status;
    };
    expect(await statusOf()).toBe('PENDING');
    // The registrant clicks the link: Openprovider has the new status, the cache still the old one.
    for (const simRow of sandbox().openprovider.rowsOf(row.email)) if (simRow.domain === row.domain) simRow.status = 'verified';
    const before = openproviderLists(sandbox());
    expect(await statusOf()).toBe('PENDING');
    expect(openproviderLists(sandbox())).toBe(before);

    // What the email-status watcher records when it sees the change.
    await gw.services.events.record(emailChanged('OPENPROVIDER', row));
    expect(await statusOf()).toBe('VERIFIED');
    expect(openproviderLists(sandbox()) - before).toBe(1);
  });

  it('drops a Domain Name API contact\'s cached lookup when EMAIL_VERIFICATION_CHANGED is recorded', async () => {
    const contact = sandbox().domainNameApi.contacts.find((candidate) => candidate.status === 'Pending')!;
    const statusOf = async () => {
      const reply = await gw.graphql(CONTACT, { provider: 'DOMAIN_NAME_API', handle: contact.externalId });
      expect(reply.errors).toBeUndefined();
      return reply.data.contact.emailVerifications[0]?.status;
    };
    expect(await statusOf()).toBe('PENDING');
    contact.status = 'Validated';
    const before = domainNameApiCalls(sandbox());
    expect(await statusOf()).toBe('PENDING');
    expect(domainNameApiCalls(sandbox())).toBe(before);

    await gw.services.events.record(emailChanged('DOMAIN_NAME_API', { handle: contact.externalId, email: contact.email, domain: null }));
    expect(await statusOf()).toBe('VERIFIED');
    expect(domainNameApiCalls(sandbox()) - before).toBe(1);
  });

  it('reads a contact afresh after a Realtime Register notification about it arrives by webhook', async () => {
    const handle = rtrHandle(471);
    await gw.graphql(CONTACTS, { handles: [handle] });
    await gw.graphql(CONTACTS, { handles: [handle] });
    const before = rtrReads(sandbox());
    const events = await gw.graphql(`{ verificationEvents(first: 1000) { edges { node { id } } } }`);
    const seen = events.data.verificationEvents.edges.length;

    sandbox().realtimeRegister.injectNotification({ processType: 'contact', processIdentifier: handle, message: 'Contact verification completed' });
    await vi.waitFor(
      async () => {
        const reply = await gw.graphql(`{ verificationEvents(first: 1000) { edges { node { id } } } }`);
        expect(reply.data.verificationEvents.edges.length).toBeGreaterThan(seen);
      },
      { timeout: 5_000, interval: 50 },
    );
    await gw.graphql(CONTACTS, { handles: [handle] });
    expect(rtrReads(sandbox()) - before).toBe(1);
  });

  it('shows a Veriff decision at once: registry checks are read from their store, never from the cache', async () => {
    const registry = await startTestGateway({ env: { VERIFF_REGISTRY_MODE: 'webhook' }, gateway: { sandbox: { veriffDecisionDelayMs: 50 } } });
    try {
      const reply = await registry.graphql(
        `mutation V($input: ValidateRegistryInput!) { validateRegistry(input: $input) { ... on ValidateRegistrySuccess { registryCheck { id status } } } }`,
        { input: { idNumber: '39912310128', firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' } },
      );
      const check = reply.data.validateRegistry.registryCheck;
      expect(check.status).toBe('PENDING');
      const statuses: string[] = [];
      await vi.waitFor(
        async () => {
          const read = await registry.graphql(`query G($id: ID!) { registryCheck(id: $id) { status } }`, { id: check.id });
          statuses.push(read.data.registryCheck.status);
          expect(read.data.registryCheck.status).toBe('APPROVED');
        },
        { timeout: 5_000, interval: 20 },
      );
      expect(await cacheCounts(registry, 'registry-check')).toEqual({ hits: 0, misses: 0 });
    } finally {
      await registry.stop();
    }
  });
});
