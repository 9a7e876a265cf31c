import type { RegistryCheck } from '../domain/registry-check.js';
import type { RedisConnection } from './redis-connection.js';
import { REGISTRY_CHECK_TTL_MS, type RegistryCheckStore } from './registry-check-store.js';
import { StoreUnavailable } from './store-errors.js';

/** `vgw:registry-check:<id>`: one key per check, so each expires on its own. */
export function registryCheckKey(id: string): string {
  return `vgw:registry-check:${id}`;
}

/** Registry checks shared by every instance, each expiring REGISTRY_CHECK_TTL_MS after its last write. */
export class RedisRegistryCheckStore implements RegistryCheckStore {
  constructor(private readonly connection: RedisConnection) {}

  async put(check: RegistryCheck): Promise<void> {
    await this.call(() => this.connection.client.set(registryCheckKey(check.id), JSON.stringify(check), 'PX', REGISTRY_CHECK_TTL_MS));
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
