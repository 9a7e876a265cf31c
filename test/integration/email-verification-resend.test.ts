import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const RESEND = /* GraphQL */ `
  mutation Resend($input: ResendEmailVerificationInput!) {
    resendEmailVerification(input: $input) {
      __typename
      ... on ResendEmailVerificationSuccess { emailVerification { provider email handle domain status failureReason expiresAt lastNotifiedAt } }
      ... on InputError { message fieldErrors { path code message } }
      ... on NotFoundError { message provider }
      ... on ProviderError { message provider code retryable }
    }
  }
`;

const ROWS = /* GraphQL */ `
  query Rows($filter: EmailVerificationFilter) {
    emailVerifications(filter: $filter, first: 100) { totalCount edges { node { provider email handle domain status expiresAt lastNotifiedAt } } }
  }
`;

const RESTART_PATH = '/v1beta/customers/verifications/emails/restart';

let gw: TestGateway;

async function resend(input: Record<string, unknown>): Promise<any> {
  const reply = await gw.graphql<any>(RESEND, { input });
  expect(reply.errors).toBeUndefined();
  return reply.data.resendEmailVerification;
}

async function rows(filter: Record<string, unknown>): Promise<any[]> {
  const reply = await gw.graphql<any>(ROWS, { filter });
  expect(reply.errors).toBeUndefined();
  return reply.data.emailVerifications.edges.map((edge: { node: unknown }) => edge.node);
}

/** Writes and lookups the simulators saw: Openprovider POSTs (login, start, restart) and every Domain Name API call. */
function sent(): { openproviderPosts: number; domainNameApi: number } {
  const sandbox = gw.sandbox!;
  return { openproviderPosts: sandbox.openprovider.server.count('/', 'POST'), domainNameApi: sandbox.domainNameApi.server.count() };
}

beforeAll(async () => {
  gw = await startTestGateway({ env: { EMAIL_WATCH_INTERVAL_MS: '3600000' } });
});

afterAll(async () => {
  await gw.stop();
});

describe('resendEmailVerification at Openprovider', () => {
  it('restarts a failed address by email and the list shows it pending at once (cache invalidated)', async () => {
    const sim = gw.sandbox!.openprovider;
    const failed = sim.rows.find((row) => row.status === 'failed' && sim.rowsOf(row.email).length > 1)!;
    // Warm the cache with the old state first.
    expect((await rows({ email: failed.email })).every((row) => row.status === 'FAILED')).toBe(true);

    const result = await resend({ provider: 'OPENPROVIDER', email: failed.email, language: 'nl' });
    expect(result.__typename).toBe('ResendEmailVerificationSuccess');
    expect(result.emailVerification).toMatchObject({ provider: 'OPENPROVIDER', email: failed.email, status: 'PENDING', failureReason: null });
    expect(Date.parse(result.emailVerification.expiresAt)).toBeGreaterThan(Date.now() + 14 * 86_400_000);

    const after = await rows({ email: failed.email });
    expect(after).toHaveLength(sim.rowsOf(failed.email).length);
    expect(after.every((row) => row.status === 'PENDING')).toBe(true);
    // The address's rows name one handle: it goes along (revision 2), and the simulator says which one it restarted.
    expect(sim.sentEmails.at(-1)).toMatchObject({ email: failed.email, handle: failed.handle, kind: 'restart', language: 'nl' });
  });

  it('looks the address up first when only a handle is given', async () => {
    const sim = gw.sandbox!.openprovider;
    const notVerified = sim.rows.find((row) => row.status === 'not verified' && row.handle !== 'OP000001-NL')!;
    const result = await resend({ provider: 'OPENPROVIDER', handle: notVerified.handle });
    expect(result.emailVerification).toMatchObject({ handle: notVerified.handle, email: notVerified.email, status: 'PENDING' });
    expect(JSON.parse(sim.server.requests.filter((request) => request.path === RESTART_PATH).at(-1)!.body)).toMatchObject({ email: notVerified.email, handle: notVerified.handle });
    expect(sim.sentEmails.at(-1)).toMatchObject({ email: notVerified.email, handle: notVerified.handle, kind: 'restart' });
  });

  it('rejects an email and handle that belong to different addresses with CONFLICT, restarting nothing', async () => {
    const sim = gw.sandbox!.openprovider;
    const restarts = sim.server.count(RESTART_PATH);
    const result = await resend({ provider: 'OPENPROVIDER', handle: 'OP000003-NL', email: 'someone.else@example.com' });
    expect(result).toMatchObject({ __typename: 'InputError', fieldErrors: [{ path: ['handle'], code: 'CONFLICT' }] });
    expect(sim.server.count(RESTART_PATH)).toBe(restarts);
  });

  it('answers NotFoundError for a handle Openprovider does not know', async () => {
    expect(await resend({ provider: 'OPENPROVIDER', handle: 'ZZ000000-NL' })).toMatchObject({ __typename: 'NotFoundError', provider: 'OPENPROVIDER' });
  });
});

