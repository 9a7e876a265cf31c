import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { freePort } from './redis-server.js';

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

const READY_TIMEOUT_MS = 30_000;

/** Runs `node --import tsx src/main.ts` (the README's start command) on a free port and waits until it is ready. */
export async function startGatewayProcess(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('../../', import.meta.url).pathname,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += String(chunk)));
  child.stderr!.on('data', (chunk) => (text += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    // Never leave an orphan behind: a gateway that does not say it is ready in time is killed.
    const giveUp = setTimeout(() => {
      clearInterval(check);
      child.kill('SIGKILL');
      reject(new Error(`gateway did not become ready within ${READY_TIMEOUT_MS} ms:\n${text}`));
    }, READY_TIMEOUT_MS);
    const check = setInterval(() => {
      if (text.includes('gateway ready')) {
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
