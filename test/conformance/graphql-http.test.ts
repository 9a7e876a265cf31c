import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway.stop();
});

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  it('passes every MUST audit', async () => {
    const audits = serverAudits({ url: `${gateway.url}/graphql`, fetchFn: fetch });
    const results = await Promise.all(audits.map((audit) => audit.fn()));
    const failedMusts = results.filter((result) => result.name.startsWith('MUST') && result.status !== 'ok');
    expect(failedMusts.map((result) => `${result.name}: ${'reason' in result ? result.reason : result.status}`)).toEqual([]);
    const counts: Record<string, number> = {};
    for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
    // Reported, not asserted beyond the MUSTs: SHOULD audits are advice.
    console.info(`graphql-http audits of ${results.length}: ${JSON.stringify(counts)}`);
  });
});
