import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * A mutation the gateway refuses because of a rate (the one-a-minute resend of a recipient, the key's upstream budget)
 * answers with its result union, as every mutation error does: a ProviderError naming the provider, retryable, with
 * the seconds to wait, its code the gateway's RATE_LIMITED; and, as every rate refusal, an error at the mutation's
 * path with extensions.code RATE_LIMITED, beside the data. Thrown, the refusal was a top-level RATE_LIMITED error that nulled the (non-null) mutation field
 * and with it the whole `data`: the results of the other mutations of the same operation, which had run, were lost.
 */

const RESULT = `__typename ... on Error { message } ... on ProviderError { provider code httpStatus retryable retryAfterSeconds }`;
const verification = { verifiedAt: '2026-04-16T00:00:00Z', externalId: 'kyc-1', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME'] };

describe('resendEmailVerification within a minute of the last one to the same recipient', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { EMAIL_WATCH_INTERVAL_MS: '3600000' } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('is a retryable ProviderError with the seconds to wait, and the operation\u2019s other mutation keeps its result', async () => {
    const email = gateway.sandbox!.openprovider.rows[4]!.email;
    const first = await gateway.graphql(`mutation($e: String!) { resendEmailVerification(input: { provider: OPENPROVIDER, email: $e }) { __typename } }`, { e: email });
    expect(first.data.resendEmailVerification.__typename).toBe('ResendEmailVerificationSuccess');

    const restarts = () => gateway.sandbox!.openprovider.server.count('/v1beta/customers/verifications/emails/restart', 'POST');
    const before = restarts();
    const reply = await gateway.graphql(
      `mutation($e: String!, $i: SubmitContactVerificationInput!) {
        again: resendEmailVerification(input: { provider: OPENPROVIDER, email: $e }) { ${RESULT} }
        submit: submitContactVerification(input: $i) { __typename ... on SubmitContactVerificationSuccess { async } }
      }`,
      { e: email, i: { handle: 'rtr-0011', verifications: [verification] } },
    );
    // What is left of the minute since the first resend: 60 s, or 59 when a busy machine took over a second between.
    const leftOfTheMinute = expect.toSatisfy((seconds: number) => seconds === 59 || seconds === 60);
    expect(reply.errors).toEqual([expect.objectContaining({ path: ['again'], extensions: { code: 'RATE_LIMITED', provider: 'OPENPROVIDER', retryAfterSeconds: leftOfTheMinute } })]);
    expect(reply.data.submit.__typename).toBe('SubmitContactVerificationSuccess');
    expect(reply.data.again).toMatchObject({ __typename: 'ProviderError', provider: 'OPENPROVIDER', code: 'RATE_LIMITED', retryable: true, retryAfterSeconds: leftOfTheMinute, httpStatus: null });
    expect(reply.data.again.message).toContain('less than a minute ago');
    expect(restarts()).toBe(before);
  });
});

describe('a mutation once the key\u2019s upstream budget for the minute is spent', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { GATEWAY_API_KEYS: 'ops=ops-key-12345:*', UPSTREAM_CALLS_PER_MINUTE: '1', EMAIL_WATCH_INTERVAL_MS: '3600000' } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('is a retryable ProviderError with the seconds to wait, sent nowhere', async () => {
    const auth = { authorization: 'Bearer ops-key-12345' };
    const submit = `mutation($i: SubmitContactVerificationInput!) { submitContactVerification(input: $i) { ${RESULT} ... on NotFoundError { provider } } }`;
    const input = { i: { handle: 'rtr-0012', verifications: [verification] } };
    const first = await gateway.graphql(submit, input, auth);
    expect(first.data.submitContactVerification.__typename).toBe('SubmitContactVerificationSuccess');

    const updates = () => gateway.sandbox!.realtimeRegister.server.count('/v2/customers/sandbox/contacts/rtr-0012/update', 'POST');
    const before = updates();
    const second = await gateway.graphql(submit, input, auth);
    expect(second.errors).toEqual([expect.objectContaining({ path: ['submitContactVerification'], extensions: expect.objectContaining({ code: 'RATE_LIMITED', provider: 'REALTIME_REGISTER' }) })]);
    expect(second.data.submitContactVerification).toMatchObject({ __typename: 'ProviderError', provider: 'REALTIME_REGISTER', code: 'RATE_LIMITED', retryable: true });
    expect(second.data.submitContactVerification.retryAfterSeconds).toBeGreaterThan(0);
    expect(updates()).toBe(before);
  });
});
