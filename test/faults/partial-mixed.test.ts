import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { malformedReason } from './support.js';
import { eventually } from '../integration/events-support.js';

/**
 * Queries mixing a failing provider with healthy ones, in the shapes partial-fields.test.ts does not try: lists
 * (contacts), node/nodes across providers, a connection spanning providers, and a provider field nested under stored
 * data. Only what the failing source serves is null, each with an error naming it; every healthy field keeps its data.
 */

let gateway: TestGateway;
let fresh = 300;
const next = () => ++fresh;
const rtrHandle = () => `rtr-${String(next()).padStart(4, '0')}`;
const opHandle = () => `OP${String(next()).padStart(6, '0')}-NL`;
const dnaHandle = () => `DNA-${1000 + (next() % 200) + 1}`;

interface ErrorEntry {
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}
const errorsAt = (reply: { errors?: ErrorEntry[] }) => Object.fromEntries((reply.errors ?? []).map((error) => [(error.path ?? []).join('.'), error.extensions]));
const failing = (provider: string) => expect.objectContaining({ provider, code: expect.stringMatching(/^PROVIDER_/) });

beforeAll(async () => {
  gateway = await startTestGateway({ gateway: { upstreamDeadlineMs: 1500, breaker: { failureThreshold: 1_000 } } });
});

afterAll(async () => {
  await gateway?.stop();
});

beforeEach(() => {
  const sandbox = gateway.sandbox!;
  for (const server of [sandbox.realtimeRegister.server, sandbox.openprovider.server, sandbox.domainNameApi.server, sandbox.veriff.server]) server.setFaults({});
});

