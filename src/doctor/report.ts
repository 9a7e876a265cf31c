import { performance } from 'node:perf_hooks';

/** What one check found: fine, worth a look, or something that would lose data or fail in production. */
export type Verdict = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  verdict: Verdict;
  /** One line. Never holds a secret: name the variable instead. */
  summary: string;
  /** More lines to read, e.g. the webhook URL to configure at the provider. */
  details?: string[];
}

/** One step of the doctor: a title shown before it runs, and the check itself. */
export interface DoctorStep {
  title: string;
  run(): Promise<CheckResult>;
  /**
   * What to check when the step throws (the provider unreachable, a timeout): the variables involved, since the error
   * itself ("could not be reached (ECONNREFUSED)") names none. Refusals the step recognises say their own fix.
   */
  fix?: string;
}

export interface DoctorOutcome {
  ok: number;
  warned: number;
  failed: number;
}

const MARK: Record<Verdict, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

/**
 * Runs the steps one after another, printing each title before it starts (a slow provider shows where it hangs) and
 * its verdict, time and details after. A step that throws is a failure with the error's message, never a crash.
 */
export async function runSteps(steps: DoctorStep[], write: (line: string) => void): Promise<DoctorOutcome> {
  const outcome: DoctorOutcome = { ok: 0, warned: 0, failed: 0 };
  for (const [index, step] of steps.entries()) {
    write(`[${index + 1}/${steps.length}] ${step.title} ...`);
    const startedAt = performance.now();
    let result: CheckResult;
    try {
      result = await step.run();
    } catch (error) {
      result = { verdict: 'fail', summary: error instanceof Error ? error.message : String(error), ...(step.fix ? { details: [`fix: ${step.fix}`] } : {}) };
    }
    const ms = Math.round(performance.now() - startedAt);
    write(`      ${MARK[result.verdict]} ${result.summary} (${ms} ms)`);
    for (const detail of result.details ?? []) write(`           ${detail}`);
    if (result.verdict === 'ok') outcome.ok++;
    else if (result.verdict === 'warn') outcome.warned++;
    else outcome.failed++;
  }
  return outcome;
}

/** Times one call, for "upstream latency" lines. */
export async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const startedAt = performance.now();
  const value = await call();
  return { value, ms: Math.round(performance.now() - startedAt) };
}
