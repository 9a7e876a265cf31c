import type { QuarantinedDelivery } from '../domain/quarantined-delivery.js';

/**
 * Deliveries the gateway took but could not use, newest first, for operators (GET /operator/quarantine). Bounded: the
 * oldest entries make room once QUARANTINE_CAPACITY is reached. Redis implementations throw StoreUnavailable.
 */
export interface QuarantineStore {
  /** Keeps the delivery unless one with the same id is already kept; true when it was new. */
  add(delivery: QuarantinedDelivery): Promise<boolean>;
  /** Newest first. */
  list(limit: number): Promise<QuarantinedDelivery[]>;
}

/** Entries kept per gateway deployment (about 16 KB each at most). */
export const QUARANTINE_CAPACITY = 1_000;

/** The store of a single gateway process: insertion order is age order. */
export class MemoryQuarantineStore implements QuarantineStore {
  private readonly entries = new Map<string, QuarantinedDelivery>();

  constructor(private readonly capacity = QUARANTINE_CAPACITY) {}

  async add(delivery: QuarantinedDelivery): Promise<boolean> {
    if (this.entries.has(delivery.id)) return false;
    this.entries.set(delivery.id, structuredClone(delivery));
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return true;
  }

  async list(limit: number): Promise<QuarantinedDelivery[]> {
    return [...this.entries.values()].reverse().slice(0, limit).map((entry) => structuredClone(entry));
  }
}
