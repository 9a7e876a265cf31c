import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/redis-server.js';

/**
 * `npm start` as a user runs it: the gateway bundled to dist/src/main.js (built first when a source is newer), not
 * TypeScript through tsx. The bundle must serve what the TypeScript serves, the files it does not hold included: the
 * dashboard's page and assets (copied to dist/dashboard/), GraphiQL's page (a package loaded on its first visit).
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const READY_TIMEOUT_MS = 45_000;

let npm: ChildProcess | null = null;

afterAll(async () => {
  if (!npm || npm.exitCode !== null || npm.signalCode !== null) return;
  const exited = new Promise((resolve) => npm!.once('exit', resolve));
  npm.kill('SIGTERM');
  await exited;
});

async function readyGateway(): Promise<{ url: string; pid: number }> {
  const port = await freePort();
  npm = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout!.on('data', (chunk) => (output += String(chunk)));
  npm.stderr!.on('data', (chunk) => (output += String(chunk)));
  const started = Date.now();
  for (;;) {
    const ready = /"pid":(\d+)[^\n]*gateway ready/.exec(output);
    if (ready) return { url: `http://127.0.0.1:${port}`, pid: Number(ready[1]) };
    if (npm.exitCode !== null || Date.now() - started > READY_TIMEOUT_MS) throw new Error(`npm start did not become ready:\n${output.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start', () => {
  it('runs the bundle in dist/src/main.js, built no older than any source, and serves the dashboard, its assets, GraphiQL, queries and refusals from it', async () => {
    const { url, pid } = await readyGateway();
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(commandLine).toContain('scripts/start.mjs');
    expect(commandLine.join(' ')).not.toMatch(/tsx/);
    const builtAt = statSync(`${ROOT}dist/src/main.js`).mtimeMs;
    const newerSources = sourcesUnder(`${ROOT}src`).filter((file) => statSync(file).mtimeMs > builtAt);
    expect(newerSources).toEqual([]);

    // Byte for byte the committed files: the page at /, the rest under /dashboard/.
    for (const [path, file, type] of [
      ['/', 'index.html', 'text/html; charset=utf-8'],
      ['/dashboard/dashboard.js', 'dashboard.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/style.css', 'style.css', 'text/css; charset=utf-8'],
      ['/dashboard/favicon.svg', 'favicon.svg', 'image/svg+xml'],
    ] as const) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(type);
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(`${ROOT}src/dashboard/${file}`)), path).toBe(true);
    }

    const graphiql = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain('<title>Verification gateway</title>');

    const query = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ providers { provider mode } }' }) });
    const reply = (await query.json()) as { data?: { providers: { provider: string; mode: string }[] } };
    expect(reply.data?.providers.map((provider) => provider.mode)).toEqual(['SANDBOX', 'SANDBOX', 'SANDBOX', 'SANDBOX']);

    // Errors raised by graphql itself and by packages that import graphql's modules by path (graphql-armor's parser)
    // keep their codes and statuses: the bundle holds one graphql, so every GraphQLError is recognised as one.
    const refusals: [string, number, string][] = [
      ['{ providers { ', 400, 'GRAPHQL_PARSE_FAILED'],
      [`{ ${'__typename '.repeat(2_100)}}`, 400, 'TOO_MANY_TOKENS'],
      ['{ nope }', 400, 'GRAPHQL_VALIDATION_FAILED'],
      ['{ contact(provider: REALTIME_REGISTER, handle: "..") { handle } }', 200, 'BAD_USER_INPUT'],
    ];
    for (const [text, status, code] of refusals) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: text }),
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect([response.status, body.errors?.[0]?.extensions?.code], text.slice(0, 40)).toEqual([status, code]);
    }
  }, 60_000);
});

function sourcesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
