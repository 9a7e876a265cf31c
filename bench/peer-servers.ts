import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import type { Simulators } from './bench-servers.js';
import { freePort, ROOT, startServer, type Server } from './server-process.js';

/**
 * The peer: Hive Gateway serving GraphQL Mesh's OpenAPI source (bench/peer/) over our Realtime Register simulator.
 * Its packages live in bench/peer/package.json, which `npm ci` at the root does not install.
 */

const PEER_DIR = `${ROOT}bench/peer/`;
export const PEER_INSTALL_COMMAND = 'npm ci --prefix bench/peer --no-audit --no-fund';
const HIVE_GATEWAY_BIN = `${PEER_DIR}node_modules/@graphql-hive/gateway/dist/bin.js`;
const MESH_COMPOSE_BIN = `${PEER_DIR}node_modules/@graphql-mesh/compose-cli/esm/bin.js`;

function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)));
    child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)));
    child.once('error', (error) => resolve({ code: -1, output: `${output}\n${error.message}` }));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * Installs bench/peer's locked packages when they are missing (about a minute). Returns null when ready, else why not
 * (e.g. no registry), for the report to show with the one command to run.
 */
export async function ensurePeerInstalled(log: (line: string) => void): Promise<string | null> {
  if (existsSync(HIVE_GATEWAY_BIN) && existsSync(MESH_COMPOSE_BIN)) return null;
  log(`peer: installing bench/peer (${PEER_INSTALL_COMMAND})`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { code, output } = await run(npm, ['ci', '--prefix', 'bench/peer', '--no-audit', '--no-fund'], { cwd: ROOT });
  if (code === 0 && existsSync(HIVE_GATEWAY_BIN)) return null;
  return `installing the peer failed (exit ${code}); run \`${PEER_INSTALL_COMMAND}\` and try again.\n${output.slice(-2_000)}`;
}

/** `mesh-compose -o supergraph.graphql` in bench/peer, pointed at the simulator (documented Mesh Compose flow). */
export async function composePeerSupergraph(simulators: Simulators): Promise<void> {
  const { realtimeRegister } = simulators.endpoints;
  const { code, output } = await run(process.execPath, [MESH_COMPOSE_BIN, '-o', 'supergraph.graphql'], {
    cwd: PEER_DIR,
    env: { RTR_BASE_URL: realtimeRegister.baseUrl, RTR_API_KEY: realtimeRegister.apiKey },
  });
  if (code !== 0) throw new Error(`mesh-compose failed (exit ${code}):\n${output}`);
}

/**
 * `hive-gateway supergraph` (bench/peer/gateway.config.mjs) in one process (`--fork 1`: no workers, so the probe's
 * process is the one serving), on loopback. `responseCacheTtlMs` turns on Hive Gateway's response cache.
 */
export async function startPeer(options: { responseCacheTtlMs?: number } = {}): Promise<Server> {
  const port = await freePort();
  return startServer({
    args: [HIVE_GATEWAY_BIN, 'supergraph', '--port', String(port), '--host', '127.0.0.1', '--fork', '1'],
    cwd: PEER_DIR,
    env: { LOG_LEVEL: 'warn', ...(options.responseCacheTtlMs ? { PEER_RESPONSE_CACHE_TTL_MS: String(options.responseCacheTtlMs) } : {}) },
    readyUrl: { url: `http://127.0.0.1:${port}`, path: '/readiness' },
  });
}
