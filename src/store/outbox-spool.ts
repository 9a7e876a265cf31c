import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
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
 * ignored. Own file: `outbox-<pid>-<instance>.jsonl`; on a clean stop with items left it becomes
 * `released-<instance>.jsonl`. A file is adopted when it is released, or its process is gone (crash). Two instances
 * adopting the same file at once is harmless: every effect is idempotent.
 */
export interface LocalOutboxOptions {
  /** Where spool files live; null keeps items in memory only (lost if the process exits before they are stored). */
  dir: string | null;
  logger: Logger;
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
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.W_OK);
    return await readdir(dir);
  } catch (error) {
    throw new SpoolDirectoryError(dir, (error as NodeJS.ErrnoException).code ?? 'unknown error');
  }
}

/** Instances of this class alive in this process, so a file of this pid can still be told live from orphaned. */
const liveInstances = new Set<string>();

const OWN_FILE = /^outbox-(\d{1,10})-([0-9a-f-]{36})\.jsonl$/;
const RELEASED_FILE = /^released-([0-9a-f-]{36})\.jsonl$/;

export class LocalOutbox {
  private readonly items = new Map<string, OutboxItem>();
  private readonly instance = randomUUID();
  private handle: FileHandle | null = null;
  /** Writes to the file, one after the other. */
  private writes: Promise<void> = Promise.resolve();
  private opened = false;

  constructor(private readonly options: LocalOutboxOptions) {
    liveInstances.add(this.instance);
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
    return this.options.dir === null ? null : join(this.options.dir, `outbox-${process.pid}-${this.instance}.jsonl`);
  }

  /**
   * Adopts what earlier gateways left in the spool directory (a clean stop with Redis down, or a crash). Resolves with
   * the number of items adopted. Call once at start-up.
   */
  async open(): Promise<number> {
    if (this.opened || this.options.dir === null) return 0;
    this.opened = true;
    const dir = this.options.dir;
    const names = await prepareSpoolDirectory(dir);
    let adopted = 0;
    for (const name of names) {
      if (!this.isOrphan(name)) continue;
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

  private isOrphan(name: string): boolean {
    if (RELEASED_FILE.test(name)) return true;
    const own = OWN_FILE.exec(name);
    if (!own) return false;
    const pid = Number(own[1]);
    const instance = own[2]!;
    if (instance === this.instance) return false;
    if (pid === process.pid) return !liveInstances.has(instance);
    return !processAlive(pid);
  }

  private write(record: { add: OutboxItem } | { done: string }): Promise<void> {
    if (this.options.dir === null) return Promise.resolve();
    const line = `${JSON.stringify(record)}\n`;
    return this.serialize(async () => {
      this.handle ??= await open(this.file!, 'a', 0o600);
      await this.handle.appendFile(line);
      // The mutation answers "pending" only once its item would survive a crash of this process.
      await this.handle.datasync();
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
