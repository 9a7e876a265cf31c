import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const VALIDATE = `mutation Validate($input: ValidateRegistryInput!) {
  validateRegistry(input: $input) {
    __typename
    ... on ValidateRegistrySuccess { registryCheck { id sessionId status } }
    ... on ProviderError { message provider code retryable }
  }
}`;

const person = { idNumber: '39912310121', firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' };

async function decidedEvents(gw: TestGateway): Promise<{ sessionId: string; status: string }[]> {
  const reply = await gw.graphql(`{ verificationEvents(first: 100, filter: { types: [REGISTRY_CHECK_DECIDED] }) {
    edges { node { ... on RegistryCheckDecidedEvent { registryCheck { sessionId status } } } } } }`);
  expect(reply.errors).toBeUndefined();
  return reply.data.verificationEvents.edges.map((edge: any) => edge.node.registryCheck);
}

describe('a Veriff decision whose webhook was lost', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      env: { VERIFF_DECISION_POLL_AFTER_MS: '300' },
      gateway: { sandbox: { veriffDecisionDelayMs: 50, veriff: { dropWebhooks: true, webhookRetryDelaysMs: [] } } },
    });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('is found by polling Veriff after VERIFF_DECISION_POLL_AFTER_MS, stored and announced like a webhook', async () => {
    const reply = await gw.graphql(VALIDATE, { input: person });
    const check = reply.data.validateRegistry.registryCheck;
    expect(check.status).toBe('PENDING');

    let status = 'PENDING';
    for (let i = 0; i < 150 && status === 'PENDING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await gw.graphql(`query Get($id: ID!) { registryCheck(id: $id) { status } }`, { id: check.id })).data.registryCheck.status;
    }
    expect(status).toBe('DECLINED');

    const veriff = gw.sandbox!.veriff;
    expect(veriff.deliveries.filter((delivery) => delivery.sessionId === check.sessionId)).toEqual([expect.objectContaining({ error: 'dropped' })]);
    expect(veriff.server.count(`/v1/sessions/${check.sessionId}/decision`, 'GET')).toBeGreaterThanOrEqual(1);
    expect((await decidedEvents(gw)).filter((event) => event.sessionId === check.sessionId)).toEqual([{ sessionId: check.sessionId, status: 'DECLINED' }]);
    expect(gw.logs()).toContain('registry check resolved by polling Veriff');
  });
});

describe('a Veriff sync answer that is not signed with the shared secret', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { VERIFF_REGISTRY_MODE: 'sync' } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('is refused as a ProviderError, and no decision is stored or announced', async () => {
    const veriff = gw.sandbox!.veriff;
    veriff.setBehaviour({ answerSignature: 'wrong' });
    const refused = await gw.graphql(VALIDATE, { input: person });
    expect(refused.data.validateRegistry).toMatchObject({ __typename: 'ProviderError', provider: 'VERIFF', code: 'SIGNATURE', retryable: false });
    expect(refused.data.validateRegistry.message).toMatch(/x-hmac-signature/);
    expect(veriff.count('/v1/validate-registry', 'POST')).toBe(1);
    expect(await decidedEvents(gw)).toEqual([]);

    veriff.setBehaviour({ answerSignature: 'valid' });
    const accepted = await gw.graphql(VALIDATE, { input: person });
    expect(accepted.data.validateRegistry.registryCheck.status).toBe('DECLINED');
    expect(await decidedEvents(gw)).toHaveLength(1);
  });
});
