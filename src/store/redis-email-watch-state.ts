import {
  EMAIL_WATCH_LIMIT,
  type EmailWatchStateStore,
  type SettledEmailVerification,
  type WatchedEmailVerification,
} from './email-watch-state.js';
import { dropOldestBeyondLimitLua } from './redis-bounded-hash.js';
import type { RedisConnection } from './redis-connection.js';
import { StoreUnavailable } from './store-errors.js';

/**
 * Each kind of row is a hash (field: the keyed digest of the row key, so an address is never a field or key name
 * whoever reads Redis could confirm a guess against) and its age order (a sorted set by `since`), all in one cluster
 * slot. A watched row's value holds its row key, which the watcher must read back; a settled row's only its status.
 */
export const EMAIL_WATCH_WATCHED_KEY = 'vgw:{email-watch}:watched';
export const EMAIL_WATCH_WATCHED_ORDER_KEY = 'vgw:{email-watch}:watched-order';
export const EMAIL_WATCH_SETTLED_KEY = 'vgw:{email-watch}:settled';
export const EMAIL_WATCH_SETTLED_ORDER_KEY = 'vgw:{email-watch}:settled-order';
/** Set by the first look: without it an empty watched hash (Redis drops empty ones) would read as "never looked". */
export const EMAIL_WATCH_STARTED_KEY = 'vgw:{email-watch}:started';

/**
 * KEYS[1] hash and KEYS[2] order it leaves, KEYS[3] hash and KEYS[4] order it joins; ARGV[1] field, ARGV[2] JSON,
 * ARGV[3] since, ARGV[4] limit. Moves one row from one kind to the other in one step (a holder that stops between two
 * writes must not leave a row both watched and settled, or neither), then drops the oldest beyond the limit.
 */
const MOVE_SCRIPT = `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
${dropOldestBeyondLimitLua(3, 4, 4)}
return 1
`;

/** The email watch's state shared by every instance. Throws StoreUnavailable when Redis fails. */
export class RedisEmailWatchStateStore implements EmailWatchStateStore {
  constructor(
    private readonly connection: RedisConnection,
    /** Stores.digest: the same key on every instance, or one instance cannot find what another stored. */
    private readonly digest: (data: string) => string,
    private readonly limit = EMAIL_WATCH_LIMIT,
  ) {}

  async watched(): Promise<WatchedEmailVerification[] | null> {
    const replies = await this.call(async () => committed(await this.connection.client.multi().get(EMAIL_WATCH_STARTED_KEY).hgetall(EMAIL_WATCH_WATCHED_KEY).exec()));
    const started = replies[0]![1] as string | null;
    const fields = replies[1]![1] as Record<string, string>;
    if (started === null) return null;
    const rows = new Map<string, WatchedEmailVerification>();
    const stale: string[] = [];
    // One entry per row: the one under the current field, else the newest of those under another.
    for (const [field, value] of Object.entries(fields)) {
      const row = JSON.parse(value) as WatchedEmailVerification;
      if (field === this.digest(row.key)) continue;
      stale.push(field);
      if ((rows.get(row.key)?.since ?? -Infinity) < row.since) rows.set(row.key, row);
    }
    for (const [field, value] of Object.entries(fields)) {
      const row = JSON.parse(value) as WatchedEmailVerification;
      if (field === this.digest(row.key)) rows.set(row.key, row);
    }
    if (stale.length > 0) await this.refield(stale, fields, [...rows.values()]);
    return [...rows.values()];
  }

