import { GraphQLError, parse } from 'graphql';
import { processRegularResult } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { resultJson, type SerializableResult } from '../../src/server/result-json.js';

/** What yoga's own result processors write for a result (the regular one serializes as its SSE one does). */
async function yogasJson(result: SerializableResult): Promise<string> {
  const response = await processRegularResult(result, { Response } as never, 'application/json');
  return response.text();
}

const document = parse('subscription { verificationEvents { id } }');

describe('resultJson', () => {
  it('writes every result as yoga does, without yoga’s internal error extensions', async () => {
    const fellBehind = new GraphQLError('subscriber fell behind', { nodes: document.definitions[0]!, path: ['verificationEvents'], extensions: { code: 'SUBSCRIBER_FELL_BEHIND', resumeAfter: '1-0' } });
    const unexpected = new GraphQLError('Unexpected error', { extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'r-1', unexpected: true, http: { status: 500 } } });
    const original = new GraphQLError('inner', { extensions: { http: { status: 400 }, code: 'BAD_USER_INPUT' } });
    const wrapped = new GraphQLError('outer', { originalError: original, extensions: { code: 'BAD_USER_INPUT', http: { spec: true, status: 400 } } });
    const results: SerializableResult[] = [
      { data: { verificationEvents: { id: '1-0' } } },
      { data: null, errors: [fellBehind] },
      { errors: [unexpected, wrapped] },
      { data: { a: 1 }, extensions: { http: { status: 201 }, cost: 3 } },
      { data: { a: 1 }, extensions: { http: { status: 201 } } },
    ];
    for (const result of results) expect(resultJson(result)).toBe(await yogasJson(result));
    expect(resultJson(results[2]!)).not.toMatch(/"http"|"unexpected"/);
  });
});
