import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { createGateway } from '../src/gateway.js';
import { silentLogger } from '../src/observability/logger.js';
import type { Sandbox } from '../src/sandbox/index.js';
import { GATEWAY_ENV } from './bench-servers.js';
import { startBenchSandbox } from './sandbox.js';

/**
 * Benchmark 1, upstream calls and time for one dashboard query of N contacts, cold (a fresh gateway, empty cache)
 * and warm, counted at the simulators per provider. Runs in the orchestrator's process (see bench/README.md).
 */

const DASHBOARD = `query Dashboard($provider: Provider!, $handles: [String!]!) {
  contacts(provider: $provider, handles: $handles) {
    id handle name email country
    emailVerifications { id email domain status }
    verificationRequests { id status claims deDelegationDeadline }
  }
}`;

export type CountedProvider = 'REALTIME_REGISTER' | 'OPENPROVIDER' | 'DOMAIN_NAME_API' | 'VERIFF';
export type Calls = Record<CountedProvider, number>;

/** Openprovider's reads apart: the customer list, GetCustomer, the email-verification list. */
export interface OpenproviderCalls {
  customerList: number;
  getCustomer: number;
  verificationList: number;
}

/** The gateway's default UPSTREAM_CALLS_PER_REQUEST (src/config.ts). */
const DEFAULT_BUDGET = 100;

/** Reads each simulator served, without the background work (notification queue, Openprovider login). */
function upstreamCalls(sandbox: Sandbox): Calls {
  return {
    REALTIME_REGISTER: sandbox.realtimeRegister.server.requests.filter((request) => request.path.includes('/contacts')).length,
    OPENPROVIDER: sandbox.openprovider.server.requests.filter((request) => !request.path.endsWith('/auth/login')).length,
    DOMAIN_NAME_API: sandbox.domainNameApi.server.requests.length,
    VERIFF: sandbox.veriff.count(),
  };
}

function openproviderCalls(sandbox: Sandbox): OpenproviderCalls {
  const paths = sandbox.openprovider.server.requests.map((request) => request.path);
  return {
    customerList: paths.filter((path) => path === '/v1beta/customers').length,
    getCustomer: paths.filter((path) => /^\/v1beta\/customers\/(?!verifications\/)[^/]+$/.test(path)).length,
    verificationList: paths.filter((path) => path === '/v1beta/customers/verifications/emails/domains').length,
  };
}

function minus<T extends Calls | OpenproviderCalls>(after: T, before: T): T {
  const earlier = before as unknown as Record<string, number>;
  return Object.fromEntries(Object.entries(after as unknown as Record<string, number>).map(([key, count]) => [key, count - earlier[key]!])) as unknown as T;
}

function totalRequests(sandbox: Sandbox): number {
  return [sandbox.realtimeRegister, sandbox.openprovider, sandbox.domainNameApi].reduce((sum, simulator) => sum + simulator.server.requests.length, 0) + sandbox.veriff.count();
}

/** Waits until no simulator has seen a request for quietMs (start-up work of a fresh gateway is done). */
async function quiesce(sandbox: Sandbox, quietMs = 300): Promise<void> {
  let last = totalRequests(sandbox);
  let quietSince = performance.now();
  while (performance.now() - quietSince < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = totalRequests(sandbox);
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    }
  }
}

/**
 * Cold calls of one Openprovider read (the customers, or the email-verification rows) under the gateway's plan
 * (src/services/openprovider-customer-reads.ts, list-plan.ts) with nothing remembered: one handle, one lookup; more,
 * the list's first page, then the rest of the list where it is cheaper (at most 20 pages), else one lookup per handle.
 */
export function openproviderReadCalls(n: number, listRows: number): number {
  if (n === 1) return 1;
  const pages = Math.max(1, Math.ceil(listRows / 1000));
  return pages <= 20 ? Math.min(pages, n + 1) : n + 1;
}

interface Scenario {
  label: string;
  provider: 'REALTIME_REGISTER' | 'OPENPROVIDER' | 'DOMAIN_NAME_API';
  /** A reseller with more Openprovider customers than the dashboard shows: its own simulators. */
  openproviderCustomers?: number;
  seeded: number;
  handle: (index: number) => string;
  /** The cold calls the target allows, and how it reads. */
  target: (n: number, sandbox: Sandbox) => { calls: number; text: string };
}

const opHandle = (index: number) => `OP${String(index).padStart(6, '0')}-NL`;
const openproviderTarget = (n: number, sandbox: Sandbox) => {
  const calls = openproviderReadCalls(n, sandbox.openprovider.customers.size) + openproviderReadCalls(n, sandbox.openprovider.rows.length);
  return { calls, text: `≤ ${calls} (plan)` };
};

const SCENARIOS: Scenario[] = [
  {
    label: 'Realtime Register',
    provider: 'REALTIME_REGISTER',
    seeded: 1000,
    handle: (index) => `rtr-${String(index).padStart(4, '0')}`,
    target: (n) => ({ calls: Math.ceil(n / 100), text: `≤ ${Math.ceil(n / 100)}` }),
  },
  { label: 'Openprovider, 1,000 customers', provider: 'OPENPROVIDER', seeded: 1000, handle: opHandle, target: openproviderTarget },
  { label: 'Openprovider, 5,000 customers', provider: 'OPENPROVIDER', openproviderCustomers: 5000, seeded: 5000, handle: opHandle, target: openproviderTarget },
  {
    label: 'Domain Name API',
    provider: 'DOMAIN_NAME_API',
    seeded: 1000,
    handle: (index) => `DNA-${1000 + index}`,
    // No list call: one GetDetails per contact (it carries the contact's email verification too).
    target: (n) => ({ calls: n, text: `≤ ${n} (no list call)` }),
  },
];

