import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe('the dashboard script', () => {
  it('typechecks (// @ts-check, JSDoc) against the operation types codegen generates', async () => {
    // src/dashboard/tsconfig.json: allowJs + checkJs over src/dashboard/*.js; a failure prints the errors.
    const result = await run(process.execPath, [tsc, '-p', 'src/dashboard'], { timeout: 80_000 }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  }, 90_000);
});
