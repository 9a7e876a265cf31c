import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { withDeadline } from './deadline.js';
import type { RedisConnection } from './redis-connection.js';
import { readRedisPersistence, type RedisPersistence } from './redis-persistence.js';
import { isRecovered, markRecovered, owe, RECOVERY_DONE_KEY, RECOVERY_OWED_KEY } from './redis-recovery-ledger.js';

/**
 * Written once and never expired: while Redis keeps its data the key is there. Each instance remembers the value it
 * saw; when the key is gone (a Redis restart without persistence, a flush) or holds another value (an instance that
 * noticed first wrote a new one), this instance knows Redis lost its data. Caveat: an eviction policy that may evict
 * any key (allkeys-*) can evict it too; the README asks for noeviction.
 */
export const DURABILITY_MARKER_KEY = 'vgw:{durability}:marker';

/**
 * The file, in OUTBOX_SPOOL_DIR, that remembers the marker of one Redis across gateway restarts, named by a hash of
 * where that Redis is (its URLs without user and password): no password is derivable from a file name, and a
 * rotated password still names the same Redis, whose marker must not read as lost.
 */
export function redisEpochFileName(redisUrls: readonly string[]): string {
  return `redis-epoch-${createHash('sha256').update(redisUrls.map(withoutCredentials).join(',')).digest('hex').slice(0, 16)}`;
}

function withoutCredentials(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    // Not a URL the connection would accept either; hashed as given.
    return redisUrl;
  }
}

/** How soon a check that got no answer is tried again. */
const RETRY_MS = 1_000;

/** How long /readyz keeps naming a data loss after it was detected. */
export const DATA_LOSS_REPORT_MS = 3_600_000;

/** What a data loss listener is told. */
export interface RedisDataLoss {
  /** ISO 8601, when this instance noticed. */
  detectedAt: string;
  /** The marker value Redis holds now: one recovery per loss, whichever instance runs it (a lock name). */
  epoch: string;
  /**
   * False when this instance just noticed the loss; true when it found a loss noticed earlier whose recovery never
   * finished (its instance was killed, or every attempt failed): told again at every check until one finishes.
   */
  resumed: boolean;
}

/** What /readyz shows about Redis keeping its data. */
export interface RedisDurabilityStatus {
  /** Null until the settings were read once. */
  persistent: boolean | null;
  /** Why Redis may lose acknowledged data; null when it persists (or before the first read). */
  problem: string | null;
  /** The last time this instance found Redis had lost its data, while DATA_LOSS_REPORT_MS has not passed. */
  dataLossDetectedAt: string | null;
}

export interface RedisDurabilityOptions {
  connection: RedisConnection;
  logger: Logger;
  metrics?: GatewayMetrics;
  /** Besides every (re)connect, how often the marker and settings are checked (a FLUSHALL keeps the connection). Default 30 s. */
  checkIntervalMs?: number;
  /**
   * A file that remembers the marker across gateway restarts (in OUTBOX_SPOOL_DIR, which outlives the process). Without
   * it a gateway restarted together with a Redis that keeps nothing (a host reboot) took the empty Redis for a new one
   * and said nothing; with it, a marker that differs from the remembered one is a loss like any other.
   */
  epochFile?: string | null;
  /**
   * The newest write this instance had acknowledged, which Redis must still hold. A Redis that persists by snapshots
   * only comes back from a crash as of its last snapshot, the marker included: the marker cannot tell that loss, a
   * stored event that vanished can.
   */
  lastWrite?: AcknowledgedWrite | null;
}

/** One write Redis acknowledged to this instance, to look for again (the event log's newest append). */
export interface AcknowledgedWrite {
  /** Its id, null while there is none. */
  newest(): string | null;
  /** Whether Redis still holds it (or dropped it by its own retention). Throws when Redis cannot say. */
  stillHolds(id: string): Promise<boolean>;
}