export interface DashboardRow {
  provider: string;
  /** Which simulators: e.g. "Openprovider, 5,000 customers". */
  scenario: string;
  n: number;
  found: number;
  cold: Calls;
  warm: Calls;
  coldMs: number;
  warmMs: number;
  /** The cold calls the target allows (warm: 0). */
  target: number;
  targetText: string;
  /** UPSTREAM_CALLS_PER_REQUEST of the row's gateway: the default, or raised to N to measure what the default refuses. */
  budget: number;
  /** Openprovider rows: the cold calls by read. */
  openprovider?: OpenproviderCalls;
  /** The gateway's first error (code: message), e.g. a QUERY_TOO_COSTLY refusal of the whole query. */
  error?: string;
}

type Settings = { upstreamLatencyMs: number; dashboardSizes: number[] };

export async function dashboardBench(settings: Settings, log: (line: string) => void): Promise<DashboardRow[]> {
  let url: string | null = null;
  const faults = settings.upstreamLatencyMs ? { latencyMs: settings.upstreamLatencyMs } : {};
  const standard = await startBenchSandbox({ faults, gatewayUrl: () => url });
  const rows: DashboardRow[] = [];
  try {
    for (const scenario of SCENARIOS) {
      const sandbox = scenario.openproviderCustomers
        ? await startBenchSandbox({ faults, gatewayUrl: () => url, openproviderHandles: scenario.openproviderCustomers })
        : standard;
      try {
        for (const n of settings.dashboardSizes) {
          if (n > scenario.seeded) continue;
          const row = await dashboardRow(scenario, n, DEFAULT_BUDGET, sandbox, (gatewayUrl) => (url = gatewayUrl));
          rows.push(row);
          log(`dashboard ${scenario.label} N=${n}: ${row.error ? `error (${row.error})` : `cold ${JSON.stringify(row.cold)} warm ${JSON.stringify(row.warm)}`}`);
          if (row.error && n > DEFAULT_BUDGET) {
            // What the default budget refuses, measured with the budget an operator would have to set for it.
            const raised = await dashboardRow(scenario, n, n, sandbox, (gatewayUrl) => (url = gatewayUrl));
            rows.push(raised);
            log(`dashboard ${scenario.label} N=${n}, UPSTREAM_CALLS_PER_REQUEST=${n}: cold ${JSON.stringify(raised.cold)} warm ${JSON.stringify(raised.warm)}`);
          }
        }
      } finally {
        if (sandbox !== standard) await sandbox.stop();
      }
    }
  } finally {
    await standard.stop();
  }
  return rows;
}

async function dashboardRow(scenario: Scenario, n: number, budget: number, sandbox: Sandbox, listening: (url: string) => void): Promise<DashboardRow> {
  // A fresh gateway per row: an empty cache, so "cold" is cold.
  const env = { ...GATEWAY_ENV, UPSTREAM_CALLS_PER_REQUEST: String(budget) };
  const gateway = createGateway({ ...loadConfig(env), port: 0 }, { logger: silentLogger(), sandbox: { existing: sandbox } });
  await gateway.start();
  listening(gateway.url);
  try {
    const query = async (handles: string[]) => {
      const started = performance.now();
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: DASHBOARD, variables: { provider: scenario.provider, handles } }),
      });
      const body = (await response.json()) as { data?: { contacts: unknown[] } | null; errors?: { message: string; extensions?: { code?: string } }[] };
      const ms = performance.now() - started;
      const error = body.errors?.[0];
      return { ms, found: body.data?.contacts.filter(Boolean).length ?? 0, error: error ? `${error.extensions?.code ?? 'ERROR'}: ${error.message}` : null };
    };
    // Openprovider logs in once per gateway (a cached bearer token): done before counting.
    if (scenario.provider === 'OPENPROVIDER') await query(['OP999999-NL']);
    await quiesce(sandbox);
    const handles = Array.from({ length: n }, (_, index) => scenario.handle(index + 1));
    const before = upstreamCalls(sandbox);
    const opBefore = openproviderCalls(sandbox);
    const cold = await query(handles);
    const middle = upstreamCalls(sandbox);
    const opMiddle = openproviderCalls(sandbox);
    const warm = await query(handles);
    const after = upstreamCalls(sandbox);
    const target = scenario.target(n, sandbox);
    return {
      provider: scenario.provider,
      scenario: scenario.label,
      n,
      found: cold.found,
      cold: minus(middle, before),
      warm: minus(after, middle),
      coldMs: cold.ms,
      warmMs: warm.ms,
      target: target.calls,
      targetText: target.text,
      budget,
      ...(scenario.provider === 'OPENPROVIDER' ? { openprovider: minus(opMiddle, opBefore) } : {}),
      ...(cold.error ? { error: cold.error } : {}),
    };
  } finally {
    await gateway.stop();
  }
}
