import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealtimeRegisterOnly } from '../helpers/realtime-register-live.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * `nodes(ids:)` and `contacts(...)` are non-null lists of nullable entries (the contract): one entry the gateway cannot
 * serve (a malformed id, a handle that breaks the handle rules, a provider without contacts or not configured) is null
 * with its own error at its index, and every other entry and sibling field keeps its data. Until now each of these
 * failed the whole list, and with it (non-null) the response's `data`.
 */

interface ErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}
const errorsAt = (reply: { errors?: ErrorEntry[] }) => Object.fromEntries((reply.errors ?? []).map((error) => [(error.path ?? []).join('.'), error.extensions]));

describe('a sandbox gateway', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('answers nodes(ids:) with a malformed id as null in that slot only, with BAD_USER_INPUT at its index', async () => {
    const known = await gateway.graphql(`{ contact(provider: REALTIME_REGISTER, handle: "rtr-0007") { id } }`);
    const id = known.data.contact.id;
    const reply = await gateway.graphql(`query($ids: [ID!]!) { providers { provider } nodes(ids: $ids) { __typename id } }`, { ids: [id, 'not-an-id', id] });
    expect(reply.data).not.toBeNull();
    expect(reply.data.providers).toHaveLength(4);
    expect(reply.data.nodes).toEqual([{ __typename: 'Contact', id }, null, { __typename: 'Contact', id }]);
    expect(errorsAt(reply)).toEqual({ 'nodes.1': expect.objectContaining({ code: 'BAD_USER_INPUT' }) });
    // The message says what was wrong, never the value given (which may be anything, an ID number included).
    expect(reply.errors![0]!.message).not.toContain('not-an-id');
  });

  it('still answers node(id:) with a malformed id as null with BAD_USER_INPUT, keeping its siblings', async () => {
    const reply = await gateway.graphql(`{ providers { provider } node(id: "not-an-id") { id } }`);
    expect(reply.data).toMatchObject({ node: null });
    expect(reply.data.providers).toHaveLength(4);
    expect(errorsAt(reply)).toEqual({ node: expect.objectContaining({ code: 'BAD_USER_INPUT' }) });
  });

  it('answers contacts with one handle breaking the handle rules as null in that slot only, naming the handle\u2019s index', async () => {
    // Contact reads only: the notification poller and the process follow-up call the same simulator meanwhile.
    const contactReads = () => gateway.sandbox!.realtimeRegister.server.count('/v2/customers/sandbox/contacts', 'GET');
    const before = contactReads();
    const reply = await gateway.graphql(`{ providers { provider } contacts(provider: REALTIME_REGISTER, handles: ["rtr-0007", "..", "rtr-0008"]) { handle } }`);
    expect(reply.data).not.toBeNull();
    expect(reply.data.providers).toHaveLength(4);
    expect(reply.data.contacts).toEqual([{ handle: 'rtr-0007' }, null, { handle: 'rtr-0008' }]);
    const errors = errorsAt(reply);
    expect(errors).toEqual({ 'contacts.1': expect.objectContaining({ code: 'BAD_USER_INPUT' }) });
    expect(errors['contacts.1']!.fieldErrors).toEqual([expect.objectContaining({ path: ['handles', '1'], code: 'INVALID_FORMAT' })]);
    // The bad handle never reached the provider; the good ones were read in one list call.
    expect(contactReads() - before).toBe(1);
  });

  it('answers contacts at Veriff (no contacts) with an error in every slot, keeping the sibling fields', async () => {
    const reply = await gateway.graphql(`{ providers { provider } contacts(provider: VERIFF, handles: ["abc", "def"]) { handle } }`);
    expect(reply.data).not.toBeNull();
    expect(reply.data.providers).toHaveLength(4);
    expect(reply.data.contacts).toEqual([null, null]);
    expect(errorsAt(reply)).toEqual({
      'contacts.0': expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      'contacts.1': expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    });
  });
});

describe('a gateway where only Realtime Register is configured', () => {
  let gateway: TestGateway;
  let stop: () => Promise<void> = async () => {};
  const auth = { authorization: 'Bearer ops-key-12345' };

  beforeAll(async () => {
    ({ gateway, stop } = await startRealtimeRegisterOnly({ simulator: { contactCount: 20 } }));
  });

  afterAll(async () => {
    await stop();
  });

  it('answers contacts of a DISABLED provider with PROVIDER_DISABLED in every slot, keeping the configured provider\u2019s data', async () => {
    const reply = await gateway.graphql(
      `{ providers { provider mode } rtr: contact(provider: REALTIME_REGISTER, handle: "rtr-0001") { handle } contacts(provider: OPENPROVIDER, handles: ["OP000001-NL", "OP000002-NL"]) { handle } }`,
      {},
      auth,
    );
    expect(reply.data).not.toBeNull();
    expect(reply.data.providers.find((entry: { provider: string }) => entry.provider === 'OPENPROVIDER').mode).toBe('DISABLED');
    expect(reply.data.rtr).toEqual({ handle: 'rtr-0001' });
    expect(reply.data.contacts).toEqual([null, null]);
    const disabled = expect.objectContaining({ code: 'PROVIDER_DISABLED', provider: 'OPENPROVIDER' });
    expect(errorsAt(reply)).toEqual({ 'contacts.0': disabled, 'contacts.1': disabled });
  });
});
