import type { VerificationRequest } from '../domain/verification-request.js';
import type { RedisConnection } from './redis-connection.js';
import { sleep } from './deadline.js';
import { StoreUnavailable } from './store-errors.js';
import type { VerificationRequestStore } from './verification-request-store.js';

/**
 * One hash holding every request: field = request id, value = JSON. One key keeps list() a single HVALS and
 * lives in one cluster slot; the data is small (requests arrive a few per contact per year). No expiry: a request is
 * a registry's demand the dashboard must keep showing.
 */
export const VERIFICATION_REQUESTS_KEY = 'vgw:{requests}:all';

/**
 * Compare-and-set of one field: writes ARGV[3] only while the field still holds ARGV[2] (the JSON that was read).
 * A script, not WATCH/MULTI: the connection is shared by concurrent callers, and WATCH is per connection.
 */
const COMPARE_AND_SET = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end
return 0
`;

/**
 * Concurrent writers of one request are few (a mutation, the follower, the scan); a losing writer reads again after a
 * short random pause, so even a burst of them all get through within these attempts.
 */
const UPDATE_ATTEMPTS = 30;

/** Verification requests shared by every instance. Throws StoreUnavailable when Redis fails. */
export class RedisVerificationRequestStore implements VerificationRequestStore {
  constructor(private readonly connection: RedisConnection) {}

  async put(request: VerificationRequest): Promise<void> {
    await this.call(() => this.connection.client.hset(VERIFICATION_REQUESTS_KEY, request.id, JSON.stringify(request)));
  }

  async get(id: string): Promise<VerificationRequest | null> {
    const raw = await this.call(() => this.connection.client.hget(VERIFICATION_REQUESTS_KEY, id));
    return raw ? (JSON.parse(raw) as VerificationRequest) : null;
  }

  async list(): Promise<VerificationRequest[]> {
    const raws = await this.call(() => this.connection.client.hvals(VERIFICATION_REQUESTS_KEY));
    return raws.map((raw) => JSON.parse(raw) as VerificationRequest);
  }

  async update(id: string, change: (current: VerificationRequest) => VerificationRequest | null): Promise<VerificationRequest | null> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const raw = await this.call(() => this.connection.client.hget(VERIFICATION_REQUESTS_KEY, id));
      if (!raw) return null;
      const next = change(JSON.parse(raw) as VerificationRequest);
      if (!next) return JSON.parse(raw) as VerificationRequest;
      const written = await this.call(() => this.connection.client.eval(COMPARE_AND_SET, 1, VERIFICATION_REQUESTS_KEY, id, raw, JSON.stringify(next)));
      if (written === 1) return next;
      await sleep(Math.random() * Math.min(50, 2 * (attempt + 1)));
    }
    throw new StoreUnavailable(`verification request ${id} kept changing under concurrent writers; try again`);
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new StoreUnavailable('verification requests are unavailable', { cause: err });
    }
  }
}
