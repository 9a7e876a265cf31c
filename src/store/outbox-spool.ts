import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import { isOutboxItem, type OutboxItem } from './outbox.js';

/**
 * The last resort of the outbox: items that neither the store nor the shared outbox could take (Redis unreachable)
 * stay in this process, and, with a spool directory, in an append-only file fsynced before the mutation answers. Why a
 * local file: when Redis is down there is nowhere else to hand an item to, and a process that exits (deploy, crash)
 * would take it along. The file outlives the process; the next gateway started on the same directory adopts it at
 * start-up and stores what it holds. Mount the directory on a volume where containers are replaced.
 *
 * File format, one JSON object per line: `{"add": item}` or `{"done": id}`; a torn last line (crash mid-write) is
 * ignored. Own file: `outbox-<host>-<pid>-<instance>.jsonl`; on a clean stop with items left it becomes
 * `released-<instance>.jsonl`. A file is adopted when it is released, or its writer is gone: on this host, its process
 * is gone (crash); from another host (a container sharing the volume, whose pid says nothing here: every container's
 * gateway may be pid 1), its owner stopped touching it (a heartbeat every few seconds) for `staleMs`. Directories are
 * looked at again every so often, so a crashed container's file is adopted by a gateway already running. Two instances
 * adopting the same file at once is harmless: every effect is idempotent; and an owner that finds its file adopted
 * while it still runs (it was frozen) writes its items to a new file, so nothing it still holds depends on the other.
 */
export interface LocalOutboxOptions {
  /** Where spool files live; null keeps items in memory only (lost if the process exits before they are stored). */
  dir: string | null;
  logger: Logger;
  /** Names this host in file names. Default os.hostname() (a container's own id). */
  host?: string;
  /** How often the owner touches its file. Default 5 s. */
  heartbeatMs?: number;
  /** Another host's file untouched this long is its crashed owner's. Default 30 s. */
  staleMs?: number;
}

/**
 * The spool directory cannot be created, listed or written (a path under a file, a read-only volume, no permission).
 * Start-up stops on it: running on would answer mutations during a Redis outage with nothing kept on disk.
 */
export class SpoolDirectoryError extends Error {
  constructor(
    readonly dir: string,
    readonly code: string,
  ) {
    super(`the outbox spool directory ${dir} cannot be used (${code})`);
    this.name = 'SpoolDirectoryError';
  }
}

/** Creates the spool directory if needed and checks it can be written; its file names. Throws SpoolDirectoryError. */
export async function prepareSpoolDirectory(dir: string): Promise<string[]> {
  try {
    await makeDirectory(dir, 0o700);
    await access(dir, constants.W_OK);
    return await readdir(dir);
  } catch (error) {
    throw new SpoolDirectoryError(dir, (error as NodeJS.ErrnoException).code ?? 'unknown error');
  }
}

/**
 * `mkdir -p`, one level at a time. Node 20's `mkdir(dir, { recursive: true })` never settles (it spins a libuv thread)
 * where the parent exists and the directory still answers ENOENT, as under /proc: the gateway then hung at start-up,
 * printing nothing and ignoring SIGTERM (its stop waits for the start). Here each level is tried at most twice.
 */
