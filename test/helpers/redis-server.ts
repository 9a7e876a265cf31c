import { spawn, spawnSync, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A private redis-server for one test file. Never 127.0.0.1:6379: always a free port chosen by the OS. */
export interface RedisServerHandle {
  port: number;
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** Graceful shutdown (SIGTERM, no save), waits for exit, removes the temp dir. */
  stop(): Promise<void>;
  /** SIGKILL: simulates a crash. The port stays ours until restart() or stop(). */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port with empty data (kills the running one first). */
  restart(): Promise<void>;
}

/** A private three-master Redis Cluster (no replicas). */
export interface RedisClusterHandle {
  /** One `redis://127.0.0.1:<port>` per node. */
  urls: string[];
  /** The node URLs comma-joined, the way REDIS_URL names a cluster. */
  url: string;
  stop(): Promise<void>;
}

/** A TCP port the OS says is free right now: listen on 0, read the port, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port from the OS'))));
    });
  });
}

/** Several distinct free ports (the OS may hand the same one out twice once it is closed again). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** What a machine without redis-server is told, at once, instead of waiting for a server that never answers. */
export const REDIS_SERVER_MISSING =
  'redis-server is not on the PATH: the Redis tests start their own on free ports. Install it (apt-get install -y redis-server) or run .ci/run, which installs it.';

let redisInstalled: boolean | undefined;

/** Fails fast, with REDIS_SERVER_MISSING, when redis-server or redis-cli cannot be run (checked once per process). */
export function assertRedisInstalled(): void {
  redisInstalled ??= ['redis-server', 'redis-cli'].every((command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined);
  if (!redisInstalled) throw new Error(REDIS_SERVER_MISSING);
}

async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 });
  return stdout.trim();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One redis-server child process (not daemonized, so its pid is ours to kill), with its recent output for errors. */
class RedisProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  private output = '';
  private hasExited = false;

  constructor(
    readonly port: number,
    args: string[],
  ) {
    this.child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-4_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    // A spawn failure (e.g. the binary vanished) is an 'error' without an 'exit': record it so waitUntilReady stops.
    this.child.once('error', (error) => {
      keep(Buffer.from(String(error)));
      this.hasExited = true;
    });
    this.exited = new Promise((resolve) => {
      this.child.once('close', () => {
        this.hasExited = true;
        resolve();
      });
      this.child.once('exit', () => {
        this.hasExited = true;
        resolve();
      });
    });
  }

  /** Resolves once PING answers; rejects with the server's output if it exits or takes more than 10 s. */
  async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (this.hasExited) throw new Error(`redis-server on port ${this.port} exited during start-up:\n${this.output}`);
      const answer = await redisCli(this.port, 'ping').catch(() => '');
      if (answer === 'PONG') return;
      await sleep(25);
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING within 10 s:\n${this.output}`);
  }

  async signal(signal: NodeJS.Signals): Promise<void> {
    if (this.hasExited) return;
    this.child.kill(signal);
    await this.exited;
  }
}

/**
 * Starts a standalone redis-server (no persistence unless `args` turn it on, e.g. ['--appendonly', 'yes']) on a free
 * port in a fresh temp dir and waits for PING.
 */
export async function startRedisServer(options: { args?: string[] } = {}): Promise<RedisServerHandle> {
  assertRedisInstalled();
  const dir = await mkdtemp(join(tmpdir(), 'vgw-redis-'));
  const port = await freePort();
  const launch = async (): Promise<RedisProcess> => {
    const server = new RedisProcess(port, ['--dir', dir, ...(options.args ?? [])]);
    await server.waitUntilReady().catch(async (err: unknown) => {
      await server.signal('SIGKILL');
      throw err;
    });
    return server;
  };
  let current = await launch().catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await current.signal('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
    async kill() {
      await current.signal('SIGKILL');
    },
    async restart() {
      await current.signal('SIGKILL');
      current = await launch();
    },
  };
}

/**
 * Starts three cluster-enabled nodes (each with its own bus port via `cluster-port`, so no port+10000 guessing),
 * joins them with `redis-cli --cluster create`, and waits until every node reports cluster_state:ok.
 */
export async function startRedisCluster(): Promise<RedisClusterHandle> {
  assertRedisInstalled();
  const dir = await mkdtemp(join(tmpdir(), 'vgw-redis-cluster-'));
  const nodes: RedisProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.signal('SIGTERM')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports = await freePorts(6);
    for (let i = 0; i < 3; i++) {
      const port = ports[i]!;
      const busPort = ports[i + 3]!;
      nodes.push(
        new RedisProcess(port, [
          '--dir', dir,
          '--cluster-enabled', 'yes',
          '--cluster-port', String(busPort),
          '--cluster-config-file', join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout', '2000',
        ]),
      );
    }
    await Promise.all(nodes.map((node) => node.waitUntilReady()));
    await execFileAsync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 20_000 },
    );
    const deadline = Date.now() + 15_000;
    for (;;) {
      const infos = await Promise.all(nodes.map((node) => redisCli(node.port, 'cluster', 'info').catch(() => '')));
      if (infos.every((info) => info.includes('cluster_state:ok'))) break;
      if (Date.now() > deadline) throw new Error('redis cluster did not reach cluster_state:ok within 15 s');
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const urls = nodes.map((node) => `redis://127.0.0.1:${node.port}`);
  return { urls, url: urls.join(','), stop };
}
