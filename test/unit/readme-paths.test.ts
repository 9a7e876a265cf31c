import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The README sends readers to files by name (`src/server/sse-route.ts`, `test/unit/linear-regex.test.ts`, links to
 * docs/): a file renamed or removed leaves a pointer to nothing. dist/ is built, not committed, so it is left out.
 */
const ROOT = new URL('../../', import.meta.url);
const README = readFileSync(new URL('README.md', ROOT), 'utf8');

function namedPaths(): string[] {
  const backticked = [...README.matchAll(/`((?:src|test|scripts|bench|client|examples|docs|contract)\/[A-Za-z0-9_./-]+)`/g)].map((match) => match[1]!);
  const linked = [...README.matchAll(/\]\(([^)#:]+)\)|src="([^"]+)"/g)].map((match) => (match[1] ?? match[2])!);
  return [...new Set([...backticked, ...linked])];
}

describe('the paths the README names', () => {
  it('exist in the repository', () => {
    const paths = namedPaths();
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((path) => !existsSync(new URL(path, ROOT)))).toEqual([]);
  });
});
