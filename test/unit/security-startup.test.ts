import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The real CLI (src/main.ts) as an operator starts it: refusal in live mode without keys, a loud open sandbox. */
function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('starting the gateway', () => {
  it('refuses live mode without keys: one line naming GATEWAY_API_KEYS, exit code 2', async () => {
    const main = startMain({ OPENPROVIDER_USERNAME: 'live-user', OPENPROVIDER_PASSWORD: 'live-password-secret' });
    expect(await main.exited).toBe(2);
    const { stderr } = main.output();
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^Configuration error: GATEWAY_API_KEYS: live mode/);
    expect(stderr).not.toContain('live-password-secret');
  });

  it('says the sandbox is open in its log when no keys are configured', async () => {
    const main = startMain({});
    try {
      const deadline = Date.now() + 50_000;
      while (!main.output().stdout.includes('sandbox is OPEN') && Date.now() < deadline) {
        if (main.child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const warning = main.output().stdout.split('\n').filter((line) => line.includes('sandbox is OPEN')).map((line) => JSON.parse(line));
      expect(warning).toHaveLength(1);
      expect(warning[0].level).toBe(40);
    } finally {
      main.child.kill('SIGTERM');
      await main.exited;
    }
  });
});
