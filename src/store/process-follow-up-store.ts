import type { RedisConnection } from './redis-connection.js';
import { StoreUnavailable } from './store-errors.js';

/**
 * A provider process the gateway still has to follow to its end: evidence answered 202 made a request PROCESSING,
 * and someone must ask the provider how the process ended. Persisted, so a restart (or another instance taking the
 * lease) carries on where the last holder stopped, backoff included.
 */
export interface ProcessFollowUp {
  processId: string;
  /** The verification request whose submission the process carries. */
  requestId: string;
  customer: string | null;
  /** When the evidence was sent (the submission's submittedAt). */
  since: string;
  /** Epoch ms of the next check. */
  nextCheckAt: number;
  /** The wait before the check after next, should the next one still find the process running. */
  delayMs: number;
  /** Checks made so far. */
  checks: number;
  /**
   * Unfinished for longer than the slow-down threshold: checked at the slow interval from then on, and the warning
   * about it was logged (once, whichever instance holds the lease). Absent on records written before it existed.
   */
  slow?: boolean;
  /**
   * Checks in a row answered 404 without RTR's "no such object" type (an empty body, another type): one such answer may
   * be a proxy's or a deploy's blip, several in a row mean the process is gone. Absent: none.
   */
  unexplainedNotFound?: number;
}

/** Pending follow-ups by process id. Redis implementations throw StoreUnavailable when Redis fails. */
export interface ProcessFollowUpStore {
  /** Inserts or replaces by processId. */
  put(followUp: ProcessFollowUp): Promise<void>;
  get(processId: string): Promise<ProcessFollowUp | null>;
  /** Every pending follow-up (they are few: processes end within seconds to minutes). */
  list(): Promise<ProcessFollowUp[]>;
  remove(processId: string): Promise<void>;
}

export class MemoryProcessFollowUpStore implements ProcessFollowUpStore {
  private readonly followUps = new Map<string, ProcessFollowUp>();

  async put(followUp: ProcessFollowUp): Promise<void> {
    this.followUps.set(followUp.processId, { ...followUp });
  }

  async get(processId: string): Promise<ProcessFollowUp | null> {
    const followUp = this.followUps.get(processId);
    return followUp ? { ...followUp } : null;
  }

  async list(): Promise<ProcessFollowUp[]> {
    return [...this.followUps.values()].map((followUp) => ({ ...followUp }));
  }

  async remove(processId: string): Promise<void> {
    this.followUps.delete(processId);
  }
}

/** One hash: field = process id, value = JSON. */
export const PROCESS_FOLLOW_UPS_KEY = 'vgw:{followups}:rtr-processes';

export class RedisProcessFollowUpStore implements ProcessFollowUpStore {
  constructor(private readonly connection: RedisConnection) {}

  async put(followUp: ProcessFollowUp): Promise<void> {
    await this.call(() => this.connection.client.hset(PROCESS_FOLLOW_UPS_KEY, followUp.processId, JSON.stringify(followUp)));
  }

  async get(processId: string): Promise<ProcessFollowUp | null> {
    const raw = await this.call(() => this.connection.client.hget(PROCESS_FOLLOW_UPS_KEY, processId));
    return raw ? (JSON.parse(raw) as ProcessFollowUp) : null;
  }

  async list(): Promise<ProcessFollowUp[]> {
    const raws = await this.call(() => this.connection.client.hvals(PROCESS_FOLLOW_UPS_KEY));
    return raws.map((raw) => JSON.parse(raw) as ProcessFollowUp);
  }

  async remove(processId: string): Promise<void> {
    await this.call(() => this.connection.client.hdel(PROCESS_FOLLOW_UPS_KEY, processId));
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new StoreUnavailable('process follow-ups are unavailable', { cause: err });
    }
  }
}
