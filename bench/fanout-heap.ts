import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { Pool } from 'undici';
import { startOurGateway } from './bench-servers.js';
import { HeapSnapshot } from './heap-snapshot.js';
import { startServer } from './server-process.js';

/**
 * Where a fan-out subscriber's bytes go (bench/README.md, "Fan-out memory"): a server (`gateway`, default, or
 * `floor`) with no subscriber, then with N (default 1000) GraphQL-over-SSE subscribers as bench/fanout.ts opens them,
 * one heap snapshot each; then what is new in the second, per subscriber, by the object at the root of each new
 * subtree. Not part of `npm run bench` (two snapshots and their analysis take a minute and a few GB):
 *
 *   node --max-old-space-size=6000 --import tsx bench/fanout-heap.ts [gateway|floor] [N]
 *
 * A snapshot changes what it measures a little: objects created after the first one are not always laid out as they
 * would be (node:http's ServerResponse, for one, is about 3 KB larger), so the total here runs a few KB above the
 * bench's heap per subscriber, which is read without snapshots and is the figure to quote.
 */
const target = process.argv[2] === 'floor' ? 'floor' : 'gateway';
const subscribers = Number(process.argv[3] ?? 1000);
const directory = mkdtempSync(join(tmpdir(), 'fanout-heap-'));
const nodeFlags = ['--heapsnapshot-signal=SIGHUP', `--diagnostic-dir=${directory}`];
const server = target === 'gateway' ? await startOurGateway({ nodeFlags }) : await startServer({ args: ['--import', 'tsx', 'bench/sse-floor-server.ts'], nodeFlags });
const pool = new Pool(server.url, { connections: subscribers + 10, pipelining: 1, headersTimeout: 60_000, bodyTimeout: 0, keepAliveTimeout: 600_000 });
const body = JSON.stringify({
  query: target === 'floor' ? 'subscription { tick }' : 'subscription { verificationEvents(filter: { contactHandle: "bench-fanout" }) { id ... on ProviderNotificationEvent { notificationId } } }',
});

try {
  await sleep(1_000);
  const before = await snapshot();
  for (let open = 0; open < subscribers; ) {
    const wave = Math.min(250, subscribers - open);
    await Promise.all(Array.from({ length: wave }, subscribe));
    open += wave;
  }
  await sleep(1_000);
  const after = await snapshot();
  const old = new HeapSnapshot(before).ids();
  const heap = new HeapSnapshot(after);
  const groups = heap.newGroups(old);
  const total = groups.reduce((sum, group) => sum + group.bytes, 0);
  const kb = (bytes: number) => (bytes / subscribers / 1024).toFixed(2);
  const table = (title: string, rows: { name: string; count: number; bytes: number }[]) => {
    process.stdout.write(`| KB per subscriber | per subscriber | ${title} |\n| ---: | ---: | --- |\n`);
    for (const row of rows.filter((one) => one.bytes / subscribers >= 32)) process.stdout.write(`| ${kb(row.bytes)} | ${(row.count / subscribers).toFixed(2)} | ${row.name} |\n`);
    process.stdout.write('\n');
  };
  process.stdout.write(`${target}: ${subscribers} subscribers, ${kb(total)} KB retained per subscriber by new objects\n\n`);
  table('root of the new subtree', groups);
  // The three largest, opened one level: what their roots hold, by property.
  for (const group of groups.filter((one) => !one.name.startsWith('(')).slice(0, 3)) table(`inside ${group.name}`, heap.partsOf(group.name, old).slice(0, 12));
} finally {
  await pool.destroy();
  await server.stop();
  rmSync(directory, { recursive: true, force: true });
}

async function subscribe(): Promise<void> {
  const response = await pool.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body });
  if (response.statusCode !== 200) throw new Error(`subscription answered ${response.statusCode}`);
  response.body.on('data', () => {});
  response.body.on('error', () => {});
}

/** Signals the server to write a snapshot and waits until the file stops growing. */
async function snapshot(): Promise<string> {
  const known = new Set(readdirSync(directory));
  server.child.kill('SIGHUP');
  for (;;) {
    await sleep(500);
    const file = readdirSync(directory).find((name) => name.endsWith('.heapsnapshot') && !known.has(name));
    if (!file) continue;
    const path = join(directory, file);
    const size = statSync(path).size;
    await sleep(1_000);
    if (size > 0 && statSync(path).size === size) return path;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