/** Replaces the marker only while it still holds the value this instance knows, so two instances open one epoch. */
const REPLACE_MARKER_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return ARGV[2]
end
return current
`;

/**
 * Watches whether Redis keeps what it acknowledged: reads its persistence settings (AOF, snapshots) at start and on
 * every reconnect, warning when it keeps nothing on disk, and detects a restart that lost data with a marker key. A
 * loss is said loudly (error log, gateway_redis_data_loss_total, /readyz) and handed to listeners, which re-read what
 * the providers can still deliver.
 */
export class RedisDurabilityWatch {
  private epoch: string | null = null;
  private persistence: RedisPersistence | null = null;
  private lossAt: number | null = null;
  private checking: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(loss: RedisDataLoss) => void>();
  private readonly timer: NodeJS.Timeout;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly onReady = (): void => void this.check('connect');
  /**
   * The newest write acknowledged before the connection dropped, until a check found it still held: writes resume as
   * soon as the connection is back (a webhook redelivered, the outbox draining), before the check, so the newest write
   * by then tells nothing about what the restart kept. The first drop's value is kept until verified.
   */
  private writeBeforeDrop: string | null = null;
  private readonly onClose = (): void => {
    this.writeBeforeDrop ??= this.options.lastWrite?.newest() ?? null;
  };
  private closed = false;
  /** What epochFile holds, as this instance last wrote it. */
  private rememberedValue: string | null = null;
  /** A vanished write already counted in a loss (it stays missing; counting it again would be a second loss). */
  private accountedWrite: string | null = null;

  constructor(private readonly options: RedisDurabilityOptions) {
    options.connection.client.on('ready', this.onReady);
    options.connection.client.on('close', this.onClose);
    if (options.connection.client.status === 'ready') this.onReady();
    this.timer = setInterval(() => void this.check('interval'), options.checkIntervalMs ?? 30_000);
    this.timer.unref();
  }

  /** True once a recovery of this loss finished on any instance (recovery-ledger in Redis). Throws when Redis cannot say. */
  recoveryFinished(epoch: string): Promise<boolean> {
    return isRecovered(this.options.connection.client, epoch);
  }

  /** Records that this loss was recovered, so no instance takes it over again. Throws when Redis cannot take it. */
  markRecovered(epoch: string): Promise<void> {
    return markRecovered(this.options.connection.client, epoch);
  }

  /** Called with every data loss this instance detects, and again for one still owed a recovery. Returns unsubscribe. */
  onDataLoss(listener: (loss: RedisDataLoss) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  status(now = Date.now()): RedisDurabilityStatus {
    const recentLoss = this.lossAt !== null && now - this.lossAt < DATA_LOSS_REPORT_MS ? new Date(this.lossAt).toISOString() : null;
    return { persistent: this.persistence?.persistent ?? null, problem: this.persistence?.problem ?? null, dataLossDetectedAt: recentLoss };
  }

  /** One check now, after any running one (tests, and every reconnect). Never throws: an unreachable Redis is retried later. */
  check(reason: 'connect' | 'interval' | 'manual' = 'manual'): Promise<void> {
    this.checking = this.checking.then(() => this.checkOnce(reason));
    return this.checking;
  }

  private async rememberedEpoch(): Promise<string | null> {
    if (!this.options.epochFile) return null;
    const text = await readFile(this.options.epochFile, 'utf8').catch(() => '');
    return text.trim() || null;
  }

  /** Written only when it changes; a failure is not fatal (the next loss is then told by the marker alone). */
  private async rememberEpoch(epoch: string): Promise<void> {
    const file = this.options.epochFile;
    if (!file || this.rememberedValue === epoch) return;
    try {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      // Instances may share the directory: each writes its own temporary file, and the rename is atomic.
      const temporary = `${file}.${randomUUID()}.tmp`;
      await writeFile(temporary, `${epoch}\n`, { mode: 0o600 });
      await rename(temporary, file);
      this.rememberedValue = epoch;
    } catch (error) {
      this.options.logger.warn({ file, error: (error as Error).message }, 'could not remember the Redis durability marker on disk');
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.options.connection.client.off('ready', this.onReady);
    this.options.connection.client.off('close', this.onClose);
  }

  private async checkOnce(reason: string): Promise<void> {
    if (this.closed || !this.options.connection.healthy) return;
    try {
      await this.checkPersistence(reason);
      await this.checkMarker();
      this.options.logger.debug({ reason }, 'redis durability checked');
    } catch (error) {
      this.options.logger.debug({ error: (error as Error).message }, 'redis durability check failed; retrying shortly');
      // Soon, not at the next interval: until a check succeeds /readyz cannot say whether Redis persists.
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = null;
        void this.check('interval');
      }, RETRY_MS).unref();
    }
  }

  private async checkPersistence(reason: string): Promise<void> {
    const previous = this.persistence;
    const current = await readRedisPersistence(this.options.connection.client);
    this.persistence = current;
    this.options.metrics?.redisPersistent.set(current.persistent ? 1 : 0);
    // Said at start and after every reconnect (the server may be another one now); the periodic check only on change.
    const changed = previous?.persistent !== current.persistent || previous?.problem !== current.problem;
    if (current.problem && (reason === 'connect' || changed)) this.options.logger.warn({ aof: current.aof, save: current.save }, current.problem);
    else if (!current.problem && previous?.problem) this.options.logger.info({ aof: current.aof, save: current.save }, 'Redis now keeps acknowledged data on disk');
  }

  private async checkMarker(): Promise<void> {
    const client = this.options.connection.client;
    const read = () => withDeadline(client.mget(DURABILITY_MARKER_KEY, RECOVERY_OWED_KEY, RECOVERY_DONE_KEY), 1_000, 'redis MGET marker');
    // Read before the marker: an id acknowledged before this check must be held by the Redis this check reads.
    const lastWrite = this.options.lastWrite?.newest() ?? null;
    const beforeDrop = this.writeBeforeDrop;
    const [current = null, owed, done] = await read();
    const stillOwed = (epoch: string): boolean => owed === epoch && done !== epoch;
    let replaced: string | null = null;
    if (current !== null && current === this.epoch) {
      if (!(await this.lostWrite(beforeDrop)) && !(await this.lostWrite(lastWrite))) {
        // Verified; a drop during this check set another value, which the next check looks for.
        if (this.writeBeforeDrop === beforeDrop) this.writeBeforeDrop = null;
        if (stillOwed(current)) this.tell({ detectedAt: new Date().toISOString(), epoch: current, resumed: true });
        return;
      }
      // Rolled back to an older state that kept the marker: a new marker names this loss (one recovery, one epoch).
      const reply = await withDeadline(client.eval(REPLACE_MARKER_SCRIPT, 1, DURABILITY_MARKER_KEY, current, newMarker()), 1_000, 'redis replace marker');
      if (typeof reply !== 'string') return; // the marker is gone meanwhile: the next check finds that loss
      replaced = reply;
    }
    if (current === null) {
      await withDeadline(client.set(DURABILITY_MARKER_KEY, newMarker(), 'NX'), 1_000, 'redis SET marker');
    }
    const now = replaced ?? current ?? (await read())[0] ?? null;
    if (now === null) return; // gone again at once; the next check sorts it out
    const first = this.epoch === null;
    const remembered = first ? await this.rememberedEpoch() : null;
    this.epoch = now;
    await this.rememberEpoch(now);
    // The first look of this process tells a fresh Redis from one that lost its data only by what an earlier gateway
    // remembered on disk; with nothing remembered, it is taken as new. A loss that an earlier process (this one before
    // a restart, or another instance) noticed and never finished recovering is still taken over.
    if (first && (remembered === null || remembered === now)) {
      if (current !== null && stillOwed(now)) this.tell({ detectedAt: new Date().toISOString(), epoch: now, resumed: true });
      return;
    }
    // Both are counted in this loss: looking for them again would report it twice.
    this.accountedWrite = lastWrite;
    if (this.writeBeforeDrop === beforeDrop) this.writeBeforeDrop = null;
    this.lossAt = Date.now();
    this.options.metrics?.redisDataLoss.inc();
    const loss: RedisDataLoss = { detectedAt: new Date(this.lossAt).toISOString(), epoch: now, resumed: false };
    this.options.logger.error(
      { detectedAt: loss.detectedAt, persistence: this.persistence?.problem ?? 'unknown' },
      'REDIS LOST ITS DATA: the marker written at start, or an event stored since, is gone, so events, verification requests and registry checks stored before may be missing; re-reading what the providers can still deliver',
    );
    // Owed before anything else happens, so that this instance dying mid-recovery leaves the loss to the next one.
    await owe(client, now).catch((error: Error) =>
      this.options.logger.warn({ error: error.message }, 'could not record in Redis that a recovery is owed; only this instance knows'),
    );
    this.tell(loss);
  }

  /** True when a write this instance had acknowledged is gone from Redis, and no loss counted it yet. */
  private async lostWrite(id: string | null): Promise<boolean> {
    if (id === null || id === this.accountedWrite || !this.options.lastWrite) return false;
    return !(await withDeadline(this.options.lastWrite.stillHolds(id), 1_000, 'redis look for the last write'));
  }

  private tell(loss: RedisDataLoss): void {
    this.lossAt ??= Date.parse(loss.detectedAt);
    for (const listener of [...this.listeners]) {
      try {
        listener(loss);
      } catch (error) {
        this.options.logger.error({ err: error }, 'a data loss listener threw');
      }
    }
  }
}

function newMarker(): string {
  return `${new Date().toISOString()} ${randomUUID()}`;
}
