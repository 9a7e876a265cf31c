import { rtrError } from './realtime-register-contacts.js';
import type { SimResponse } from './simulator-server.js';

/** How a process ends; FORGOTTEN: GET /v2/processes/{id} answers 404 (RTR no longer knows it). */
export const SIM_PROCESS_OUTCOMES = ['COMPLETED', 'FAILED', 'INVALID', 'CANCELLED', 'FORGOTTEN'] as const;
export type SimProcessOutcome = (typeof SIM_PROCESS_OUTCOMES)[number];

/** The plan for a handle's next asynchronous writes (POST /__control/processes). */
export interface ProcessPlan {
  handle: string;
  /** Answer this handle's updates 202 whatever the simulator's asyncShare. Default true. */
  async?: boolean;
  outcome: SimProcessOutcome;
  /** GETs answered RUNNING before the final status. Default 1. */
  checks?: number;
  /** The failure's statusDetail / error message. */
  reason?: string;
}

/** A process as GET /v2/processes/{id} shows it (realtimeregister-ts models/process/Process.ts). */
interface SimProcess {
  id: number;
  customer: string;
  identifier: string;
  type: string;
  action: string;
  createdDate: string;
  updatedDate?: string;
  status: string;
  statusDetail?: string;
  error?: { message: string };
  /** Internal: what is left before it ends, how it ends, and what happens then. */
  plan: { checksLeft: number; outcome: SimProcessOutcome; reason: string; onComplete: () => void };
}

const DEFAULT_FAILURE = 'The registry refused the verification data.';

/**
 * The asynchronous processes behind 202 answers. Each starts NEW, answers RUNNING for a number of GETs, then ends
 * COMPLETED (its write is applied only then), FAILED / INVALID / CANCELLED (the write is dropped, with a reason), or
 * is forgotten (404). Without a plan for the handle the ending is seeded: most complete after one to three checks,
 * one in seven fails.
 */
export class ProcessBook {
  private readonly processes = new Map<number, SimProcess>();
  private readonly plans = new Map<string, ProcessPlan>();
  private nextId = 500_001;

  constructor(
    private readonly random: () => number,
    private readonly now: () => Date,
  ) {}

  /**
   * Sets the plan for a handle's asynchronous writes: the next ones, and those of its processes still running (so a
   * test can hold a process open and then let it end). Throws on bad input.
   */
  plan(plan: ProcessPlan): ProcessPlan {
    if (typeof plan.handle !== 'string' || plan.handle === '') throw new Error('handle is required');
    if (!(SIM_PROCESS_OUTCOMES as readonly string[]).includes(plan.outcome)) throw new Error(`outcome must be one of ${SIM_PROCESS_OUTCOMES.join(', ')}`);
    if (plan.checks !== undefined && (!Number.isInteger(plan.checks) || plan.checks < 0 || plan.checks > 10_000)) throw new Error('checks must be 0 to 10000');
    const kept = { async: true, checks: 1, ...plan };
    this.plans.set(plan.handle, kept);
    for (const process of this.processes.values()) {
      if (process.identifier !== plan.handle || (process.status !== 'NEW' && process.status !== 'RUNNING')) continue;
      process.plan.checksLeft = kept.checks;
      process.plan.outcome = kept.outcome;
      process.plan.reason = kept.reason ?? process.plan.reason;
    }
    return kept;
  }

  clearPlans(): void {
    this.plans.clear();
  }

  /** True when the handle's writes must be answered 202. */
  forcesAsync(handle: string): boolean {
    return this.plans.get(handle)?.async === true;
  }

  /** A new process for an accepted write; `onComplete` runs when (and only if) it completes. Returns its id. */
  start(customer: string, identifier: string, action: string, onComplete: () => void): number {
    const id = this.nextId++;
    const plan = this.plans.get(identifier);
    const outcome: SimProcessOutcome = plan?.outcome ?? (this.random() < 1 / 7 ? 'FAILED' : 'COMPLETED');
    const checksLeft = plan?.checks ?? 1 + Math.floor(this.random() * 3);
    this.processes.set(id, {
      id,
      customer,
      identifier,
      type: 'contact',
      action,
      createdDate: this.timestamp(),
      status: 'NEW',
      plan: { checksLeft, outcome, reason: plan?.reason ?? DEFAULT_FAILURE, onComplete },
    });
    return id;
  }

  /** A write that needs no process of its own still gets an id (RTR names one on every accepted write). */
  reserveId(): number {
    return this.nextId++;
  }

  /** GET /v2/processes/{id}: RUNNING while checks are left, then the final status. */
  get(id: number): SimResponse {
    const process = this.processes.get(id);
    if (!process || (process.plan.checksLeft === 0 && process.plan.outcome === 'FORGOTTEN')) {
      return rtrError(404, 'ObjectDoesNotExist', `Process ${id} does not exist`);
    }
    if (process.plan.checksLeft > 0) {
      process.plan.checksLeft--;
      process.status = 'RUNNING';
    } else if (process.status === 'NEW' || process.status === 'RUNNING') {
      this.end(process);
    }
    const { plan: _plan, ...wire } = process;
    return { status: 200, body: wire };
  }

  /** Every process so far, for the control API. */
  list(): object[] {
    return [...this.processes.values()].map(({ plan, ...wire }) => ({ ...wire, outcome: plan.outcome }));
  }

  private end(process: SimProcess): void {
    const { outcome, reason } = process.plan;
    process.updatedDate = this.timestamp();
    if (outcome === 'COMPLETED') {
      process.status = 'COMPLETED';
      process.plan.onComplete();
      return;
    }
    process.status = outcome;
    process.statusDetail = reason;
    process.error = { message: reason };
  }

  private timestamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
