import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { freePort, ROOT } from './server-process.js';

/**
 * Start-up time to ready in sandbox mode: from spawning the process to the first 200 from /readyz (polled every
 * 10 ms), for each way the gateway can be started: `npm start` as a user runs it, the TypeScript entry through tsx,
 * and the compiled entry when a build exists (the bundle dist/src/main.js, or dist/main.js of older builds). Sandbox mode: every provider variable
 * and REDIS_URL removed from the environment, so the simulators start in-process as on a fresh clone.
 */

export interface StartupVariant {
  name: string;
  command: string;
  /** Milliseconds to ready, one per run. */
  runsMs: number[];
  medianMs: number;
  /** Why it was not measured (e.g. no build). */
  skipped?: string;
}

const PROVIDER_VARIABLE = /^(REALTIME_REGISTER_|OPENPROVIDER_|DOMAIN_NAME_API_|VERIFF_|GATEWAY_API_KEYS|GATEWAY_JWT|GATEWAY_JWKS|REDIS_URL)/;

function sandboxEnv(port: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !PROVIDER_VARIABLE.test(name)) env[name] = value;
  return { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
}

/** One start: spawn in its own process group (npm runs the script through a shell), poll /readyz, stop the group. */
async function timeOne(command: string, args: string[], timeoutMs: number): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env: sandboxEnv(port), stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    while (performance.now() - started < timeoutMs) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}:\n${stderr}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        await response.arrayBuffer();
        if (response.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`${command} ${args.join(' ')} was not ready within ${timeoutMs} ms:\n${stderr}`);
  } finally {
    // The whole group: `npm start` leaves node behind when only npm is signalled (STACK.md pitfall 10).
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
  }
}

/** Where a build puts the entry point: scripts/build.mjs's bundle (dist/src/main.js), or dist/main.js (rootDir "src"). */
const COMPILED_ENTRIES = ['dist/src/main.js', 'dist/main.js'];

export async function startupBench(runs: number, log: (line: string) => void): Promise<StartupVariant[]> {
  const compiled = COMPILED_ENTRIES.find((entry) => existsSync(`${ROOT}${entry}`)) ?? COMPILED_ENTRIES[0]!;
  const variants: { name: string; command: string; file: string | null; argv: [string, string[]] }[] = [
    { name: 'npm start', command: 'npm start', file: null, argv: [process.platform === 'win32' ? 'npm.cmd' : 'npm', ['start', '--silent']] },
    { name: 'TypeScript through tsx', command: 'node --import tsx src/main.ts', file: 'src/main.ts', argv: [process.execPath, ['--import', 'tsx', 'src/main.ts']] },
    { name: 'compiled JavaScript', command: `node ${compiled}`, file: compiled, argv: [process.execPath, [compiled]] },
  ];
  const results: StartupVariant[] = [];
  for (const variant of variants) {
    if (variant.file && !existsSync(`${ROOT}${variant.file}`)) {
      results.push({ name: variant.name, command: variant.command, runsMs: [], medianMs: NaN, skipped: `no ${COMPILED_ENTRIES.join(' or ')} (no build)` });
      continue;
    }
    log(`start-up: ${variant.command} (${runs} runs)`);
    const runsMs: number[] = [];
    for (let run = 0; run < runs; run++) runsMs.push(await timeOne(variant.argv[0], variant.argv[1], 60_000));
    const sorted = [...runsMs].sort((a, b) => a - b);
    results.push({ name: variant.name, command: variant.command, runsMs, medianMs: sorted[Math.floor(sorted.length / 2)]! });
  }
  return results;
}
