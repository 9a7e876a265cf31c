import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import process from 'node:process';

/**
 * Bench servers in their own processes (so the load generator never shares an event loop with them), each with the
 * bench probe (bench/probe.mjs) loaded and an IPC channel to read it: CPU, heap allocations and GC inside a window.
 */

export const ROOT = new URL('../', import.meta.url).pathname;
const PROBE = new URL('./probe.mjs', import.meta.url).pathname;

/** What one server process spent inside a probe window (see bench/probe.mjs). */
export interface ProbeReading {
  cpuMs: number;
  allocatedBytes: number;
  gcMs: number;
  gcCount: number;
}

export interface Server {
  url: string;
  info: Record<string, unknown>;
  child: ChildProcess;
  /** Opens a measuring window in the server process; the returned function closes it and reads it. */
  probe(): Promise<() => Promise<ProbeReading>>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Arguments after `node [nodeFlags] --import probe.mjs`, e.g. ['--import', 'tsx', 'bench/floor-server.ts']. */
  args: string[];
  env?: Record<string, string>;
  nodeFlags?: string[];
  cwd?: string;
  /** How to know it serves: its `READY {json}` stdout line (default), or a URL that answers 200. */
  readyUrl?: { url: string; path: string };
  timeoutMs?: number;
}

/**
 * Starts `node <flags> --import bench/probe.mjs <args>` with an IPC channel and waits until it serves. Every server of
 * the bench (the floor, the peer, the simulators, ours) runs with NODE_ENV=production, as production servers do:
 * graphql skips its per-call check for a second copy of itself there, and our bundle sets it by default, so the floor
 * and the peer get the same.
 */
export async function startServer(options: StartOptions): Promise<Server> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', PROBE, ...options.args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NODE_ENV: 'production', ...options.env, BENCH_PROBE: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${options.args.join(' ')} exited with ${code}:\n${output}`))));
  exited.catch(() => {});
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${options.args.join(' ')} not ready in time:\n${output}`)), options.timeoutMs ?? 60_000).unref());
  const ready = options.readyUrl ? waitForUrl(`${options.readyUrl.url}${options.readyUrl.path}`).then(() => ({ url: options.readyUrl!.url })) : readyLine(child);
  let info: Record<string, unknown>;
  try {
    info = await Promise.race([ready, exited, timeout]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: info.url as string,
    info,
    child,
    probe: () => openWindow(child),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

function readyLine(child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((candidate) => candidate.startsWith('READY '));
      if (!line) return;
      child.stdout!.off('data', onData);
      resolve(JSON.parse(line.slice(6)) as Record<string, unknown>);
    };
    child.stdout!.on('data', onData);
  });
}

/** Polls url every 20 ms until it answers 200. */
export async function waitForUrl(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

function ask(child: ChildProcess, message: { probe: 'start' | 'stop' }, expect: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`the bench probe did not answer ${message.probe} (is bench/probe.mjs loaded?)`));
    }, 10_000);
    const onMessage = (answer: Record<string, unknown>) => {
      if (answer?.probe !== expect) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(answer);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

async function openWindow(child: ChildProcess): Promise<() => Promise<ProbeReading>> {
  await ask(child, { probe: 'start' }, 'started');
  return async () => {
    const reading = await ask(child, { probe: 'stop' }, 'stopped');
    return { cpuMs: Number(reading.cpuMs), allocatedBytes: Number(reading.allocatedBytes), gcMs: Number(reading.gcMs), gcCount: Number(reading.gcCount) };
  };
}

/** A loopback port nothing listens on right now (for servers that cannot report theirs). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a node script in its own process and parses the last JSON line it prints. */
export function runJson<T>(args: string[], timeoutMs: number, options: { cwd?: string; env?: Record<string, string> } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${args.join(' ')} exited with ${code}:\n${stdout}\n${stderr}`));
      }
    });
  });
}
