import type { QuarantinedDelivery } from '../domain/quarantined-delivery.js';
import { QUARANTINE_CAPACITY, type QuarantineStore } from './quarantine-store.js';
import { dropOldestBeyondLimitLua } from './redis-bounded-hash.js';
import type { RedisConnection } from './redis-connection.js';
import { StoreUnavailable } from './store-errors.js';

/** Entries by id (a hash) and their age order (a sorted set by arrival time), in one cluster slot. */
export const QUARANTINE_ENTRIES_KEY = 'vgw:{quarantine}:entries';
export const QUARANTINE_ORDER_KEY = 'vgw:{quarantine}:order';

/**
 * KEYS[1] entries, KEYS[2] order; ARGV[1] id, ARGV[2] JSON, ARGV[3] arrival ms, ARGV[4] capacity. Adds once, then
 * evicts the oldest beyond capacity. Returns 1 when added, 0 when the id was already kept.
 */
const ADD_SCRIPT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
${dropOldestBeyondLimitLua(1, 2, 4)}
return 1
`;

/** The quarantine shared by every instance. Throws StoreUnavailable when Redis fails. */
export class RedisQuarantineStore implements QuarantineStore {
  constructor(
    private readonly connection: RedisConnection,
    private readonly capacity = QUARANTINE_CAPACITY,
  ) {}

  async add(delivery: QuarantinedDelivery): Promise<boolean> {
    const arrival = Date.parse(delivery.receivedAt) || Date.now();
    const added = await this.call(() =>
      this.connection.client.eval(ADD_SCRIPT, 2, QUARANTINE_ENTRIES_KEY, QUARANTINE_ORDER_KEY, delivery.id, JSON.stringify(delivery), arrival, this.capacity),
    );
    return added === 1;
  }

  async list(limit: number): Promise<QuarantinedDelivery[]> {
    const ids = await this.call(() => this.connection.client.zrevrange(QUARANTINE_ORDER_KEY, 0, Math.max(0, limit - 1)));
    if (ids.length === 0) return [];
    const raws = await this.call(() => this.connection.client.hmget(QUARANTINE_ENTRIES_KEY, ...ids));
    return raws.filter((raw): raw is string => raw !== null).map((raw) => JSON.parse(raw) as QuarantinedDelivery);
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new StoreUnavailable('the quarantine is unavailable', { cause: err });
    }
  }
}