describe('resendEmailVerification at Domain Name API', () => {
  it('resends by handle: an expired contact becomes pending with a new 60-day key', async () => {
    const sim = gw.sandbox!.domainNameApi;
    const expired = sim.contacts.find((contact) => contact.status === 'Expired' && contact.externalId !== 'DNA-1010')!;
    expect((await rows({ handle: expired.externalId }))[0]).toMatchObject({ status: 'FAILED' });

    const result = await resend({ provider: 'DOMAIN_NAME_API', handle: expired.externalId });
    expect(result.emailVerification).toMatchObject({ provider: 'DOMAIN_NAME_API', handle: expired.externalId, status: 'PENDING', failureReason: null });
    const { expiresAt, lastNotifiedAt } = result.emailVerification;
    expect((Date.parse(expiresAt) - Date.parse(lastNotifiedAt)) / 86_400_000).toBe(60);
    expect(await rows({ handle: expired.externalId })).toEqual([expect.objectContaining({ status: 'PENDING', expiresAt, lastNotifiedAt })]);
  });

  it('resends by email and updates the last notification date of a pending contact', async () => {
    const sim = gw.sandbox!.domainNameApi;
    const pending = sim.contacts.find((contact) => contact.status === 'Pending' && contact.externalId !== 'DNA-1010')!;
    const before = (await rows({ email: pending.email }))[0];
    const result = await resend({ provider: 'DOMAIN_NAME_API', email: pending.email });
    expect(result.emailVerification).toMatchObject({ status: 'PENDING', expiresAt: before.expiresAt });
    expect(Date.parse(result.emailVerification.lastNotifiedAt)).toBeGreaterThan(Date.parse(before.lastNotifiedAt));
  });

  it('reports a validated address as a non-retryable ProviderError and an unknown handle as NotFoundError', async () => {
    const sim = gw.sandbox!.domainNameApi;
    const validated = sim.contacts.find((contact) => contact.status === 'Validated')!;
    expect(await resend({ provider: 'DOMAIN_NAME_API', handle: validated.externalId })).toMatchObject({
      __typename: 'ProviderError',
      provider: 'DOMAIN_NAME_API',
      retryable: false,
    });
    expect(await resend({ provider: 'DOMAIN_NAME_API', handle: 'DNA-9999' })).toMatchObject({ __typename: 'NotFoundError', provider: 'DOMAIN_NAME_API' });
  });
});

describe('resendEmailVerification input checks', () => {
  it.each([
    ['neither email nor handle', { provider: 'OPENPROVIDER' }, 'REQUIRED'],
    ['a malformed email', { provider: 'DOMAIN_NAME_API', email: 'not-an-email' }, 'INVALID_FORMAT'],
    ['a malformed handle', { provider: 'OPENPROVIDER', handle: 'bad handle/..' }, 'INVALID_FORMAT'],
    ['a malformed language', { provider: 'OPENPROVIDER', email: 'a@example.com', language: 'english please' }, 'INVALID_FORMAT'],
    ['Veriff', { provider: 'VERIFF', email: 'a@example.com' }, 'NOT_ALLOWED'],
    ['Realtime Register without a handle (it resends by contact)', { provider: 'REALTIME_REGISTER', email: 'a@example.com' }, 'REQUIRED'],
  ])('rejects %s with an InputError and sends nothing', async (_name, input, code) => {
    const before = sent();
    const result = await resend(input);
    expect(result.__typename).toBe('InputError');
    expect(result.fieldErrors.map((error: { code: string }) => error.code)).toContain(code);
    expect(sent()).toEqual(before);
  });
});
