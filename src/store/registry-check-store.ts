import type { RegistryCheck } from '../domain/registry-check.js';

/**
 * National-ID registry checks by id. Stored, never cached: a check holds personal data (the confirmed person) and at
 * most the last four characters of the ID number. Redis implementations throw StoreUnavailable when Redis fails.
 */
export interface RegistryCheckStore {
  /** Inserts or replaces by id. A check that is no longer PENDING leaves the decision-poll schedule. */
  put(check: RegistryCheck): Promise<void>;
  get(id: string): Promise<RegistryCheck | null>;
  /**
   * When to poll the provider for the decision of a PENDING check (epoch ms) and how many polls were made so far;
   * null takes the check off the schedule. Shared by every instance, so a restart or another instance resumes it.
   */
  schedulePoll(id: string, poll: ScheduledPoll | null): Promise<void>;
  /** Checks whose poll is due at `now` (epoch ms), soonest first, at most `limit`. */
  duePolls(now: number, limit: number): Promise<DuePoll[]>;
}

/** The next decision poll of a check. */
export interface ScheduledPoll {
  at: number;
  attempts: number;
}

export interface DuePoll {
  id: string;
  attempts: number;
}

/** How long a registry check is kept: 90 days, then the personal data in it is gone. */
export const REGISTRY_CHECK_TTL_MS = 90 * 24 * 3600_000;

/**
 * The store of a single gateway process. Keeps a check REGISTRY_CHECK_TTL_MS like Redis does (expired ones are
 * dropped when read). Copies on the way in and out.
 */
export class MemoryRegistryCheckStore implements RegistryCheckStore {
  private readonly checks = new Map<string, { check: RegistryCheck; expiresAt: number }>();
  private readonly polls = new Map<string, ScheduledPoll>();

  constructor(private readonly now: () => number = Date.now) {}

  async put(check: RegistryCheck): Promise<void> {
    this.checks.set(check.id, { check: structuredClone(check), expiresAt: this.now() + REGISTRY_CHECK_TTL_MS });
    if (check.status !== 'PENDING') this.polls.delete(check.id);
  }

  async schedulePoll(id: string, poll: ScheduledPoll | null): Promise<void> {
    if (poll) this.polls.set(id, { ...poll });
    else this.polls.delete(id);
  }

  async duePolls(now: number, limit: number): Promise<DuePoll[]> {
    return [...this.polls.entries()]
      .filter(([, poll]) => poll.at <= now)
      .sort(([, a], [, b]) => a.at - b.at)
      .slice(0, limit)
      .map(([id, poll]) => ({ id, attempts: poll.attempts }));
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
