import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * The three connections take `first` and `after` as Relay's cursor connections spec says: `first` may be 0 (no edges;
 * the count and hasNextPage still answer, the usual way to ask for a total alone) up to 1000, a negative or larger one
 * is BAD_USER_INPUT naming `first`, a cursor the connection did not issue is BAD_USER_INPUT naming `after`, and each
 * refusal nulls only its own connection.
 */

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ env: { EMAIL_WATCH_INTERVAL_MS: '3600000' } });
  // The seeded DENIC requests reach the store through the poll queue.
  for (let attempt = 0; attempt < 100 && (await gateway.services.verificationRequests.list(null, {})).totalCount < 2; attempt++) {
    await gateway.services.verificationRequests.pollNotifications();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

afterAll(async () => {
  await gateway?.stop();
});

const CONNECTIONS = [
  { field: 'verificationRequests', total: 'totalCount' },
  { field: 'emailVerifications', total: 'totalCount' },
  { field: 'verificationEvents', total: null },
] as const;

describe.each(CONNECTIONS)('$field', ({ field, total }) => {
  const selection = `edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }${total ? ` ${total}` : ''}`;

  it('answers first: 0 with no edges, and still says whether there are rows and how many', async () => {
    const all = await gateway.graphql(`{ ${field}(first: 5) { ${selection} } }`);
    expect(all.errors).toBeUndefined();
    expect(all.data[field].edges.length).toBeGreaterThan(0);

    const none = await gateway.graphql(`{ ${field}(first: 0) { ${selection} } }`);
    expect(none.errors).toBeUndefined();
    expect(none.data[field].edges).toEqual([]);
    expect(none.data[field].pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
    if (total) expect(none.data[field][total]).toBe(all.data[field][total]);
  });

  it('walks forward with after: the next page starts after the last cursor and says it has a previous page', async () => {
    const one = await gateway.graphql(`{ ${field}(first: 1) { ${selection} } }`);
    const two = await gateway.graphql(`query($after: String) { ${field}(first: 1, after: $after) { ${selection} } }`, { after: one.data[field].pageInfo.endCursor });
    expect(two.errors).toBeUndefined();
    expect(two.data[field].edges).toHaveLength(1);
    expect(two.data[field].edges[0].node.id).not.toBe(one.data[field].edges[0].node.id);
    expect(two.data[field].pageInfo.hasPreviousPage).toBe(true);
    const both = await gateway.graphql(`{ ${field}(first: 2) { ${selection} } }`);
    expect(both.data[field].edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([one.data[field].edges[0].node.id, two.data[field].edges[0].node.id]);
  });

  it.each([-1, 1001])('refuses first: %i with BAD_USER_INPUT naming first, keeping the sibling fields', async (first) => {
    const reply = await gateway.graphql(`{ providers { provider } ${field}(first: ${first}) { edges { cursor } } }`);
    expect(reply.data.providers).toHaveLength(4);
    expect(reply.data[field]).toBeNull();
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]).toMatchObject({ path: [field], extensions: { code: 'BAD_USER_INPUT', fieldErrors: [expect.objectContaining({ path: ['first'] })] } });
  });

  it('refuses a cursor it did not issue with BAD_USER_INPUT naming after', async () => {
    const reply = await gateway.graphql(`{ providers { provider } ${field}(after: "bm90LWEtY3Vyc29y") { edges { cursor } } }`);
    expect(reply.data.providers).toHaveLength(4);
    expect(reply.data[field]).toBeNull();
    expect(reply.errors![0]).toMatchObject({ path: [field], extensions: { code: 'BAD_USER_INPUT', fieldErrors: [expect.objectContaining({ path: ['after'] })] } });
  });
});
