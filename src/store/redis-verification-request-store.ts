import type { VerificationRequest } from '../domain/verification-request.js';
import type { RedisConnection } from './redis-connection.js';
import { StoreUnavailable } from './store-errors.js';
import type { VerificationRequestStore } from './verification-request-store.js';

/**
 * One hash holding every request: field = request id, value = JSON. One key keeps list() a single HVALS and
 * lives in one cluster slot; the data is small (requests arrive a few per contact per year). No expiry: a request is
 * a registry's demand the dashboard must keep showing.
 */
export const VERIFICATION_REQUESTS_KEY = 'vgw:{requests}:all';

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

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new StoreUnavailable('verification requests are unavailable', { cause: err });
    }
  }
}
