import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { afterStartupSweep, AttackLog, bearer, idNumberPlanter, overWebSocket, postGraphQL, wsClient, callerRequests } from './support.js';

/**
 * Mutations refused by rate (774617c): the union's ProviderError plus an error at the mutation's path. A key whose
 * minute's upstream budget is spent sends every mutation at once, over HTTP and graphql-ws, each carrying ID numbers
 * where it can (the registry's idNumber, a handle, an address, an external id). Each refusal is one error at its own
 * path and one count in gateway_resolver_errors_total, nothing goes upstream, and no ID number comes back or is logged.
 */
const KEY = 'rate-refused-key-01';
const log = new AttackLog();
const ids = idNumberPlanter('6', '3');
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    env: { GATEWAY_API_KEYS: `${KEY}:*`, UPSTREAM_CALLS_PER_MINUTE: '1', EMAIL_WATCH_INTERVAL_MS: '3600000', VERIFF_REGISTRY_MODE: 'sync', RATE_LIMIT_PER_MINUTE: '60000' },
  });
  await afterStartupSweep(gw);
  // The minute's one call at each provider (the budget is the key's at each one).
  const spent = await postGraphQL(
    gw,
    log,
    'spend the budget',
    {
      query: `mutation { validateRegistry(input: { idNumber: "${ids.next()}", fullName: "Ann Lee", dateOfBirth: "1980-01-08" }) { __typename } }`,
    },
    bearer(KEY),
  );
  expect(spent.json.data.validateRegistry.__typename).toBe('ValidateRegistrySuccess');
  for (const [provider, handle] of [['DOMAIN_NAME_API', 'DNA-0001'], ['REALTIME_REGISTER', 'rtr-0001'], ['OPENPROVIDER', 'OP000001-NL']]) {
    const read = await postGraphQL(gw, log, `spend the budget at ${provider}`, { query: `{ contact(provider: ${provider}, handle: "${handle}") { handle } }` }, bearer(KEY));
    expect(read.json.errors, read.text).toBeUndefined();
  }
});

afterAll(async () => {
  await gw?.stop();
});

/** gateway_resolver_errors_total for the two codes of a refusal by rate. */
async function rateLimitedCount(): Promise<number> {
  const metric = await gw.metrics.resolverErrors.get();
  return metric.values.filter((value) => value.labels.code === 'RATE_LIMITED' || value.labels.code === 'QUERY_TOO_COSTLY').reduce((sum, value) => sum + value.value, 0);
}

const RESULT = '__typename ... on ProviderError { code message retryable }';

/** Every mutation that can be refused by rate, each with a fresh ID number in every text it takes. */
function allMutations(): { query: string; variables: Record<string, unknown>; fields: string[] } {
  const n = () => ids.next();
  const verification = { verifiedAt: '2026-04-16T00:00:00Z', externalId: n(), method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME'] };
  return {
    query: `mutation M($r: ValidateRegistryInput!, $s: SubmitContactVerificationInput!, $c: CreateContactInput!, $e: String!, $h: String!) {
      registry: validateRegistry(input: $r) { ${RESULT} }
      submit: submitContactVerification(input: $s) { ${RESULT} }
      create: createContact(input: $c) { ${RESULT} }
      resendByEmail: resendEmailVerification(input: { provider: OPENPROVIDER, email: $e }) { ${RESULT} }
      resendByHandle: resendEmailVerification(input: { provider: DOMAIN_NAME_API, handle: $h }) { ${RESULT} }
    }`,
    variables: {
      r: { idNumber: n(), fullName: 'Ann Lee', dateOfBirth: '1980-01-08' },
      s: { handle: 'rtr-0012', verifications: [verification] },
      c: {
        handle: `h${n()}`,
        name: 'Ann Lee',
        email: `a${n()}@example.com`,
        addressLines: [`Street ${n()}`],
        city: 'Utrecht',
        postalCode: '3511AA',
        country: 'NL',
        voice: '+31.201234567',
      },
      e: `${n()}@example.com`,
      h: `DNA-${n()}`,
    },
    fields: ['registry', 'submit', 'create', 'resendByEmail', 'resendByHandle'],
  };
}

function expectRefusedOnce(label: string, result: { data?: any; errors?: any[] }, fields: string[]): void {
  for (const field of fields) {
    const value = result.data?.[field];
    // A refusal by rate, or an input refusal where the gateway checks the input first: neither reaches upstream.
    expect(['ProviderError', 'InputError'], `${label} ${field}: ${JSON.stringify(value)}`).toContain(value?.__typename);
    // RATE_LIMITED for the minute's budget; QUERY_TOO_COSTLY for a mutation needing more calls than a whole minute allows.
    if (value.__typename === 'ProviderError') expect(['RATE_LIMITED', 'QUERY_TOO_COSTLY'], `${label} ${field}`).toContain(value.code);
  }
  const refused = fields.filter((field) => result.data[field].__typename === 'ProviderError');
  expect(refused.length, label).toBeGreaterThanOrEqual(3);
  // One error per refusal, at its own path, with the result's code, and no other error.
  expect((result.errors ?? []).map((error) => [error.path, error.extensions.code]), label).toEqual(refused.map((field) => [[field], result.data[field].code]));
}

describe('every mutation, with the key\u2019s minute spent', () => {
  it('is refused once each over HTTP: one error at its path, one count, no upstream call, nothing echoed', async () => {
    const before = { calls: callerRequests(gw), counted: await rateLimitedCount() };
    const { query, variables, fields } = allMutations();
    const reply = await postGraphQL(gw, log, 'every mutation over http', { query, variables }, bearer(KEY));
    expect(reply.status, reply.text).toBe(200);
    expectRefusedOnce('http', reply.json, fields);
    expect(await rateLimitedCount()).toBe(before.counted + reply.json.errors.length);
    expect(callerRequests(gw)).toBe(before.calls);
  });

  it('is refused once each over graphql-ws the same way', async () => {
    const before = { calls: callerRequests(gw), counted: await rateLimitedCount() };
    const { query, variables, fields } = allMutations();
    const client = wsClient(gw, KEY);
    try {
      const { results, error } = await overWebSocket(client, log, 'every mutation over ws', { query, variables });
      expect(error).toBeNull();
      expect(results).toHaveLength(1);
      expectRefusedOnce('ws', results[0] as never, fields);
      expect(await rateLimitedCount()).toBe(before.counted + results[0]!.errors!.length);
    } finally {
      await client.dispose();
    }
    expect(callerRequests(gw)).toBe(before.calls);
  });

  it('is refused again on a retry within the minute, still with no upstream call (a refusal spends nothing)', async () => {
    const before = callerRequests(gw);
    for (let attempt = 0; attempt < 3; attempt++) {
      const { query, variables, fields } = allMutations();
      expectRefusedOnce(`retry ${attempt}`, (await postGraphQL(gw, log, `retry ${attempt}`, { query, variables }, bearer(KEY))).json, fields);
    }
    expect(callerRequests(gw)).toBe(before);
  });
});

describe('the whole suite', () => {
  it('caused no 5xx and neither answered nor logged a planted ID number', () => {
    expect(log.serverErrors()).toEqual([]);
    for (const idNumber of ids.planted) expect(log.containing(idNumber), idNumber).toEqual([]);
    expect(gw.logs()).not.toMatch(new RegExp([...ids.planted].join('|')));
  });
});
