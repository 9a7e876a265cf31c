import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { RealtimeRegisterEndpoint } from '../../src/sandbox/realtime-register.js';
import { freePort } from './redis-server.js';

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

// A hang guard: tsx compiles src/ at every start, 17 s on a 2-core machine at load 16 (30 s failed tests there).
const READY_TIMEOUT_MS = 60_000;

/**
 * Gateways the test file started and that have not exited: killed once the file's tests are done, so a test that
 * fails before its own stop never leaves a gateway running (and loading the machine) after the run. Registered when
 * this module is first imported by a test file (each file imports its own copy: vitest isolates files).
 */
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Live mode spools to var/outbox by default, shared by every test: a live gateway gets its own directory instead. */
function ownSpool(env: Record<string, string>): Record<string, string> {
  let live = false;
  try {
    live = loadConfig(env).mode === 'live';
  } catch {
    // a configuration the test expects the gateway to refuse: nothing to spool
  }
  return live && !env.OUTBOX_SPOOL_DIR ? { OUTBOX_SPOOL_DIR: mkdtempSync(join(tmpdir(), 'vgw-test-spool-')) } : {};
}

/** Runs `node --import tsx src/main.ts` (the README's start command) on a free port and waits until it is ready. */
/** `waitFor`: the output that counts as started (default the ready line); another lets a test act while it starts. */
export async function startGatewayProcess(env: Record<string, string> = {}, waitFor: string = 'gateway ready'): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('../../', import.meta.url).pathname,
    env: { ...process.env, LOG_LEVEL: 'info', ...ownSpool(env), ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += String(chunk)));
  child.stderr!.on('data', (chunk) => (text += String(chunk)));
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    // Never leave an orphan behind: a gateway that does not say it is ready in time is killed.
    const giveUp = setTimeout(() => {
      clearInterval(check);
      child.kill('SIGKILL');
      reject(new Error(`gateway did not become ready within ${READY_TIMEOUT_MS} ms:\n${text}`));
    }, READY_TIMEOUT_MS);
    const check = setInterval(() => {
      if (text.includes(waitFor)) {
        clearInterval(check);
        clearTimeout(giveUp);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(check);
      clearTimeout(giveUp);
      reject(new Error(`gateway exited with ${code} before it was ready:\n${text}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => text, exited };
}

/** The variables that point a live-mode gateway process at a Realtime Register simulator. */
export function realtimeRegisterEnv(rtr: RealtimeRegisterEndpoint): Record<string, string> {
  return {
    REALTIME_REGISTER_API_KEY: rtr.apiKey,
    REALTIME_REGISTER_CUSTOMER: rtr.customer,
    REALTIME_REGISTER_BASE_URL: rtr.baseUrl,
    REALTIME_REGISTER_WEBHOOK_SECRET: rtr.webhookSecret,
  };
}
