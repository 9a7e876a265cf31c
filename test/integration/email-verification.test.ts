import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_REGISTRANT_EMAIL } from '../../src/sandbox/openprovider-seed.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const LIST_PATH = '/v1beta/customers/verifications/emails/domains';

const PAGE = /* GraphQL */ `
  query Page($filter: EmailVerificationFilter, $first: Int, $after: String) {
    emailVerifications(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id provider email handle domain status failureReason providerStatus suspended expiresAt lastNotifiedAt } }
    }
  }
`;

interface Row {
  id: string;
  provider: string;
  email: string;
  handle: string | null;
  domain: string | null;
  status: string;
  failureReason: string | null;
  providerStatus: string;
  suspended: boolean | null;
  expiresAt: string | null;
  lastNotifiedAt: string | null;
}

interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: Row }[];
}

let gw: TestGateway;

async function page(variables: Record<string, unknown>): Promise<Connection> {
  const reply = await gw.graphql<{ emailVerifications: Connection }>(PAGE, variables);
  expect(reply.errors).toBeUndefined();
  return reply.data!.emailVerifications;
}

async function pageAll(filter: Record<string, unknown>, first: number): Promise<{ rows: Row[]; totals: number[]; cursors: string[] }> {
  const rows: Row[] = [];
  const totals: number[] = [];
  const cursors: string[] = [];
  let after: string | null = null;
  for (;;) {
    const connection = await page({ filter, first, after });
    totals.push(connection.totalCount);
    rows.push(...connection.edges.map((edge) => edge.node));
    cursors.push(...connection.edges.map((edge) => edge.cursor));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return { rows, totals, cursors };
}

const sortKey = (row: Row) => [['DOMAIN_NAME_API', 'OPENPROVIDER'].indexOf(row.provider), row.email.toLowerCase(), row.domain ?? ''] as const;
function isSorted(rows: Row[]): boolean {
  return rows.every((row, index) => {
    if (index === 0) return true;
    const [a, b] = [sortKey(rows[index - 1]!), sortKey(row)];
    return a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] <= b[2])));
  });
}

beforeAll(async () => {
  gw = await startTestGateway({ env: { EMAIL_WATCH_INTERVAL_MS: '3600000' } });
});

afterAll(async () => {
  await gw.stop();
});

