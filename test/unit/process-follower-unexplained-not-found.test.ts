import { afterEach, describe, expect, it } from 'vitest';
import type { VerificationRequest } from '../../src/domain/verification-request.js';
import { rtrError } from '../../src/providers/realtime-register/errors.js';
import type { RtrProcessState } from '../../src/providers/realtime-register/processes.js';
import { UNEXPLAINED_NOT_FOUND_LIMIT } from '../../src/services/process-follower.js';
import { processFollowerHarness } from '../helpers/process-follower-harness.js';

const SENT_AT = Date.parse('2026-03-02T10:00:00.000Z');
const DAY = 86_400_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Answer = 'bare-404' | 'html-404' | 'running';

/** What RTR (or something in front of it) answers each check, in order; the last one repeats. */
function setup(answers: Answer[]) {
  let index = 0;
  const { harness, cleanup } = processFollowerHarness({
    startAt: SENT_AT,
    answer: async (processId): Promise<RtrProcessState | null> => {
      const answer = answers[Math.min(index++, answers.length - 1)]!;
      if (answer === 'running') return { id: processId, status: 'RUNNING', outcome: 'PENDING', reason: null };
      const body = answer === 'html-404' ? '<html><body>Not Found</body></html>' : '';
      throw rtrError({ status: 404, headers: {}, body }, { operation: 'processes.get' });
    },
  });
  cleanups.push(cleanup);
  return harness;
}

async function followedRequest(harness: ReturnType<typeof setup>): Promise<void> {
  const submittedAt = new Date(SENT_AT).toISOString();
  const request: VerificationRequest = {
    id: 'rtr:acme:1',
    provider: 'REALTIME_REGISTER',
    customer: 'acme',
    contactHandle: 'h-1',
    claims: ['NAME'],
    status: 'PROCESSING',
    message: 'verify',
    receivedAt: new Date(SENT_AT - DAY).toISOString(),
    deDelegationDomain: 'a.de',
    deDelegationDeadline: new Date(SENT_AT + 5 * DAY).toISOString(),
    deletionDomain: null,
    deletionDeadline: null,
    notificationId: '1',
    submittedAt: null,
    submissions: [{ submittedAt, verifications: [], processId: '77', status: 'PROCESSING', failureReason: null, submittedBy: 'ops' }],
  };
  await harness.requests.put(request);
  await harness.followUps.put({ processId: '77', requestId: request.id, customer: 'acme', since: submittedAt, nextCheckAt: SENT_AT + 1_000, delayMs: 2_000, checks: 0 });
}

describe('a process check answered 404 without saying the process is gone', () => {
  it(`ends the request REJECTED, with a reason and its event, after ${UNEXPLAINED_NOT_FOUND_LIMIT} such answers in a row`, async () => {
    const harness = setup(['bare-404', 'html-404', 'bare-404']);
    await followedRequest(harness);

    for (let check = 1; check < UNEXPLAINED_NOT_FOUND_LIMIT; check++) {
      const kept = await harness.checkWhenDue('77');
      expect(kept).toMatchObject({ unexplainedNotFound: check });
      expect((await harness.requests.get('rtr:acme:1'))!.status).toBe('PROCESSING');
    }
    expect(await harness.checkWhenDue('77')).toBeNull();
    expect(harness.asked()).toBe(UNEXPLAINED_NOT_FOUND_LIMIT);

    const rejected = (await harness.requests.get('rtr:acme:1'))!;
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.submissions![0]).toMatchObject({ status: 'FAILED', failureReason: expect.stringMatching(/404 for process 77 3 times in a row/) });
    expect(harness.recorded.map((entry) => entry.payload)).toEqual([
      expect.objectContaining({ type: 'VERIFICATION_REQUEST_CHANGED', previousStatus: 'PROCESSING', request: expect.objectContaining({ status: 'REJECTED' }) }),
    ]);

    // Nothing further is asked about it.
    await harness.follower.followNow();
    expect(harness.asked()).toBe(UNEXPLAINED_NOT_FOUND_LIMIT);
  });

  it('starts counting again when the process answers in between: a blip now and then never ends a running process', async () => {
    const harness = setup(['bare-404', 'bare-404', 'running', 'bare-404', 'bare-404', 'running']);
    await followedRequest(harness);
    let followUp = null;
    for (let check = 0; check < 6; check++) followUp = await harness.checkWhenDue('77');
    expect(followUp).not.toBeNull();
    expect(followUp!.unexplainedNotFound).toBeUndefined();
    expect((await harness.requests.get('rtr:acme:1'))!.status).toBe('PROCESSING');
    expect(harness.recorded).toEqual([]);
  });
});
