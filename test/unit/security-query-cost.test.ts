import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { DEFAULT_PAGE_SIZE, operationCost, UNSIZED_NODE_LIST } from '../../src/server/query-cost.js';

const cost = (query: string, variables?: Record<string, unknown>, operationName?: string) => operationCost(schema, parse(query), operationName, variables);
const handles = (n: number) => Array.from({ length: n }, (_, i) => `rtr-${String(i + 1).padStart(4, '0')}`);

describe('operationCost', () => {
  it('counts objects, not scalars', () => {
    expect(cost('{ providers { provider mode circuit baseUrl } }')).toBe(1);
    expect(cost('{ verificationMatrix { method proof claims } checkVerification(verifications: []) { valid problems { code } } }')).toBe(3);
  });

  it('weights contacts by the number of handles, inline or as a variable', () => {
    const inline = `{ contacts(provider: REALTIME_REGISTER, handles: ${JSON.stringify(handles(3))}) { handle verifications { claims } } }`;
    expect(cost(inline)).toBe(3 * 2);
    const query = 'query Q($h: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $h) { handle verifications { claims } } }';
    expect(cost(query, { h: handles(100) })).toBe(200);
    expect(cost(query, { h: handles(100_000) })).toBe(200_000);
  });

  it('weights a connection\'s edges by first, 50 when omitted, and its page info once', () => {
    const page = (args: string) => `{ emailVerifications${args} { totalCount pageInfo { hasNextPage } edges { cursor node { email contact { handle } } } } }`;
    // connection 1 + pageInfo 1 + first × (edge 1 + node 1 + contact 1)
    expect(cost(page('(first: 10)'))).toBe(2 + 10 * 3);
    expect(cost(page(''))).toBe(2 + DEFAULT_PAGE_SIZE * 3);
    expect(cost('query P($n: Int) { verificationRequests(first: $n) { edges { node { id } } } }', { n: 1000 })).toBe(1 + 1000 * 2);
  });

  it('multiplies nested sized lists', () => {
    const query = `{ verificationRequests(first: 10) { edges { node { contact { verifications { claims } } } } } }`;
    expect(cost(query)).toBe(1 + 10 * 4);
  });

  it('counts a list of nodes without a size argument (a contact\'s requests and email rows) as UNSIZED_NODE_LIST', () => {
    expect(cost('{ contact(provider: OPENPROVIDER, handle: "x") { emailVerifications { email } verificationRequests { id } } }')).toBe(1 + 2 * UNSIZED_NODE_LIST);
    // Each lap of the cycle contact -> verificationRequests -> contact multiplies, as a connection would.
    const laps = (n: number) => `{ contact(provider: REALTIME_REGISTER, handle: "x") { ${'verificationRequests { contact { '.repeat(n)}handle${' } }'.repeat(n)} } }`;
    expect(cost(laps(1))).toBe(1 + UNSIZED_NODE_LIST * 2);
    expect(cost(laps(2))).toBe(1 + UNSIZED_NODE_LIST * (2 + UNSIZED_NODE_LIST * 2));
  });

  it('lets a dashboard of 100 contacts ask for both of their lists under the default limit of 5,000', () => {
    const query = 'query Q($h: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $h) { handle emailVerifications { status } verificationRequests { id } } }';
    expect(cost(query, { h: handles(100) })).toBe(100 * (1 + 2 * UNSIZED_NODE_LIST));
    expect(cost(query, { h: handles(100) })).toBeLessThanOrEqual(5_000);
  });

  it('counts fragments where they are spread, and every alias', () => {
    const query = `
      query { a: contacts(provider: OPENPROVIDER, handles: ["x", "y"]) { ...C } b: contacts(provider: OPENPROVIDER, handles: ["z"]) { ...C } }
      fragment C on Contact { handle ... on Contact { verifications { claims } } }`;
    expect(cost(query)).toBe(2 * 2 + 1 * 2);
  });

  it('costs nothing for introspection and survives fragment cycles (rejected by validation anyway)', () => {
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
    expect(cost('query { contact(provider: OPENPROVIDER, handle: "x") { ...A } } fragment A on Contact { ...B } fragment B on Contact { ...A }')).toBe(1);
  });

  it('costs the same parsed document by its variables every time (only a cost that reads none is remembered)', () => {
    const sized = parse('query Q($h: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $h) { handle } }');
    expect([1, 500, 2].map((n) => operationCost(schema, sized, undefined, { h: handles(n) }))).toEqual([1, 500, 2]);
    const single = parse('query One($h: String!) { contact(provider: REALTIME_REGISTER, handle: $h) { handle } }');
    expect([operationCost(schema, single, undefined, { h: 'rtr-0001' }), operationCost(schema, single, undefined, { h: 'rtr-0002' })]).toEqual([1, 1]);
  });

  it('picks the named operation of a document', () => {
    const document = '{ providers { provider } } query Big { nodes(ids: ["a", "b", "c"]) { id } }';
    expect(operationCost(schema, parse(document), 'Big', {})).toBe(3);
  });
});
