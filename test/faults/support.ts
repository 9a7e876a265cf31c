import { expect } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FaultSpec } from '../../src/sandbox/faults.js';
import { assertRedisInstalled, freePort } from '../helpers/redis-server.js';

/** Shared by the fault suite: a seeded PRNG, a Redis that survives SIGKILL, response checks, waiting. */

/** The sandbox's seeded PRNG, to pick scenarios reproducibly. */
export { seededRandom as mulberry32 } from '../../src/sandbox/seeded-random.js';

/** Polls until check() is truthy (or throws after timeoutMs): a guard against hangs, not a timing assertion. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Waits until the gateway's /readyz says its Redis is `status` ('ok' once it reconnected, 'down' once it noticed the
 * loss): a gateway under load takes a while to see a kill or a restart, and a step that depends on it must wait.
 */
export async function untilRedisIs(gateway: { url: string }, status: 'ok' | 'down', timeoutMs = 10_000): Promise<void> {
  await eventually(async () => ((await (await fetch(`${gateway.url}/readyz`)).json()) as { redis?: string }).redis === status, timeoutMs, `redis ${status === 'ok' ? 'ready' : 'down'}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Every extensions.code a client may see on a query or mutation (DESIGN.md "Errors"), besides request-shape codes, plus
 * SERVICE_UNAVAILABLE for reads of the gateway's own store while Redis is away and EVENTS_TRIMMED for an event `after`
 * older than the log keeps. INTERNAL_SERVER_ERROR is not here: it means a bug.
 */
export const ALLOWED_CODES = new Set([
  'SERVICE_UNAVAILABLE',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PROVIDER_DISABLED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_ERROR',
  'RATE_LIMITED',
  'EVENTS_TRIMMED',
]);

/** Codes a subscription may end with (its last item) besides the above. */
export const SUBSCRIPTION_CODES = new Set([...ALLOWED_CODES, 'SUBSCRIBER_FELL_BEHIND', 'EVENT_LOG_UNAVAILABLE']);

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/**
 * Why a response is not well formed, or null when it is: valid JSON, an object with `data` or `errors`, every error
 * with a message and an allowed extensions.code (a provider error names its provider).
 */
export function malformedReason(status: number, text: string, allowed: Set<string> = ALLOWED_CODES): string | null {
  let body: GraphQLBody;
  try {
    body = JSON.parse(text) as GraphQLBody;
  } catch {
    return `HTTP ${status}: not JSON: ${text.slice(0, 200)}`;
  }
  if (typeof body !== 'object' || body === null || !('data' in body || 'errors' in body)) return `HTTP ${status}: neither data nor errors: ${text.slice(0, 200)}`;
  for (const error of body.errors ?? []) {
    const code = error.extensions?.code;
    if (typeof error.message !== 'string') return `HTTP ${status}: an error without a message: ${JSON.stringify(error)}`;
    if (typeof code !== 'string' || !allowed.has(code)) return `HTTP ${status}: code ${String(code)}: ${JSON.stringify(error).slice(0, 300)}`;
    if (code.startsWith('PROVIDER_') && typeof error.extensions?.provider !== 'string') return `HTTP ${status}: provider error without a provider: ${JSON.stringify(error)}`;
  }
  return null;
}

/** POSTs one GraphQL operation; returns status, raw text and the parsed body (null when it is not JSON). */
export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<{ status: number; text: string; body: GraphQLBody | null }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...options.headers },
    body: JSON.stringify({ query, variables }),
    signal: options.signal,
  });
  const text = await response.text();
  let body: GraphQLBody | null = null;
  try {
    body = JSON.parse(text) as GraphQLBody;
  } catch {
    body = null;
  }
  return { status: response.status, text, body };
}

/** Sets a simulator's faults over its HTTP control endpoint, as an operator (or a test of another process) would. */
export async function setFaultsOverHttp(simulatorUrl: string, faults: FaultSpec): Promise<void> {
  const response = await fetch(`${simulatorUrl}/__control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (response.status !== 200) throw new Error(`setting faults failed: HTTP ${response.status} ${await response.text()}`);
}

const execFileAsync = promisify(execFile);

/**
 * A private redis-server that keeps what it acknowledged across SIGKILL: append-only file with fsync on every write
 * (`appendfsync always`), the setting under which a Redis crash loses no acknowledged write. restart() starts it again
 * on the same port and directory, so the data comes back, as with a production Redis that crashed and was restarted.
 * With `persistence: 'none'` (no AOF, no snapshots: the default of many installs) a restart comes back empty; with
 * `'snapshot'` (RDB only) it comes back as of the last snapshot.
 */
export interface DurableRedis {
  url: string;
  port: number;
  kill(): Promise<void>;
  /** SIGKILL, then start again on the same port; `empty` first deletes the data directory's files (a new disk). */
  restart(options?: { empty?: boolean }): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing (a frozen VM, a long fork, a GC-paused host). */
  pause(): void;
  /** SIGCONT after pause(): it answers everything it was sent meanwhile. */
  resume(): void;
  stop(): Promise<void>;
}

export async function startDurableRedis(options: { persistence?: 'aof' | 'none' | 'snapshot' } = {}): Promise<DurableRedis> {
  // Without redis-server the spawn below fails with an unhandled ENOENT after a 10 s wait: say what to install at once.
  assertRedisInstalled();
  // 'snapshot': RDB only, with a rule that never fires within a test, so what is on disk is the last explicit SAVE.
  const persistence = {
    aof: ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
    none: ['--appendonly', 'no', '--save', ''],
    snapshot: ['--appendonly', 'no', '--save', '3600 1'],
  }[options.persistence ?? 'aof'];
  const dir = await mkdtemp(join(tmpdir(), 'vgw-faults-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (): Promise<void> => {
    let output = '';
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    started.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
    started.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
    let gone = false;
    exited = new Promise((resolve) => started.once('exit', () => ((gone = true), resolve())));
    child = started;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (gone) throw new Error(`redis-server exited during start-up:\n${output}`);
      const answer = await execFileAsync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { timeout: 2_000 }).then(
        ({ stdout }) => stdout.trim(),
        () => '',
      );
      if (answer === 'PONG') return;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer PING within 10 s:\n${output}`);
      await sleep(25);
    }
  };
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    // A paused server must be woken to act on anything but SIGKILL.
    if (name !== 'SIGKILL') (child as ChildProcess | null)?.kill('SIGCONT');
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(name);
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => signal('SIGKILL'),
    async restart(restartOptions = {}) {
      await signal('SIGKILL');
      if (restartOptions.empty) {
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
      }
      await launch();
    },
    pause() {
      (child as ChildProcess | null)?.kill('SIGSTOP');
    },
    resume() {
      (child as ChildProcess | null)?.kill('SIGCONT');
    },
    async stop() {
      await signal('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

/** A gauge or counter value from a Prometheus text exposition, e.g. nodejs_heap_size_used_bytes. */
export function metricValue(text: string, name: string): number | null {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
  if (!line) return null;
  const value = Number(line.slice(line.lastIndexOf(' ') + 1));
  return Number.isFinite(value) ? value : null;
}

/** A registry-check person the Veriff simulator approves (its ID number ends in 0). */
export const PERSON = { idNumber: '39912310120', firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08' };

/** Evidence covering NAME and ADDRESS for submitContactVerification, with an external id naming the handle. */
export const evidence = (handle: string) => ({
  handle,
  verifications: [{ verifiedAt: '2026-04-16T00:00:00Z', externalId: `kyc-${handle}`, method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] }],
});

/**
 * The Realtime Register simulator settings of the fault tests that count notifications: no seeded DENIC requests, and
 * a webhook delivery retried `attempts` times `delayMs` apart, so a delivery refused while the gateway or Redis is away
 * arrives once they are back.
 */
export function persistentWebhooks(attempts: number, delayMs: number) {
  return { webhookRetryDelaysMs: Array.from({ length: attempts }, () => delayMs), seedDenicRequests: 0 };
}

/** Evidence sent with the answer's eventPending (the outbox tests: was the event stored, or kept to store later?). */
export const SUBMIT = `mutation($input: SubmitContactVerificationInput!) {
  submitContactVerification(input: $input) { __typename ... on SubmitContactVerificationSuccess { eventPending } }
}`;

/** Every stored VERIFICATION_SUBMITTED event's contact handle (counted per handle: exactly once each). */
export const SUBMITTED = `{ verificationEvents(first: 1000, filter: { types: [VERIFICATION_SUBMITTED] }) {
  edges { node { ... on VerificationSubmittedEvent { contactHandle } } }
} }`;

/** Sandbox Realtime Register handle number n (rtr-0001 ...). */
export const rtrHandle = (n: number) => `rtr-${String(n).padStart(4, '0')}`;

/**
 * The counts of storedNotificationCounts once every one of `ids` is stored (after a loss: once the re-read brought
 * them all back), so the caller can check that each is there exactly once.
 */
export function countsOnceAllStored(read: () => Promise<Map<string, number>>, ids: readonly string[], timeoutMs = 20_000): Promise<Map<string, number>> {
  return eventually(async () => {
    const counts = await read();
    return ids.every((id) => counts.has(id)) ? counts : null;
  }, timeoutMs, 'notifications re-read');
}

const NOTIFICATION_EVENTS = `{ verificationEvents(first: 1000) { edges { node { ... on ProviderNotificationEvent { notificationId } } } } }`;

/** How many times each provider notification is in a gateway's event log (more than once would be a duplicate). */
export async function storedNotificationCounts(gateway: { graphql: (query: string) => Promise<any> }): Promise<Map<string, number>> {
  const reply = await gateway.graphql(NOTIFICATION_EVENTS);
  expect(reply.errors).toBeUndefined();
  const counts = new Map<string, number>();
  for (const { node } of reply.data.verificationEvents.edges as { node: { notificationId?: string } }[]) {
    if (node.notificationId) counts.set(node.notificationId, (counts.get(node.notificationId) ?? 0) + 1);
  }
  return counts;
}