describe('emailVerifications', () => {
  it('pages through every pending Openprovider verification with first/after: no duplicates, stable totals, sorted', async () => {
    const sim = gw.sandbox!.openprovider;
    const expected = sim.rows.filter((row) => row.status === 'in progress').length;
    const { rows, totals, cursors } = await pageAll({ status: ['PENDING'] }, 37);
    expect(rows).toHaveLength(expected);
    expect(new Set(rows.map((row) => row.id)).size).toBe(expected);
    expect(new Set(totals)).toEqual(new Set([expected]));
    expect(rows.every((row) => row.provider === 'OPENPROVIDER' && row.status === 'PENDING' && row.providerStatus === 'in progress')).toBe(true);
    expect(rows.every((row) => row.expiresAt !== null && !Number.isNaN(Date.parse(row.expiresAt)))).toBe(true);
    expect(isSorted(rows)).toBe(true);

    // A cursor from the middle still points at the same place.
    const again = await page({ filter: { status: ['PENDING'] }, first: 5, after: cursors[99] });
    expect(again.edges.map((edge) => edge.node.id)).toEqual(rows.slice(100, 105).map((row) => row.id));
    expect(again.pageInfo.hasPreviousPage).toBe(true);
  });

  it('pages through the pending rows of both providers for an address both of them know', async () => {
    const { rows, totals } = await pageAll({ email: SHARED_REGISTRANT_EMAIL }, 1);
    const opRows = gw.sandbox!.openprovider.rowsOf(SHARED_REGISTRANT_EMAIL).length;
    expect(rows).toHaveLength(opRows + 1);
    expect(new Set(totals)).toEqual(new Set([opRows + 1]));
    expect(rows[0]).toMatchObject({ provider: 'DOMAIN_NAME_API', handle: 'DNA-1010', domain: null, suspended: null });
    expect(rows.slice(1).every((row) => row.provider === 'OPENPROVIDER' && row.handle === 'OP000012-NL')).toBe(true);
    expect(isSorted(rows)).toBe(true);
  });

  it('adds a Domain Name API row only when the filter names an email or handle', async () => {
    const byHandle = await page({ filter: { handle: 'DNA-1002' } });
    expect(byHandle.totalCount).toBe(1);
    expect(byHandle.edges[0]!.node).toMatchObject({ provider: 'DOMAIN_NAME_API', handle: 'DNA-1002', status: 'PENDING' });
    expect(byHandle.edges[0]!.node.expiresAt).toMatch(/Z$/);
    const unnamed = await page({ filter: { providers: ['DOMAIN_NAME_API'] } });
    expect(unnamed).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('filters by status and suspension upstream, several statuses merged into one order', async () => {
    const sim = gw.sandbox!.openprovider;
    const failedSuspended = await pageAll({ status: ['FAILED'], suspended: true }, 1000);
    expect(failedSuspended.rows).toHaveLength(sim.rows.filter((row) => row.status === 'failed' && row.is_suspended).length);
    expect(failedSuspended.rows.every((row) => row.status === 'FAILED' && row.suspended === true && row.failureReason !== null)).toBe(true);
    const statuses = sim.server.requests.filter((request) => request.path === LIST_PATH).map((request) => request.query);
    expect(statuses).toContainEqual(expect.objectContaining({ status: 'failed', is_suspended: 'true' }));

    const mixed = await pageAll({ status: ['NOT_VERIFIED', 'FAILED'] }, 1000);
    expect(mixed.rows).toHaveLength(sim.rows.filter((row) => row.status === 'not verified' || row.status === 'failed').length);
    expect(isSorted(mixed.rows)).toBe(true);
  });

  it('resolves Contact.emailVerifications and contact(provider, handle) for both providers', async () => {
    const reply = await gw.graphql<any>(/* GraphQL */ `
      {
        op: contact(provider: OPENPROVIDER, handle: "OP000012-NL") { handle email emailVerifications { provider domain handle } }
        dna: contact(provider: DOMAIN_NAME_API, handle: "DNA-1010") { handle email name emailVerifications { provider handle status } }
        missing: contact(provider: DOMAIN_NAME_API, handle: "DNA-9999") { handle }
      }
    `);
    expect(reply.errors).toBeUndefined();
    const { op, dna, missing } = reply.data;
    expect(op.email).toBe(SHARED_REGISTRANT_EMAIL);
    expect(op.emailVerifications).toHaveLength(gw.sandbox!.openprovider.rowsOf(SHARED_REGISTRANT_EMAIL).length);
    expect(op.emailVerifications.every((row: Row) => row.handle === 'OP000012-NL')).toBe(true);
    expect(dna).toMatchObject({ handle: 'DNA-1010', email: SHARED_REGISTRANT_EMAIL, emailVerifications: [{ provider: 'DOMAIN_NAME_API', handle: 'DNA-1010' }] });
    expect(missing).toBeNull();
  });

  it('finds a row again by its node id', async () => {
    const [row] = (await page({ filter: { handle: 'OP000002-NL' }, first: 1 })).edges.map((edge) => edge.node);
    const reply = await gw.graphql<any>(`query($id: ID!) { node(id: $id) { ... on EmailVerification { id email domain status } } }`, { id: row!.id });
    expect(reply.data.node).toMatchObject({ id: row!.id, email: row!.email, domain: row!.domain });
  });

  it.each([
    ['first above 1000', { first: 1001 }],
    ['a negative first', { first: -1 }],
    ['a forged cursor', { after: 'not-a-cursor' }],
    ['a cursor with a forged position', { after: Buffer.from(JSON.stringify({ v: 1, p: -5, f: 'x' })).toString('base64url') }],
  ])('rejects %s with BAD_USER_INPUT', async (_name, variables) => {
    const reply = await gw.graphql(PAGE, { filter: { status: ['PENDING'] }, ...variables });
    expect(reply.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rejects a cursor issued for another filter', async () => {
    const pending = await page({ filter: { status: ['PENDING'] }, first: 2 });
    const reply = await gw.graphql(PAGE, { filter: { status: ['VERIFIED'] }, first: 2, after: pending.pageInfo.endCursor });
    expect(reply.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('serves 1,000 identical queries (20 waves of 50) with a handful of upstream list calls at most', async () => {
    const sim = gw.sandbox!.openprovider;
    const before = sim.server.count(LIST_PATH);
    const variables = { filter: { status: ['VERIFIED'], suspended: false }, first: 20 };
    for (let wave = 0; wave < 20; wave++) {
      const replies = await Promise.all(Array.from({ length: 50 }, () => gw.graphql<{ emailVerifications: Connection }>(PAGE, variables)));
      for (const reply of replies) expect(reply.data?.emailVerifications.edges).toHaveLength(20);
    }
    expect(sim.server.count(LIST_PATH) - before).toBeLessThanOrEqual(5);
    expect(sim.blacklisted).toBe(false);
    expect(sim.logins).toBe(1);
    // A thousand GraphQL round trips on a shared two-core machine: generous, so only a hang fails it.
  }, 120_000);

  it('counts upstream calls of both providers in /metrics', async () => {
    const text = await fetch(`${gw.url}/metrics`).then((response) => response.text());
    expect(text).toContain('gateway_upstream_requests_total{provider="OPENPROVIDER"');
    expect(text).toContain('gateway_upstream_requests_total{provider="DOMAIN_NAME_API"');
  });
});