describe('a failing provider among healthy ones', () => {
  it('contacts (a non-null list) of the failing provider keeps the healthy fields beside it', async () => {
    gateway.sandbox!.realtimeRegister.server.setFaults({ errorRate: 1, status: 503 });
    const op = opHandle();
    const reply = await gateway.graphql(
      `query($rtr: [String!]!, $op: String!) { providers { provider } contacts(provider: REALTIME_REGISTER, handles: $rtr) { handle } op: contact(provider: OPENPROVIDER, handle: $op) { handle } }`,
      { rtr: [rtrHandle(), rtrHandle()], op },
    );
    expect(malformedReason(200, JSON.stringify(reply))).toBeNull();
    expect(reply.data).not.toBeNull();
    expect(reply.data.providers).toHaveLength(4);
    expect(reply.data.op).toEqual({ handle: op });
    // Each entry the provider could not answer is null, with its error naming the provider.
    expect(reply.data.contacts).toEqual([null, null]);
    const errors = errorsAt(reply);
    expect(Object.keys(errors).sort()).toEqual(['contacts.0', 'contacts.1']);
    expect(Object.values(errors)).toEqual([failing('REALTIME_REGISTER'), failing('REALTIME_REGISTER')]);
  });

  it('nodes across three providers nulls only the failing provider\u2019s entry', async () => {
    const handles = { rtr: rtrHandle(), op: opHandle(), dna: dnaHandle() };
    const ids = await gateway.graphql(
      `query($rtr: String!, $op: String!, $dna: String!) {
        rtr: contact(provider: REALTIME_REGISTER, handle: $rtr) { id }
        op: contact(provider: OPENPROVIDER, handle: $op) { id }
        dna: contact(provider: DOMAIN_NAME_API, handle: $dna) { id } }`,
      handles,
    );
    expect(ids.errors).toBeUndefined();
    gateway.sandbox!.openprovider.server.setFaults({ errorRate: 1, status: 503 });
    // The same id for a handle never read, so the gateway's cache cannot answer for the failing provider.
    const decoded = Buffer.from(ids.data.op.id, 'base64').toString();
    expect(decoded).toContain(handles.op);
    const uncachedOp = Buffer.from(decoded.replace(handles.op, opHandle())).toString('base64');
    const nodeIds = [ids.data.rtr.id, uncachedOp, ids.data.dna.id];
    const reply = await gateway.graphql(`query($ids: [ID!]!, $op: ID!) { providers { provider } nodes(ids: $ids) { id } node(id: $op) { id } }`, { ids: nodeIds, op: uncachedOp });
    expect(malformedReason(200, JSON.stringify(reply))).toBeNull();
    expect(reply.data.providers).toHaveLength(4);
    expect(reply.data.nodes).toEqual([{ id: nodeIds[0] }, null, { id: nodeIds[2] }]);
    expect(reply.data.node).toBeNull();
    expect(errorsAt(reply)).toEqual({ 'nodes.1': failing('OPENPROVIDER'), node: failing('OPENPROVIDER') });
  });

  it('node and nodes answer for objects the in-process cache holds (frozen there), read twice', async () => {
    const read = await gateway.graphql(`query($op: String!, $rtr: String!) {
      op: contact(provider: OPENPROVIDER, handle: $op) { id }
      rtr: contact(provider: REALTIME_REGISTER, handle: $rtr) { id }
      emailVerifications(filter: { handle: "OP000002-NL" }) { edges { node { id } } } }`, { op: opHandle(), rtr: rtrHandle() });
    const check = await gateway.graphql(`mutation { validateRegistry(input: { idNumber: "39912310120", firstName: "Ann", lastName: "Lee", dateOfBirth: "1980-01-08" }) { ... on ValidateRegistrySuccess { registryCheck { id } } } }`);
    const ids: string[] = [read.data.op.id, read.data.rtr.id, read.data.emailVerifications.edges[0].node.id, check.data.validateRegistry.registryCheck.id];
    for (let round = 0; round < 2; round++) {
      const reply = await gateway.graphql(`query($ids: [ID!]!, $id: ID!) { providers { provider } node(id: $id) { id } nodes(ids: $ids) { id } }`, { ids, id: ids[0] });
      expect(reply.errors).toBeUndefined();
      expect(reply.data.node).toEqual({ id: ids[0] });
      expect(reply.data.nodes).toEqual(ids.map((id) => ({ id })));
    }
  });

  it('emailVerifications across providers with Domain Name API failing keeps the healthy providers\u2019 rows or nulls only itself', async () => {
    gateway.sandbox!.domainNameApi.server.setFaults({ errorRate: 1, status: 503 });
    const reply = await gateway.graphql(`{ providers { provider } emailVerifications(filter: { email: "shared.registrant@example.com" }) { edges { node { provider } } } }`);
    expect(malformedReason(200, JSON.stringify(reply))).toBeNull();
    expect(reply.data.providers).toHaveLength(4);
    expect(Object.values(errorsAt(reply))).toEqual([failing('DOMAIN_NAME_API')]);
    if (reply.data.emailVerifications !== null) {
      const providers = new Set(reply.data.emailVerifications.edges.map((edge: { node: { provider: string } }) => edge.node.provider));
      expect(providers.has('DOMAIN_NAME_API')).toBe(false);
      expect(providers.has('OPENPROVIDER')).toBe(true);
    }
  });

  it('a stored verification request keeps its fields when its contact\u2019s provider fails', async () => {
    const rtr = gateway.sandbox!.realtimeRegister;
    const handle = rtrHandle();
    rtr.injectDenicRequest({ handle, claims: ['NAME'] });
    // It arrives by the simulator's webhook push: without Redis the poller never acks, so it only ever reads the
    // queue's head, which is an older notification. Waited for, not assumed, so a busy machine cannot race it.
    await eventually(async () => {
      const stored = await gateway.graphql(`{ verificationRequests(first: 1, filter: { contactHandle: "${handle}" }) { edges { node { status } } } }`);
      return stored.data?.verificationRequests?.edges?.length === 1;
    });
    rtr.server.setFaults({ errorRate: 1, status: 503 });
    const reply = await gateway.graphql(`{ providers { provider } verificationRequests(first: 100) { edges { node { contactHandle status contact { handle } } } } }`);
    expect(malformedReason(200, JSON.stringify(reply))).toBeNull();
    const edges = reply.data.verificationRequests.edges as { node: { contactHandle: string; status: string; contact: unknown } }[];
    const mine = edges.findIndex((edge) => edge.node.contactHandle === handle);
    expect(mine).toBeGreaterThanOrEqual(0);
    expect(edges[mine]!.node).toEqual({ contactHandle: handle, status: 'OPEN', contact: null });
    expect(errorsAt(reply)[`verificationRequests.edges.${mine}.node.contact`]).toEqual(failing('REALTIME_REGISTER'));
  });
});
