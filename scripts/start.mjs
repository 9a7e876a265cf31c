// `npm start`: builds the bundle when it is missing or older than its sources (a fresh clone, an edit, an
// `npm install`), then runs it in this same process. One Node process from npm to the gateway: no second start-up,
// and SIGTERM / SIGINT from npm (which `exec`s this) reach the gateway's own handlers, which drain.
// Plain JavaScript on purpose: it runs before the gateway, without tsx.
import process from 'node:process';
import { buildBundles } from './build.mjs';

try {
  await buildBundles({ ifStale: true });
} catch (error) {
  process.stderr.write(`Build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
await import('../dist/src/main.js');
