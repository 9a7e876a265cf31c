import type { EmailVerificationStatus } from '../domain/email-verification.js';

/** A row the email-status watcher watches (it was on the pending list), with the status it was last seen at. */
export interface WatchedEmailVerification {
  /** emailVerificationKey: provider, address and domain. Kept readable: a row that leaves the list is read by it. */
  key: string;
  status: EmailVerificationStatus;
  /**
   * Epoch ms the row was first seen at this status, strictly later than its previous entry's: it names the change in
   * the event's dedupe key, so whichever instance announces the next move of the row, it is the same key.
   */
  since: number;
}

/** Where a row that left the pending list ended up (a resend makes it pending again, and the event says from what). */
export interface SettledEmailVerification {
  status: EmailVerificationStatus;
  /** As WatchedEmailVerification.since. */
  since: number;
}

/**
 * What the email-status watcher has seen, shared by every instance (Redis) so that the next holder of its lease, or the
 * same gateway restarted, carries on from it: a row that left the pending list while nobody watched is still found
 * and announced. Bounded, oldest dropped first: EMAIL_WATCH_LIMIT watched rows and as many settled ones. Redis
 * implementations throw StoreUnavailable when Redis fails.
 */
export interface EmailWatchStateStore {
  /** Every watched row, or null when no watcher ever stored a first look (then it learns the current state). */
  watched(): Promise<WatchedEmailVerification[] | null>;
  /** Stores a first look: exactly these rows are watched from now on. */
  begin(rows: WatchedEmailVerification[]): Promise<void>;
  /** The row is watched at this status from now on, no longer settled. */
  watch(row: WatchedEmailVerification): Promise<void>;
  /** The watched row `key` left the pending list at this status: settled, no longer watched. */
  settle(key: string, settled: SettledEmailVerification): Promise<void>;
  /** The watched row `key` is gone (the provider no longer has it): no longer watched. */
  unwatch(key: string): Promise<void>;
  /** Where each of these rows last settled (rows never settled, or dropped by the bound, are absent). */
  settledOf(keys: string[]): Promise<Map<string, SettledEmailVerification>>;
}

/**
 * Rows kept of each kind. A round reads at most 2,000 pending rows by default (20 pages of 100), so the watched bound
 * only bites on a list far beyond that; the settled one keeps the last 10,000 rows that left it (as the watcher's own
 * memory did before it was stored). A settled row dropped and later resent is announced as pending from no status.
 */
export const EMAIL_WATCH_LIMIT = 10_000;

/** The state of a single gateway process (no REDIS_URL): insertion order is age order. */
export class MemoryEmailWatchStateStore implements EmailWatchStateStore {
  private watchedRows: Map<string, WatchedEmailVerification> | null = null;
  private readonly settledRows = new Map<string, SettledEmailVerification>();

  constructor(private readonly limit = EMAIL_WATCH_LIMIT) {}

  async watched(): Promise<WatchedEmailVerification[] | null> {
    return this.watchedRows ? [...this.watchedRows.values()].map((row) => ({ ...row })) : null;
  }

  async begin(rows: WatchedEmailVerification[]): Promise<void> {
    this.watchedRows = new Map();
    for (const row of rows) this.put(this.watchedRows, row.key, { ...row });
  }

  async watch(row: WatchedEmailVerification): Promise<void> {
    this.settledRows.delete(row.key);
    this.put((this.watchedRows ??= new Map()), row.key, { ...row });
  }

  async settle(key: string, settled: SettledEmailVerification): Promise<void> {
    this.watchedRows?.delete(key);
    this.put(this.settledRows, key, { ...settled });
  }

  async unwatch(key: string): Promise<void> {
    this.watchedRows?.delete(key);
  }

  async settledOf(keys: string[]): Promise<Map<string, SettledEmailVerification>> {
    const found = new Map<string, SettledEmailVerification>();
    for (const key of keys) {
      const settled = this.settledRows.get(key);
      if (settled) found.set(key, { ...settled });
    }
    return found;
  }

  /** Sets `key` as the newest entry, dropping the oldest beyond the limit. */
  private put<T>(rows: Map<string, T>, key: string, value: T): void {
    rows.delete(key);
    rows.set(key, value);
    while (rows.size > this.limit) rows.delete(rows.keys().next().value!);
  }
}
