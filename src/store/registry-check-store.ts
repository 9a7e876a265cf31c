import type { RegistryCheck } from '../domain/registry-check.js';

/**
 * National-ID registry checks by id. Stored, never cached: a check holds personal data (the confirmed person) and at
 * most the last four characters of the ID number. Redis implementations throw StoreUnavailable when Redis fails.
 */
export interface RegistryCheckStore {
  /** Inserts or replaces by id. */
  put(check: RegistryCheck): Promise<void>;
  get(id: string): Promise<RegistryCheck | null>;
}

/** How long a registry check is kept: 90 days, then the personal data in it is gone. */
export const REGISTRY_CHECK_TTL_MS = 90 * 24 * 3600_000;

/**
 * The store of a single gateway process. Keeps a check REGISTRY_CHECK_TTL_MS like Redis does (expired ones are
 * dropped when read). Copies on the way in and out.
 */
export class MemoryRegistryCheckStore implements RegistryCheckStore {
  private readonly checks = new Map<string, { check: RegistryCheck; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async put(check: RegistryCheck): Promise<void> {
    this.checks.set(check.id, { check: structuredClone(check), expiresAt: this.now() + REGISTRY_CHECK_TTL_MS });
  }

  async get(id: string): Promise<RegistryCheck | null> {
    const entry = this.checks.get(id);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.checks.delete(id);
      return null;
    }
    return structuredClone(entry.check);
  }
}
