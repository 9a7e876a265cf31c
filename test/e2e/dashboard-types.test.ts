import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_BUNDLE, bundleDashboard } from '../../scripts/build-dashboard.js';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe('the dashboard script', () => {
  it('typechecks against the browser DOM and the client package the codegen types', async () => {
    // src/dashboard/tsconfig.json: DOM lib, no Node types; a failure prints the errors.
    const result = await run(process.execPath, [tsc, '-p', 'src/dashboard'], { timeout: 80_000 }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  }, 90_000);

  it('is served as the bundle its sources build today (npm run build:dashboard refreshes it)', async () => {
    expect(readFileSync(DASHBOARD_BUNDLE, 'utf8') === (await bundleDashboard()), 'src/dashboard/dashboard.js is stale: run npm run build:dashboard').toBe(true);
  });
});
