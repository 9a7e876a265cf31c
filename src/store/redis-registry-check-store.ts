import type { RegistryCheck } from '../domain/registry-check.js';
import type { RedisConnection } from './redis-connection.js';
import { REGISTRY_CHECK_TTL_MS, type DuePoll, type RegistryCheckStore, type ScheduledPoll } from './registry-check-store.js';
import { StoreUnavailable } from './store-errors.js';

/** `vgw:registry-check:<id>`: one key per check, so each expires on its own. */
export function registryCheckKey(id: string): string {
  return `vgw:registry-check:${id}`;
}

/**
 * The decision-poll schedule: a sorted set of check ids by next poll time and a hash of attempts. The hash tag keeps
 * both in one Redis Cluster slot, so they change together in one MULTI.
 */
export const REGISTRY_CHECK_POLLS_KEY = 'vgw:{registry-check-polls}:due';
export const REGISTRY_CHECK_POLL_ATTEMPTS_KEY = 'vgw:{registry-check-polls}:attempts';

/** Registry checks shared by every instance, each expiring REGISTRY_CHECK_TTL_MS after its last write. */
export class RedisRegistryCheckStore implements RegistryCheckStore {
  constructor(private readonly connection: RedisConnection) {}

  async put(check: RegistryCheck): Promise<void> {
    await this.call(() => this.connection.client.set(registryCheckKey(check.id), JSON.stringify(check), 'PX', REGISTRY_CHECK_TTL_MS));
    if (check.status !== 'PENDING') await this.schedulePoll(check.id, null);
  }

  async schedulePoll(id: string, poll: ScheduledPoll | null): Promise<void> {
    const client = this.connection.client;
    await this.call(() =>
      poll
        ? client.multi().zadd(REGISTRY_CHECK_POLLS_KEY, poll.at, id).hset(REGISTRY_CHECK_POLL_ATTEMPTS_KEY, id, poll.attempts).exec()
        : client.multi().zrem(REGISTRY_CHECK_POLLS_KEY, id).hdel(REGISTRY_CHECK_POLL_ATTEMPTS_KEY, id).exec(),
    );
  }

  async duePolls(now: number, limit: number): Promise<DuePoll[]> {
    const client = this.connection.client;
    const ids = await this.call(() => client.zrangebyscore(REGISTRY_CHECK_POLLS_KEY, '-inf', now, 'LIMIT', 0, limit));
    if (ids.length === 0) return [];
    const attempts = await this.call(() => client.hmget(REGISTRY_CHECK_POLL_ATTEMPTS_KEY, ...ids));
    return ids.map((id, index) => ({ id, attempts: Number(attempts[index] ?? 0) || 0 }));
  }

  async get(id: string): Promise<RegistryCheck | null> {
    const raw = await this.call(() => this.connection.client.get(registryCheckKey(id)));
    return raw ? (JSON.parse(raw) as RegistryCheck) : null;
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new StoreUnavailable('registry checks are unavailable', { cause: err });
    }
  }
}
