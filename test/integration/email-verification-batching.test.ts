import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

const LIST_PATH = '/v1beta/customers/verifications/emails/domains';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway.stop();
});

describe('Contact.emailVerifications for a page of Openprovider contacts', () => {
  it('reads the list in pages of 1000 instead of one filtered call per contact', async () => {
    const simulator = gateway.sandbox!.openprovider;
    const handles = Array.from({ length: 40 }, (_, index) => `OP${String(index + 1).padStart(6, '0')}-NL`);
    // Unfiltered list calls only: the email-status watcher reads the pending rows on its own schedule.
    const unfiltered = () => simulator.server.requests.filter((request) => request.path === LIST_PATH && !request.query.status).length;
    const before = unfiltered();
    const reply = await gateway.graphql<{ contacts: { handle: string; emailVerifications: { handle: string; domain: string }[] }[] }>(
      'query Page($handles: [String!]!) { contacts(provider: OPENPROVIDER, handles: $handles) { handle emailVerifications { handle domain } } }',
      { handles },
    );
    expect(reply.errors).toBeUndefined();
    const pages = Math.ceil(simulator.rows.length / 1000);
    expect(unfiltered() - before).toBeLessThanOrEqual(pages);
    // Each contact gets exactly its own rows.
    for (const contact of reply.data!.contacts) {
      const expected = simulator.rows.filter((row) => row.handle === contact.handle).length;
      expect(contact.emailVerifications).toHaveLength(expected);
      expect(contact.emailVerifications.every((row) => row.handle === contact.handle)).toBe(true);
    }
  });

  it('asks by handle when only one contact is resolved', async () => {
    const simulator = gateway.sandbox!.openprovider;
    const before = simulator.server.requests.length;
    await gateway.graphql('{ contact(provider: OPENPROVIDER, handle: "OP000777-NL") { emailVerifications { domain } } }');
    const listCalls = simulator.server.requests.slice(before).filter((request) => request.path === LIST_PATH && !request.query.status);
    expect(listCalls.map((request) => request.query.handle)).toEqual(['OP000777-NL']);
  });
});
