import { afterEach, describe, expect, it } from 'vitest';
import type { VerificationRequest } from '../../src/domain/verification-request.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { EventService } from '../../src/services/events.js';
import { recordSubmission } from '../../src/services/verification-request-lifecycle.js';
import { processFollowerHarness } from '../helpers/process-follower-harness.js';

/**
 * The pace of a 202's follow-up, as the vendor's API spec advises (realtimeregister/skills processes.yaml: "Poll with
 * exponential backoff (start 1s, cap 30s)"): the schedule the real submission path writes, then the follower's.
 */
const SENT_AT = Date.parse('2026-03-02T10:00:00.000Z');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const openRequest: VerificationRequest = {
  id: 'rtr:4711',
  provider: 'REALTIME_REGISTER',
  customer: 'acme',
  contactHandle: 'h-4711',
  claims: ['NAME'],
  status: 'OPEN',
  message: 'verify',
  receivedAt: '2026-03-01T00:00:00.000Z',
  deDelegationDomain: null,
  deDelegationDeadline: null,
  deletionDomain: null,
  deletionDeadline: null,
  notificationId: '4711',
};

describe('the follow-up of a process', () => {
  it('checks it 1 s after the sending, then 2, 4, 8 and 16 s later, then every 30 s until it ends', async () => {
    let finished = false;
    const { harness, cleanup } = processFollowerHarness({
      startAt: SENT_AT,
      answer: async (processId) => ({ id: processId, status: finished ? 'COMPLETED' : 'RUNNING', outcome: finished ? 'COMPLETED' : 'PENDING', reason: null }),
    });
    cleanups.push(cleanup);
    await harness.requests.put(openRequest);
    const events = { record: async (payload: unknown) => ({ event: payload, duplicate: false }) } as unknown as EventService;
    await recordSubmission(
      { requests: harness.requests, followUps: harness.followUps, events, logger: silentLogger(), followInitialMs: 1_000, now: () => new Date(SENT_AT) },
      {
        customer: 'acme',
        handle: 'h-4711',
        verifications: [],
        requestId: openRequest.id,
        async: true,
        processId: '900',
        submittedAt: new Date(SENT_AT).toISOString(),
        submittedBy: 'desk',
      },
    );

    const checkedAt: number[] = [];
    for (let round = 0; round < 8; round++) {
      checkedAt.push((await harness.followUps.get('900'))!.nextCheckAt - SENT_AT);
      await harness.checkWhenDue('900');
    }
    expect(checkedAt).toEqual([1_000, 3_000, 7_000, 15_000, 31_000, 61_000, 91_000, 121_000]);
    expect(harness.asked()).toBe(8);

    finished = true;
    expect(await harness.checkWhenDue('900')).toBeNull();
    expect((await harness.requests.get(openRequest.id))?.status).toBe('SUBMITTED');
  });
});
