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

/** Reads each simulator served, without the background work (notification queue, Openprovider login). */
function upstreamCalls(sandbox: Sandbox): Calls {
  return {
    REALTIME_REGISTER: sandbox.realtimeRegister.server.requests.filter((request) => request.path.includes('/contacts')).length,
    OPENPROVIDER: sandbox.openprovider.server.requests.filter((request) => !request.path.endsWith('/auth/login')).length,
    DOMAIN_NAME_API: sandbox.domainNameApi.server.requests.length,
    VERIFF: sandbox.veriff.count(),
  };
}

function minus(after: Calls, before: Calls): Calls {
  return Object.fromEntries(Object.entries(after).map(([provider, count]) => [provider, count - before[provider as CountedProvider]])) as Calls;
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

const HANDLES: Record<'REALTIME_REGISTER' | 'OPENPROVIDER' | 'DOMAIN_NAME_API', { seeded: number; handle: (index: number) => string }> = {
  REALTIME_REGISTER: { seeded: 1000, handle: (index) => `rtr-${String(index).padStart(4, '0')}` },
  OPENPROVIDER: { seeded: 1000, handle: (index) => `OP${String(index).padStart(6, '0')}-NL` },
  DOMAIN_NAME_API: { seeded: 200, handle: (index) => `DNA-${1000 + index}` },
};

export interface DashboardRow {
  provider: string;
  n: number;
  found: number;
  cold: Calls;
  warm: Calls;
  coldMs: number;
  warmMs: number;
  target: number;
}

export async function dashboardBench(settings: { upstreamLatencyMs: number; dashboardSizes: number[] }, log: (line: string) => void): Promise<DashboardRow[]> {
  let url: string | null = null;
  const sandbox = await startBenchSandbox({ faults: settings.upstreamLatencyMs ? { latencyMs: settings.upstreamLatencyMs } : {}, gatewayUrl: () => url });
  const rows: DashboardRow[] = [];
  try {
    for (const provider of Object.keys(HANDLES) as (keyof typeof HANDLES)[]) {
      for (const n of settings.dashboardSizes) {
        if (n > HANDLES[provider].seeded) continue;
        // A fresh gateway per row: an empty cache, so "cold" is cold.
        const gateway = createGateway({ ...loadConfig(GATEWAY_ENV), port: 0 }, { logger: silentLogger(), sandbox: { existing: sandbox } });
        await gateway.start();
        url = gateway.url;
        const query = async (handles: string[]) => {
          const started = performance.now();
          const response = await fetch(`${gateway.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: DASHBOARD, variables: { provider, handles } }),
          });
          const body = (await response.json()) as { data?: { contacts: unknown[] }; errors?: { message: string }[] };
          if (body.errors?.length) throw new Error(`dashboard query failed: ${body.errors[0]!.message}`);
          return { ms: performance.now() - started, found: body.data!.contacts.filter(Boolean).length };
        };
        // Openprovider logs in once per gateway (a cached bearer token): done before counting.
        if (provider === 'OPENPROVIDER') await query(['OP999999-NL']);
        await quiesce(sandbox);
        const handles = Array.from({ length: n }, (_, index) => HANDLES[provider].handle(index + 1));
        const before = upstreamCalls(sandbox);
        const cold = await query(handles);
        const middle = upstreamCalls(sandbox);
        const warm = await query(handles);
        const after = upstreamCalls(sandbox);
        await gateway.stop();
        const row = { provider, n, found: cold.found, cold: minus(middle, before), warm: minus(after, middle), coldMs: cold.ms, warmMs: warm.ms, target: Math.ceil(n / 100) };
        rows.push(row);
        log(`dashboard ${provider} N=${n}: cold ${JSON.stringify(row.cold)} warm ${JSON.stringify(row.warm)}`);
      }
    }
  } finally {
    await sandbox.stop();
  }
  return rows;
}
