// `npm start`: builds the bundle when it is missing or older than its sources (a fresh clone, an edit, an
// `npm install`), then runs it in this same process. One Node process from npm to the gateway: no second start-up,
// and SIGTERM / SIGINT from npm (which `exec`s this) reach the gateway's own handlers, which drain.
// Plain JavaScript on purpose: it runs before the gateway, without tsx.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { BuilderMissing, buildBundles } from './build.mjs';

const BUNDLE = new URL('../dist/src/main.js', import.meta.url);

try {
  await buildBundles({ ifStale: true });
} catch (error) {
  // A production install (no dev dependencies) cannot build, and pruning them rewrites what the staleness check reads:
  // the bundle shipped with it is what runs, said once.
  if (error instanceof BuilderMissing && existsSync(BUNDLE)) {
    process.stderr.write('Running dist/src/main.js as built: it looks older than its inputs, and esbuild (a dev dependency) is not installed to rebuild it.\n');
  } else {
    process.stderr.write(`Build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
await import(BUNDLE.href);
