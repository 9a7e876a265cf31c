import type { VerificationRequest } from '../domain/verification-request.js';

/**
 * Registry demands (DENIC under NIS2) that a contact verify by a deadline, keyed by the gateway's request id.
 * Redis implementations throw StoreUnavailable when Redis fails; callers decide what that means.
 */
export interface VerificationRequestStore {
  /** Inserts or replaces by id. */
  put(request: VerificationRequest): Promise<void>;
  get(id: string): Promise<VerificationRequest | null>;
  /** Every stored request, in no particular order; callers filter and sort (effectiveRequestStatus, deadlines). */
  list(): Promise<VerificationRequest[]>;
  /**
   * Read-modify-write of one request, atomic against every other writer on any instance (the submitting mutation, the
   * process follower, the deadline scan): `change` gets the stored request and returns the one to store, or null to
   * leave it. Resolves with what is stored afterwards (null when there is no such request). `change` may run more
   * than once (after a concurrent write), so it must be pure.
   */
  update(id: string, change: (current: VerificationRequest) => VerificationRequest | null): Promise<VerificationRequest | null>;
}

/**
 * The store of a single gateway process. Unbounded: requests arrive a few per contact per year. Copies on the way in
 * and out, as Redis would, so callers cannot change a stored request by mutating an object.
 */
export class MemoryVerificationRequestStore implements VerificationRequestStore {
  private readonly requests = new Map<string, VerificationRequest>();

  async put(request: VerificationRequest): Promise<void> {
    this.requests.set(request.id, structuredClone(request));
  }

  async get(id: string): Promise<VerificationRequest | null> {
    const request = this.requests.get(id);
    return request ? structuredClone(request) : null;
  }

  async list(): Promise<VerificationRequest[]> {
    return [...this.requests.values()].map((request) => structuredClone(request));
  }

  /** No await between read and write: atomic within the one process that owns this store. */
  async update(id: string, change: (current: VerificationRequest) => VerificationRequest | null): Promise<VerificationRequest | null> {
    const current = this.requests.get(id);
    if (!current) return null;
    const next = change(structuredClone(current));
    if (next) this.requests.set(id, structuredClone(next));
    return structuredClone(next ?? current);
  }
}
