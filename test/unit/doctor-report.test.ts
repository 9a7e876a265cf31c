import { describe, expect, it } from 'vitest';
import { runSteps } from '../../src/doctor/report.js';

describe("the doctor's report", () => {
  it('turns a step that throws into a FAIL line with the fix naming what to check, and carries on', async () => {
    const lines: string[] = [];
    const outcome = await runSteps(
      [
        {
          title: 'Openprovider at http://127.0.0.1:1: credentials and latency',
          fix: 'check OPENPROVIDER_BASE_URL and that this machine reaches it (DNS, firewall, proxy)',
          run: async () => {
            throw new Error('Openprovider could not be reached (ECONNREFUSED)');
          },
        },
        { title: 'Redis: not configured', run: async () => ({ verdict: 'warn', summary: 'sandbox: memory stores' }) },
      ],
      (line) => lines.push(line),
    );
    expect(outcome).toEqual({ ok: 0, warned: 1, failed: 1 });
    expect(lines[1]).toMatch(/^ {6}FAIL Openprovider could not be reached \(ECONNREFUSED\) \(\d+ ms\)$/);
    expect(lines[2]).toBe('           fix: check OPENPROVIDER_BASE_URL and that this machine reaches it (DNS, firewall, proxy)');
    expect(lines[3]).toBe('[2/2] Redis: not configured ...');
  });
});
