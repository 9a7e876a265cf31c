import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { RealtimeRegisterDocFake, storedContact } from './realtime-register-doc-fake.js';

/**
 * Contact reads through `handle:in=` lists against a Realtime Register that does not apply the filter as documented.
 * Each case has a gateway of its own: what the gateway learns about the provider lasts for its process.
 */

const CONTACTS = `query Cs($handles: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $handles) { handle name } }`;
const CALLER_KEY = 'handle-filter-caller-key';

function setup(handleFilter: RealtimeRegisterDocFake['handleFilter']) {
  const fake = new RealtimeRegisterDocFake();
  let gateway: TestGateway;
  beforeAll(async () => {
    const baseUrl = await fake.start();
    fake.handleFilter = handleFilter;
    gateway = await startTestGateway({ env: fake.gatewayEnv(baseUrl, CALLER_KEY) });
  });
  afterAll(async () => {
    await gateway?.stop();
    await fake.stop();
  });
  beforeEach(() => {
    fake.calls.length = 0;
  });
  const gql = (variables: Record<string, unknown>) => gateway.graphql<any>(CONTACTS, variables, { authorization: `Bearer ${CALLER_KEY}` });
  /** The contact reads sent (the notification poller's calls left out). */
  const contactCalls = () => fake.calls.filter((call) => call.path.startsWith('/v2/customers/docfake/contacts')).map((call) => call.path);
  return { fake, gql, contactCalls, logs: () => gateway.logs() };
}

describe('a provider whose list ignores handle:in (it answers every contact, paged)', () => {
  const { fake, gql, contactCalls, logs } = setup('ignored');

  it('reads the contacts asked for one by one instead of calling those not on its first page "not found", and keeps doing so', async () => {
    for (let i = 1; i <= 30; i++) fake.contacts.set(`all-${i}`, storedContact(`all-${i}`));
    const first = await gql({ handles: ['all-25', 'all-30', 'nobody-1'] });
    expect(first.errors).toBeUndefined();
    expect(first.data.contacts).toEqual([{ handle: 'all-25', name: 'Ann Lee' }, { handle: 'all-30', name: 'Ann Lee' }, null]);
    expect(logs()).toContain('it ignores the filter');

    fake.calls.length = 0;
    const later = await gql({ handles: ['all-7', 'nobody-2'] });
    expect(later.data.contacts).toEqual([{ handle: 'all-7', name: 'Ann Lee' }, null]);
    // Learnt: no list call any more, one read per handle.
    expect(contactCalls().sort()).toEqual(['/v2/customers/docfake/contacts/all-7', '/v2/customers/docfake/contacts/nobody-2']);
  });
});

describe('a provider whose handle:in matches whatever the case (and answers the stored spelling)', () => {
  const { fake, gql, contactCalls } = setup('any-case');

  it('answers the contact asked for in another case, from the one list call', async () => {
    fake.contacts.set('Mixed-Case-1', storedContact('Mixed-Case-1'));
    fake.contacts.set('plain-1', storedContact('plain-1'));
    const reply = await gql({ handles: ['mixed-case-1', 'plain-1', 'nobody-3'] });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contacts).toEqual([{ handle: 'Mixed-Case-1', name: 'Ann Lee' }, { handle: 'plain-1', name: 'Ann Lee' }, null]);
    expect(contactCalls()).toEqual(['/v2/customers/docfake/contacts']);
  });
});
