import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { upstreamCallBound, upstreamCallEstimate } from '../../src/server/upstream-estimate.js';

/**
 * The bound lets a request skip the estimate when no arguments could take it past the limit, so it must never be
 * below what the estimate finds for any variables.
 */
describe('upstreamCallBound', () => {
  const cases: [string, string, number][] = [
    ['one contact', 'query($h: String!) { contact(provider: DOMAIN_NAME_API, handle: $h) { handle } }', 1],
    ['aliases', '{ a: contact(provider: DOMAIN_NAME_API, handle: "a") { handle } b: contact(provider: DOMAIN_NAME_API, handle: "b") { handle } }', 2],
    ['fragments and node', 'query { ...F ... on Query { node(id: "x") { id } } } fragment F on Query { contact(provider: OPENPROVIDER, handle: "c") { handle } }', 2],
    ['a list lookup', 'query($hs: [String!]!) { contacts(provider: DOMAIN_NAME_API, handles: $hs) { handle } }', Infinity],
    ['nodes', '{ nodes(ids: ["a"]) { id } }', Infinity],
    ['nothing upstream', '{ providers { provider } }', 0],
    ['a mutation', 'mutation { resendEmailVerification(input: { provider: OPENPROVIDER, email: "a@b.c" }) { __typename } }', 0],
  ];

  it.each(cases)('bounds %s', (_name, query, expected) => {
    expect(upstreamCallBound(parse(query), undefined)).toBe(expected);
  });

  it('is never below the estimate for any variables, per operation of a document', () => {
    const document = parse('query One($a: String!, $b: String!) { x: contact(provider: DOMAIN_NAME_API, handle: $a) { handle } y: contact(provider: DOMAIN_NAME_API, handle: $b) { handle } } query Two { providers { provider } }');
    const bound = upstreamCallBound(document, 'One');
    for (const variables of [{ a: 'h1', b: 'h2' }, { a: 'h1', b: 'h1' }, {}]) {
      const estimate = Math.max(0, ...upstreamCallEstimate(document, 'One', variables).values());
      expect(estimate).toBeLessThanOrEqual(bound);
    }
    expect(bound).toBe(2);
    expect(upstreamCallBound(document, 'Two')).toBe(0);
  });
});
