import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import type { RedisConnection } from './redis-connection.js';

/** A held lock. It expires by itself after its TTL unless renewed, so a crashed holder never blocks the job forever. */
export interface Lease {
  /** Extends the lease by its TTL. False when it was lost (expired and taken, or Redis unreachable): stop the job. */
  renew(): Promise<boolean>;
  /** Gives the lock up if still ours. Never throws; an unreleased lease simply expires. */
  release(): Promise<void>;
}

/** Named mutual exclusion across gateway instances, for durable jobs that must run on one instance at a time. */
export interface Locks {
  /**
   * The lease, or null when another holder has it. Redis: also null when Redis is unreachable (either way, try
   * again later).
   */
  acquire(name: string, ttlMs: number): Promise<Lease | null>;
}

/** `vgw:lock:<name>`. */
export function lockKey(name: string): string {
  return `vgw:lock:${name}`;
}

/** Locks within one process (no REDIS_URL): one instance, so this only guards against overlapping runs. */
export class MemoryLocks implements Locks {
  private readonly held = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(name: string, ttlMs: number): Promise<Lease | null> {
    const current = this.held.get(name);
    if (current && current.expiresAt > this.now()) return null;
    const token = randomUUID();
    this.held.set(name, { token, expiresAt: this.now() + ttlMs });
    const ours = (): boolean => {
      const entry = this.held.get(name);
      return !!entry && entry.token === token && entry.expiresAt > this.now();
    };
    return {
      renew: async () => {
        if (!ours()) return false;
        this.held.set(name, { token, expiresAt: this.now() + ttlMs });
        return true;
      },
      release: async () => {
        if (ours()) this.held.delete(name);
      },
    };
  }
}

/** Renews only while the key still holds our token. */
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** Deletes only while the key still holds our token, so a late release never frees someone else's lock. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Locks shared by every instance: SET NX PX with a random token; renew and release compare the token in Lua. */
export class RedisLocks implements Locks {
  constructor(
    private readonly connection: RedisConnection,
    private readonly logger?: Logger,
  ) {}

  async acquire(name: string, ttlMs: number): Promise<Lease | null> {
    const key = lockKey(name);
    const token = randomUUID();
    const client = this.connection.client;
    try {
      if ((await client.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return null;
    } catch (err) {
      this.logger?.debug({ lock: name, error: err instanceof Error ? err.message : String(err) }, 'lock not acquired: redis unavailable');
      return null;
    }
    return {
      renew: async () => {
        try {
          return (await client.eval(RENEW_SCRIPT, 1, key, token, ttlMs)) === 1;
        } catch {
          return false;
        }
      },
      release: async () => {
        try {
          await client.eval(RELEASE_SCRIPT, 1, key, token);
        } catch {
          // It expires by itself.
        }
      },
    };
  }
}
