import type { RedisConnection } from './redis-connection.js';
import { StoreUnavailable } from './store-errors.js';

/**
 * Once-only markers shared by every instance: the first caller to claim a key gets true, every later one false, until
 * the claim expires. Deadline reminders use one per (request, deadline, threshold), so each is emitted exactly once
 * whichever instance runs the scan, and a lease that changes hands mid-scan sends nothing twice.
 */
export interface Claims {
  /** SET NX semantics. Redis: throws StoreUnavailable when Redis fails (then nothing may be emitted). */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Whether the key is claimed now, without claiming it. Redis: throws StoreUnavailable when Redis fails. */
  isClaimed(key: string): Promise<boolean>;
  /** Milliseconds until a held claim expires (0 when not held), to tell a refused caller when to try again. Never throws: null when unknown. */
  heldForMs(key: string): Promise<number | null>;
  /** Gives a claim back (its work failed and should be retried). Never throws. */
  release(key: string): Promise<void>;
}

/** `vgw:claim:<key>`. */
export function claimKey(key: string): string {
  return `vgw:claim:${key}`;
}

/** Claims within one process (no REDIS_URL): a set with expiry, swept as it grows. */
export class MemoryClaims implements Claims {
  private readonly held = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const expiresAt = this.held.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    if (this.held.size >= 10_000) for (const [held, until] of this.held) if (until <= now) this.held.delete(held);
    this.held.set(key, now + ttlMs);
    return true;
  }

  async isClaimed(key: string): Promise<boolean> {
    const expiresAt = this.held.get(key);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  async heldForMs(key: string): Promise<number | null> {
    const expiresAt = this.held.get(key);
    return expiresAt === undefined ? 0 : Math.max(0, expiresAt - this.now());
  }

  async release(key: string): Promise<void> {
    this.held.delete(key);
  }
}

/** SET key 1 NX PX ttl. */
export class RedisClaims implements Claims {
  constructor(private readonly connection: RedisConnection) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    try {
      return (await this.connection.client.set(claimKey(key), '1', 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
    } catch (err) {
      throw new StoreUnavailable('claims are unavailable', { cause: err });
    }
  }

  async isClaimed(key: string): Promise<boolean> {
    try {
      return (await this.connection.client.exists(claimKey(key))) === 1;
    } catch (err) {
      throw new StoreUnavailable('claims are unavailable', { cause: err });
    }
  }

  async heldForMs(key: string): Promise<number | null> {
    try {
      // PTTL: -2 no such key, -1 no expiry (never written so here).
      return Math.max(0, await this.connection.client.pttl(claimKey(key)));
    } catch {
      return null;
    }
  }

  async release(key: string): Promise<void> {
    try {
      await this.connection.client.del(claimKey(key));
    } catch {
      // The claim expires by itself.
    }
  }
}
