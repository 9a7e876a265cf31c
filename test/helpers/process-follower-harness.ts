import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { realtimeRegisterMetrics } from '../../src/observability/realtime-register-metrics.js';
import type { RtrProcessState } from '../../src/providers/realtime-register/processes.js';
import type { EventService } from '../../src/services/events.js';
import { createProcessFollower, type ProcessFollower } from '../../src/services/process-follower.js';
import { MemoryLocks } from '../../src/store/locks.js';
import { MemoryProcessFollowUpStore, type ProcessFollowUp } from '../../src/store/process-follow-up-store.js';
import { MemoryVerificationRequestStore } from '../../src/store/verification-request-store.js';

const HOUR = 3_600_000;

export interface ProcessFollowerHarness {
  follower: ProcessFollower;
  followUps: MemoryProcessFollowUpStore;
  requests: MemoryVerificationRequestStore;
  /** Every log line, parsed. */
  lines: Record<string, unknown>[];
  /** Every event the follower recorded, with its dedupe key. */
  recorded: { payload: unknown; dedupeKey: string | undefined }[];
  /** How often the provider was asked. */
  asked(): number;
  /** Moves the clock to the follow-up's next check and runs one round; the follow-up as stored afterwards (null: ended). */
  checkWhenDue(processId: string): Promise<ProcessFollowUp | null>;
  /** Sets the clock. */
  at(ms: number): void;
}

/**
 * The process follower over memory stores, a provider answering as `answer` says, and a clock the test moves. Rounds
 * run when the test says (checkWhenDue): the follower's own timer (hourly) is too slow to fire during a test. Stopped by
 * the returned cleanup.
 */
export function processFollowerHarness(options: {
  startAt: number;
  answer: (processId: string) => Promise<RtrProcessState | null>;
}): { harness: ProcessFollowerHarness; cleanup: () => Promise<void> } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, callback) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        callback();
      },
    }),
  });
  let now = options.startAt;
  let asked = 0;
  const followUps = new MemoryProcessFollowUpStore();
  const requests = new MemoryVerificationRequestStore();
  const recorded: ProcessFollowerHarness['recorded'] = [];
  const events = {
    record: async (payload: unknown, recordOptions?: { dedupeKey?: string }) => {
      recorded.push({ payload, dedupeKey: recordOptions?.dedupeKey });
      return { event: payload, duplicate: false };
    },
  } as unknown as EventService;
  const follower = createProcessFollower({
    lifecycle: { requests, followUps, events, logger, followInitialMs: 1_000, now: () => new Date(now) },
    processes: {
      getProcess: async (processId) => {
        asked++;
        return options.answer(processId);
      },
    },
    locks: new MemoryLocks(),
    tickMs: HOUR,
    maxDelayMs: 30_000,
    slowAfterMs: 24 * HOUR,
    slowIntervalMs: 15 * 60_000,
    metrics: realtimeRegisterMetrics(createMetrics().registry),
    logger,
  });
  follower.start();
  const harness: ProcessFollowerHarness = {
    follower,
    followUps,
    requests,
    lines,
    recorded,
    asked: () => asked,
    async checkWhenDue(processId) {
      const followUp = await followUps.get(processId);
      if (followUp) now = Math.max(now, followUp.nextCheckAt);
      await follower.followNow();
      return followUps.get(processId);
    },
    at: (ms) => {
      now = ms;
    },
  };
  return { harness, cleanup: () => follower.stop() };
}
