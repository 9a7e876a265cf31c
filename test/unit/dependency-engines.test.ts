import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * `npm install` prints EBADENGINE for every installed package whose `engines.node` excludes the running Node. The
 * gateway's own `engines.node` is the promise to users ("runs on this Node"): every package the lock installs must
 * accept the oldest Node that promise admits, or a user on that Node meets the warnings (and, for undici, a runtime
 * that the package does not support). Checked over the installed package.json files of every package in the lock, as
 * npm does, not over `npm install --dry-run`, which checks no engines.
 */
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};
const ROOT = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, ROOT), 'utf8')) as Record<string, any>;

/** Installed packages of the lock whose engines.node excludes `node`: "<path>@<version> wants <range>". */
function packagesExcluding(node: string): string[] {
  const lock = readJson('package-lock.json') as { packages: Record<string, unknown> };
  const excluded: string[] = [];
  for (const path of Object.keys(lock.packages)) {
    // The root, and optional packages for other platforms, which npm neither installs nor checks.
    if (path === '' || !existsSync(new URL(`${path}/package.json`, ROOT))) continue;
    const pkg = readJson(`${path}/package.json`);
    const range: unknown = pkg.engines?.node;
    if (typeof range === 'string' && !semver.satisfies(node, range)) excluded.push(`${path}@${String(pkg.version)} wants ${range}`);
  }
  return excluded;
}

describe('the Node versions the gateway declares', () => {
  const declared = readJson('package.json').engines.node as string;
  const oldest = semver.minVersion(declared)!.version;

  it('are Node versions every installed package supports, so npm install prints no EBADENGINE there', () => {
    expect(semver.satisfies('20.20.0', declared)).toBe(true);
    expect(packagesExcluding(oldest)).toEqual([]);
  });

  it('are the ones the lock file records for the project', () => {
    expect((readJson('package-lock.json').packages[''] as { engines?: { node?: string } }).engines?.node).toBe(declared);
  });

  it('are the ones the README names', () => {
    const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
    expect(readme).toContain(`Node ${oldest.replace(/\.0$/, '')} or newer`);
  });
});
