import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenproviderSimulator } from '../../src/sandbox/openprovider.js';
import { REDIS_SERVER_MISSING } from '../helpers/redis-server.js';

/** What a new user meets on a fresh clone: the README's numbers, a taken port, a machine without redis-server. */
const ROOT = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

/** Runs `node --import tsx src/main.ts` (the README's start command) until it exits; its output and exit code. */
function runGateway(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    // A gateway that started after all must not outlive the test.
    const guard = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

describe('a taken port', () => {
  let occupier: Server;
  let port: number;

  beforeAll(async () => {
    occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
    port = (occupier.address() as { port: number }).port;
  });

  afterAll(() => new Promise<void>((resolve) => occupier.close(() => resolve())));

  it('stops the gateway with one line that names PORT, no stack trace and no WebSocket error', async () => {
    const { code, output } = await runGateway({ PORT: String(port), HOST: '127.0.0.1' });
    expect(code).toBe(1);
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toEqual([`Could not start: port ${port} is already in use on 127.0.0.1 (PORT=${port}): stop what listens there or set PORT to a free port.`]);
  }, 60_000);
});

describe('a HOST that names no address', () => {
  it('stops the gateway with one line that names HOST, no stack trace', async () => {
    // .invalid never resolves (RFC 6761): the lookup fails at once, online or off.
    const { code, output } = await runGateway({ PORT: '0', HOST: 'gateway-host.invalid' });
    expect(code).toBe(1);
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toEqual(['Could not start: HOST=gateway-host.invalid is not an address of this machine nor a name it can resolve: use 127.0.0.1, 0.0.0.0 or one of its addresses.']);
  }, 60_000);
});

describe('a SANDBOX_FAULTS with a typo', () => {
  it('stops the gateway with one configuration line naming the fault, exit code 2, no stack trace', async () => {
    const { code, output } = await runGateway({ PORT: '0', SANDBOX_FAULTS: '{"OPENPROVIDER":{"errorRat":1}}' });
    expect(code).toBe(2);
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toEqual([
      'Configuration error: SANDBOX_FAULTS: OPENPROVIDER.errorRat is not a fault (known: errorRate, timeoutRate, resetRate, malformedRate, latencyMs, status, retryAfterSeconds, malformed, outage, failFirst, seed)',
    ]);
  }, 60_000);
});

describe('an OUTBOX_SPOOL_DIR the gateway cannot use', () => {
  it('stops the gateway with one line naming OUTBOX_SPOOL_DIR, no stack trace, rather than running without its spool', async () => {
    const dir = `${ROOT}package.json/outbox`;
    // The spool serves a Redis store only; this one is never reached, the check comes first.
    const { code, output } = await runGateway({ PORT: '0', OUTBOX_SPOOL_DIR: dir, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(code).toBe(1);
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toEqual([
      `Could not start: OUTBOX_SPOOL_DIR=${dir} cannot be used (ENOTDIR): set it to a directory the gateway may create and write, on a volume that outlives the container.`,
    ]);
  }, 60_000);
});

/**
 * Runs a test helper's start (`call`, a promise expression) in a child with these variables changed; null when it
 * started, else how the child failed: exit code 3 and the helper's error message on stdout.
 */
function helperFailure(call: string, env: Record<string, string>): Promise<{ code?: number; stdout?: string } | null> {
  const script = `${call}.then(() => process.exit(0), (error) => { console.log(error.message); process.exit(3); });`;
  return run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30_000 }).then(
    () => null,
    (error: { code?: number; stdout?: string }) => error,
  );
}

describe('a machine without redis-server', () => {
  it('fails the Redis tests at once with a message saying what to install', async () => {
    // The helper run in a child whose PATH has no redis-server (node itself is named by its full path).
    const failure = await helperFailure("import('./test/helpers/redis-server.ts').then((m) => m.startRedisServer())", { PATH: '/nonexistent' });
    expect(failure?.code).toBe(3);
    expect(failure?.stdout?.trim()).toBe(REDIS_SERVER_MISSING);
  }, 40_000);

  it("fails the fault tests' durable Redis at once with the same message", async () => {
    const failure = await helperFailure("import('./test/faults/support.ts').then((m) => m.startDurableRedis())", { PATH: '/nonexistent' });
    expect(failure?.code).toBe(3);
    expect(failure?.stdout?.trim()).toBe(REDIS_SERVER_MISSING);
  }, 40_000);
});

describe('a machine without chromium', () => {
  it('fails the browser tests at once with a message saying what to install', async () => {
    const failure = await helperFailure("import('./test/helpers/chromium.ts').then((m) => m.launchChromium())", { CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(failure?.code).toBe(3);
    expect(failure?.stdout?.trim()).toBe(
      'chromium is not at /nonexistent/chromium: the browser tests need Debian\'s chromium. Install it (apt-get install -y chromium) or run .ci/run, which installs it; CHROMIUM_PATH names another build.',
    );
  }, 40_000);
});

describe("the README's sandbox seed numbers", () => {
  let openprovider: OpenproviderSimulator;

  beforeAll(async () => {
    // The sandbox's own Openprovider simulator, seeded as `npm start` seeds it (seed 1).
    openprovider = new OpenproviderSimulator({ seed: 1, gatewayUrl: () => null, log: () => {} });
    await openprovider.start();
  });

  afterAll(() => openprovider?.stop());

  it('match how many Openprovider email-verification rows the simulator serves, and how many are in progress', async () => {
    const { baseUrl, username, password } = openprovider.endpoint();
    const login = await fetch(`${baseUrl}/v1beta/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const token = ((await login.json()) as { data: { token: string } }).data.token;
    const total = async (filter: string) => {
      const response = await fetch(`${baseUrl}/v1beta/customers/verifications/emails/domains?limit=0${filter}`, { headers: { authorization: `Bearer ${token}` } });
      return ((await response.json()) as { data: { total: number } }).data.total;
    };
    const served = { rows: await total(''), inProgress: await total('&status=in%20progress') };

    const readme = readFileSync(new URL('README.md', `file://${ROOT}`), 'utf8');
    const claim = /(\d[\d,]*) email-verification rows, (\d[\d,]*) "in progress"/.exec(readme);
    expect(claim, 'the README states the Openprovider seed as "N email-verification rows, N \\"in progress\\""').not.toBeNull();
    const number = (text: string) => Number(text.replace(/,/g, ''));
    expect({ rows: number(claim![1]!), inProgress: number(claim![2]!) }).toEqual(served);
  });
});
