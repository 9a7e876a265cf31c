import { afterEach, describe, expect, it } from 'vitest';
import { processFollowerHarness } from '../helpers/process-follower-harness.js';

const HOUR = 3_600_000;
const SENT_AT = Date.parse('2026-03-02T10:00:00.000Z');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A follower whose provider keeps the process NEW for ever. */
function setup() {
  const { harness, cleanup } = processFollowerHarness({
    startAt: SENT_AT,
    answer: async (processId) => ({ id: processId, status: 'NEW', outcome: 'PENDING', reason: null }),
  });
  cleanups.push(cleanup);
  return { ...harness, checkWhenDue: async () => (await harness.checkWhenDue('proc-1'))! };
}

describe('a process that stays unfinished', () => {
  it('is checked every 30 s for the first 24 h, then every 15 min, still until it ends, with one warning', async () => {
    const test = setup();
    await test.followUps.put({
      processId: 'proc-1',
      requestId: 'req-1',
      customer: 'acme',
      since: new Date(SENT_AT).toISOString(),
      nextCheckAt: SENT_AT + 1_000,
      delayMs: 2_000,
      checks: 0,
    });

    // The normal pace: the wait doubles to the 30 s cap.
    let followUp = await test.checkWhenDue();
    for (let round = 0; round < 6; round++) followUp = await test.checkWhenDue();
    expect(followUp.delayMs).toBe(30_000);
    expect(followUp.slow).toBeFalsy();

    // Just before 24 h: still 30 s apart.
    test.at(SENT_AT + 24 * HOUR - 60_000);
    followUp = await test.checkWhenDue();
    expect(followUp.nextCheckAt - (SENT_AT + 24 * HOUR - 60_000)).toBe(30_000);

    // Past 24 h: 15 min apart, for ever, and the process is never given an outcome of the gateway's own.
    test.at(SENT_AT + 24 * HOUR);
    const checkedBefore = test.asked();
    for (let round = 0; round < 5; round++) {
      const before = (await test.followUps.get('proc-1'))!.nextCheckAt;
      followUp = await test.checkWhenDue();
      expect(followUp.nextCheckAt - Math.max(before, SENT_AT + 24 * HOUR)).toBe(15 * 60_000);
    }
    expect(test.asked() - checkedBefore).toBe(5);
    expect(followUp.slow).toBe(true);

    const warnings = test.lines.filter((line) => line.level === 40 && String(line.msg).includes('less often'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ processId: 'proc-1', verificationRequest: 'req-1' });
    // No customer, contact or evidence in it: only what identifies the request and the process.
    expect(JSON.stringify(warnings[0])).not.toContain('acme');
  });

  it('keeps the slow pace, without warning again, after a restart or another instance takes over', async () => {
    const test = setup();
    await test.followUps.put({
      processId: 'proc-1',
      requestId: 'req-1',
      customer: null,
      since: new Date(SENT_AT).toISOString(),
      nextCheckAt: SENT_AT + 30 * HOUR,
      delayMs: 15 * 60_000,
      checks: 3_000,
      slow: true,
    });
    const followUp = await test.checkWhenDue();
    expect(followUp.nextCheckAt - (SENT_AT + 30 * HOUR)).toBe(15 * 60_000);
    expect(test.lines.filter((line) => line.level === 40)).toEqual([]);
  });
});