async function makeDirectory(dir: string, mode: number): Promise<void> {
  try {
    await mkdir(dir, { mode });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // An existing file answers EEXIST too: the access and readdir after this one name it (ENOTDIR).
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    await makeDirectory(parent, mode);
  }
  try {
    await mkdir(dir, { mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Instances of this class alive in this process, so a file of this pid can still be told live from orphaned. */
const liveInstances = new Set<string>();

/** Host names reduced to [A-Za-z0-9_], so the `-` separators stay unambiguous; older gateways wrote no host. */
const OWN_FILE = /^outbox-(?:([A-Za-z0-9_]{1,64})-)?(\d{1,10})-([0-9a-f-]{36})\.jsonl$/;
const RELEASED_FILE = /^released-([0-9a-f-]{36})\.jsonl$/;

export class LocalOutbox {
  private readonly items = new Map<string, OutboxItem>();
  private readonly instance = randomUUID();
  private handle: FileHandle | null = null;
  /** Writes to the file, one after the other. */
  private writes: Promise<void> = Promise.resolve();
  private opened = false;
  private adopting: Promise<number> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly host: string;

  constructor(private readonly options: LocalOutboxOptions) {
    liveInstances.add(this.instance);
    this.host = (options.host ?? hostname()).replace(/[^A-Za-z0-9]/g, '_').slice(0, 64) || 'host';
  }

  /** True when items survive this process (a spool directory is configured). */
  get spooled(): boolean {
    return this.options.dir !== null;
  }

  get size(): number {
    return this.items.size;
  }

  /** Oldest first. */
  list(): OutboxItem[] {
    return [...this.items.values()];
  }

  /** The path of this instance's spool file (null without a spool directory). */
  get file(): string | null {
    return this.options.dir === null ? null : join(this.options.dir, `outbox-${this.host}-${process.pid}-${this.instance}.jsonl`);
  }

  /**
   * Adopts what earlier gateways left in the spool directory (a clean stop with Redis down, or a crash). Resolves with
   * the number of items adopted. Call once at start-up.
   */
  async open(): Promise<number> {
    if (this.opened || this.options.dir === null) return 0;
    this.opened = true;
    await prepareSpoolDirectory(this.options.dir);
    return this.adopt();
  }

  /**
   * Adopts what gateways that are gone left in the spool directory; call now and then (a container on another host
   * that crashed is only known gone once its file went stale). Resolves with the number of items adopted.
   */
  adopt(): Promise<number> {
    if (!this.opened || this.options.dir === null) return Promise.resolve(0);
    this.adopting ??= this.adoptOnce().finally(() => (this.adopting = null));
    return this.adopting;
  }

  private async adoptOnce(): Promise<number> {
    const dir = this.options.dir!;
    const names = await readdir(dir);
    let adopted = 0;
    for (const name of names) {
      if (!(await this.isOrphan(name, join(dir, name)))) continue;
      const path = join(dir, name);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        continue; // another instance adopted it first
      }
      const items = pendingItems(text);
      for (const item of items) {
        if (this.items.has(item.id)) continue;
        await this.add(item);
        adopted++;
      }
      // Only after the items are in our own (fsynced) file: a crash in between leaves both, which is harmless.
      await unlink(path).catch(() => undefined);
      if (items.length) this.options.logger.warn({ file: path, items: items.length }, 'adopted outbox items left by an earlier gateway; storing them');
    }
    return adopted;
  }

  /** Keeps an item; with a spool directory it is on disk (fsynced) when this resolves. */
  async add(item: OutboxItem): Promise<void> {
    this.items.set(item.id, item);
    await this.write({ add: item });
  }

  async remove(id: string): Promise<void> {
    if (!this.items.delete(id)) return;
    if (this.items.size === 0) await this.serialize(async () => void (await this.handle?.truncate(0)));
    else await this.write({ done: id });
  }

  /**
   * On shutdown: with nothing left the file goes; with items left (the store is still unreachable) it is renamed
   * `released-…` for the next gateway on this directory to adopt. Without a spool directory, items left are lost: that
   * is said at error level, with what they were.
   */
  async close(): Promise<void> {
    liveInstances.delete(this.instance);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.adopting?.catch(() => 0);
    // Adopted while this process ran (it was frozen)? Then the rename below would find no file: write a new one first.
    await this.serialize(async () => void (await this.keepLinked())).catch(() => undefined);
    await this.writes;
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
    const file = this.file;
    if (this.items.size === 0) {
      if (file) await unlink(file).catch(() => undefined);
      return;
    }
    const labels = this.list().map((item) => item.label);
    if (!file || this.options.dir === null) {
      this.options.logger.error({ items: labels }, 'the store was unreachable until shutdown and OUTBOX_SPOOL_DIR is not set: these writes\u2019 records are lost');
      return;
    }
    const released = join(this.options.dir, `released-${this.instance}.jsonl`);
    await rename(file, released);
    this.options.logger.warn({ file: released, items: labels.length }, 'the store is unreachable: outbox items left in the spool file for the next gateway on this directory');
  }

  private async isOrphan(name: string, path: string): Promise<boolean> {
    if (RELEASED_FILE.test(name)) return true;
    const own = OWN_FILE.exec(name);
    if (!own) return false;
    const host = own[1];
    const pid = Number(own[2]);
    const instance = own[3]!;
    if (instance === this.instance) return false;
    if (host !== undefined && host !== this.host) {
      // Another host's pid means nothing here (its gateway may be pid 1, like ours): only a stale heartbeat tells.
      const modified = await stat(path).then((info) => info.mtimeMs, () => null);
      return modified !== null && Date.now() - modified > (this.options.staleMs ?? 30_000);
    }
    if (pid === process.pid) return !liveInstances.has(instance);
    return !processAlive(pid);
  }

  /** Touches the file (the heartbeat other hosts read), or writes a new one when another gateway adopted this one. */
  private async beat(): Promise<void> {
    await this.serialize(async () => {
      if (!this.handle || !(await this.keepLinked())) return;
      const now = new Date();
      await this.handle?.utimes(now, now);
    });
  }

  /**
   * False after writing the items to a new file because the open one was unlinked (adopted by another gateway that
   * took this one for gone): the adopter stores what it read, and this process keeps everything it holds on disk.
   */
  private async keepLinked(): Promise<boolean> {
    if (!this.handle || (await this.handle.stat()).nlink > 0) return true;
    await this.handle.close().catch(() => undefined);
    this.handle = await open(this.file!, 'a', 0o600);
    const lines = this.list().map((item) => `${JSON.stringify({ add: item })}\n`);
    if (lines.length) await this.handle.appendFile(lines.join(''));
    await this.handle.datasync();
    this.options.logger.warn({ file: this.file, items: lines.length }, 'another gateway adopted this spool file while this one ran (it was frozen); its items are written again');
    return false;
  }

  private write(record: { add: OutboxItem } | { done: string }): Promise<void> {
    if (this.options.dir === null) return Promise.resolve();
    const line = `${JSON.stringify(record)}\n`;
    return this.serialize(async () => {
      if (!this.handle) {
        this.handle = await open(this.file!, 'a', 0o600);
        this.heartbeat ??= setInterval(() => void this.beat().catch(() => undefined), this.options.heartbeatMs ?? 5_000);
        this.heartbeat.unref();
      }
      await this.handle.appendFile(line);
      // The mutation answers "pending" only once its item would survive a crash of this process.
      await this.handle.datasync();
      // Written to a file another gateway adopted meanwhile: this item must be in a file that is still there.
      await this.keepLinked();
    });
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    const next = this.writes.then(step);
    this.writes = next.catch(() => undefined);
    return next;
  }
}

/** The items a spool file still holds: added and not done, in order; unreadable lines are skipped. */
export function pendingItems(text: string): OutboxItem[] {
  const pending = new Map<string, OutboxItem>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let record: { add?: unknown; done?: unknown };
    try {
      record = JSON.parse(line) as { add?: unknown; done?: unknown };
    } catch {
      continue;
    }
    if (isOutboxItem(record.add)) pending.set(record.add.id, record.add);
    else if (typeof record.done === 'string') pending.delete(record.done);
  }
  return [...pending.values()];
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