  /**
   * Moves rows stored under a digest of another key to the current one. The digest key is derived from every
   * credential unless GATEWAY_DIGEST_SECRET is set, so adding an API key changes it; left as they were, such rows
   * could never be moved or dropped again (watch, settle and unwatch find rows by the current digest) and would be
   * re-read and announced anew by every new holder of the lease. Settled rows keep no row key and cannot be moved:
   * missed, a resent row is announced as pending from no status.
   */
  private async refield(stale: string[], fields: Record<string, string>, rows: WatchedEmailVerification[]): Promise<void> {
    const transaction = this.connection.client.multi().hdel(EMAIL_WATCH_WATCHED_KEY, ...stale).zrem(EMAIL_WATCH_WATCHED_ORDER_KEY, ...stale);
    for (const row of rows) {
      const field = this.digest(row.key);
      if (fields[field] !== undefined) continue;
      transaction.hset(EMAIL_WATCH_WATCHED_KEY, field, JSON.stringify(row)).zadd(EMAIL_WATCH_WATCHED_ORDER_KEY, row.since, field);
    }
    await this.call(async () => committed(await transaction.exec()));
  }

  async begin(rows: WatchedEmailVerification[]): Promise<void> {
    const kept = rows.slice(-this.limit);
    const transaction = this.connection.client
      .multi()
      .del(EMAIL_WATCH_WATCHED_KEY, EMAIL_WATCH_WATCHED_ORDER_KEY)
      .set(EMAIL_WATCH_STARTED_KEY, String(Date.now()));
    if (kept.length > 0) {
      transaction.hset(EMAIL_WATCH_WATCHED_KEY, ...kept.flatMap((row) => [this.digest(row.key), JSON.stringify(row)]));
      transaction.zadd(EMAIL_WATCH_WATCHED_ORDER_KEY, ...kept.flatMap((row) => [row.since, this.digest(row.key)]));
    }
    await this.call(async () => committed(await transaction.exec()));
  }

  async watch(row: WatchedEmailVerification): Promise<void> {
    await this.move(row.key, 'settled', JSON.stringify(row), row.since);
  }

  async settle(key: string, settled: SettledEmailVerification): Promise<void> {
    await this.move(key, 'watched', JSON.stringify(settled), settled.since);
  }

  async unwatch(key: string): Promise<void> {
    const field = this.digest(key);
    await this.call(async () => committed(await this.connection.client.multi().hdel(EMAIL_WATCH_WATCHED_KEY, field).zrem(EMAIL_WATCH_WATCHED_ORDER_KEY, field).exec()));
  }

  async settledOf(keys: string[]): Promise<Map<string, SettledEmailVerification>> {
    const found = new Map<string, SettledEmailVerification>();
    if (keys.length === 0) return found;
    const values = await this.call(() => this.connection.client.hmget(EMAIL_WATCH_SETTLED_KEY, ...keys.map((key) => this.digest(key))));
    keys.forEach((key, i) => {
      const value = values[i];
      if (value) found.set(key, JSON.parse(value) as SettledEmailVerification);
    });
    return found;
  }

  private async move(key: string, from: 'watched' | 'settled', json: string, since: number): Promise<void> {
    const [leave, join] =
      from === 'settled'
        ? [[EMAIL_WATCH_SETTLED_KEY, EMAIL_WATCH_SETTLED_ORDER_KEY], [EMAIL_WATCH_WATCHED_KEY, EMAIL_WATCH_WATCHED_ORDER_KEY]]
        : [[EMAIL_WATCH_WATCHED_KEY, EMAIL_WATCH_WATCHED_ORDER_KEY], [EMAIL_WATCH_SETTLED_KEY, EMAIL_WATCH_SETTLED_ORDER_KEY]];
    await this.call(() => this.connection.client.eval(MOVE_SCRIPT, 4, ...leave!, ...join!, this.digest(key), json, since, this.limit));
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new StoreUnavailable('the email watch state is unavailable', { cause: err });
    }
  }
}

/** MULTI's reply, once every command in it succeeded (null means the transaction was aborted). */
function committed(replies: [Error | null, unknown][] | null): [Error | null, unknown][] {
  if (!replies) throw new Error('transaction aborted');
  for (const [err] of replies) if (err) throw err;
  return replies;
}
