import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { EMAIL_ADDRESS, hasControlCharacters, isEmailAddress, isProviderHandle, isRtrHandle } from '../../src/domain/handles.js';
import { controlCharacterProblems } from '../../src/domain/input-text.js';
import { maskLongDigitRuns } from '../../src/domain/digit-runs.js';
import { createLineMasker } from '../../src/observability/logger.js';
import { faultFailure, resultFailure } from '../../src/providers/domain-name-api/map.js';
import { isNotFound, openproviderFailure } from '../../src/providers/openprovider/map.js';
import { documentShape } from '../../src/server/use-query-limits.js';
import { createAuthenticator } from '../../src/server/principal.js';

/**
 * Every pattern the gateway runs over client or provider text, fed the input that makes a backtracking pattern
 * quadratic or worse. Each case asserts the answer, and that the work stayed within a bound far above normal: the
 * old email pattern took 1.8 s on 40 KB and the old scrubbing 5.3 s on 40 KB (both grow with the square of the
 * input); these inputs are 100 KB to 1 MB and take milliseconds. (The DENIC message parser has its own test.)
 */
const GENEROUS_MS = 1_000;

function timed<T>(work: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = work();
  return { value, ms: performance.now() - start };
}

const DOTTED_DOMAIN = `a@${'a.'.repeat(50_000)}@`;
const NO_AT_RUN = 'a'.repeat(1_000_000);

describe('client text', () => {
  it('checks a 100 KB email with a dotted domain in linear time, even bypassing the length check', () => {
    const direct = timed(() => EMAIL_ADDRESS.test(DOTTED_DOMAIN));
    expect(direct.value).toBe(false);
    expect(direct.ms).toBeLessThan(GENEROUS_MS);
    const checked = timed(() => isEmailAddress(`${'a'.repeat(50)}@${'b.'.repeat(50_000)}com`));
    expect(checked.value).toBe(false);
    expect(checked.ms).toBeLessThan(GENEROUS_MS);
    expect(isEmailAddress('ann.lee@mail.example.com')).toBe(true);
    expect(isEmailAddress('ann@localhost')).toBe(false);
  });

  it('checks handles and control characters over 1 MB without backtracking', () => {
    const run = timed(() => [isRtrHandle('.'.repeat(1_000_000)), isProviderHandle(`${'.'.repeat(1_000_000)}x`), hasControlCharacters(`${NO_AT_RUN}\ud800`)]);
    expect(run.value).toEqual([false, false, true]);
    expect(run.ms).toBeLessThan(GENEROUS_MS);
  });

  it('walks a deeply nested input for control characters without recursion', () => {
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const walked = timed(() => controlCharacterProblems({ deep }));
    expect(walked.value).toHaveLength(1);
    expect(walked.value[0]!.path).toHaveLength(100_001);
    expect(walked.ms).toBeLessThan(GENEROUS_MS);
    expect(controlCharacterProblems({ name: 'Ann', lines: ['ok', 'x\ny'] }).map((found) => found.path)).toEqual([['lines', '1']]);
  });

  it('reads the shape of a 1 MB document in one pass that stops at the token limit', () => {
    const flood = timed(() => documentShape(`{ ${'a '.repeat(500_000)}}`, 2_000, 64));
    expect(flood.value).toBe('TOO_MANY_TOKENS');
    expect(flood.ms).toBeLessThan(GENEROUS_MS);
    expect(documentShape(`{ a(x: ${'['.repeat(65)}1${']'.repeat(65)}) }`, 2_000, 64)).toBe('TOO_DEEP');
    expect(documentShape('{ a(x: "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[") }', 2_000, 64)).toBe('OK');
    expect(documentShape('# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n{ a }', 2_000, 64)).toBe('OK');
  });

  it('reads a bearer header of 64 KB of spaces without backtracking', async () => {
    const authenticate = createAuthenticator({ apiKeys: [{ key: 'linear-key-0001', scopes: ['events:read'], name: 'linear' }], jwt: null });
    const start = performance.now();
    await expect(authenticate(`Bearer ${' '.repeat(65_536)}x ${' '.repeat(65_536)}y`)).rejects.toThrow();
    expect(performance.now() - start).toBeLessThan(GENEROUS_MS);
  });
});

describe('provider text', () => {
  const response = (body: string) => ({ status: 500, headers: {}, body });

  it('scrubs a 1 MB Openprovider description with no @ in linear time, cut before matching', () => {
    const failed = timed(() => openproviderFailure(response(''), { code: 1, desc: NO_AT_RUN, data: null }, 'the list'));
    expect(failed.value.message.length).toBeLessThan(300);
    expect(failed.ms).toBeLessThan(GENEROUS_MS);
    const notFound = timed(() => isNotFound(response(''), { code: 1, desc: `not ${' '.repeat(500_000)}be${' '.repeat(500_000)}x`, data: null }));
    expect(notFound.value).toBe(false);
    expect(notFound.ms).toBeLessThan(GENEROUS_MS);
  });

  it('still removes an address near the start of provider text', () => {
    const failed = openproviderFailure(response(''), { code: 1, desc: `Customer ann.lee@example.com ${NO_AT_RUN}`, data: null }, 'the list');
    expect(failed.message).toContain('[email]');
    expect(failed.message).not.toContain('ann.lee');
  });

  it('scrubs 1 MB Domain Name API messages and faults in linear time', () => {
    const result = timed(() => resultFailure({ ErrorCode: '500', OperationMessage: `user ${' '.repeat(500_000)}x ${NO_AT_RUN}`, OperationResult: 'ERROR' }, 'GetDetails', { status: 200, headers: {} }));
    expect(result.value.message.length).toBeLessThan(300);
    expect(result.ms).toBeLessThan(GENEROUS_MS);
    const fault = timed(() => faultFailure({ code: 'a:InternalServiceFault', message: NO_AT_RUN }, 'GetDetails', 500));
    expect(fault.value.message.length).toBeLessThan(300);
    expect(fault.ms).toBeLessThan(GENEROUS_MS);
  });

  it('masks log lines holding 1 MB of escaped text in linear time', () => {
    const mask = createLineMasker(['a-configured-secret-value']);
    const line = JSON.stringify({ idNumber: `${'\\"'.repeat(250_000)}`, msg: NO_AT_RUN });
    const masked = timed(() => mask(line));
    expect(masked.value).toContain('"idNumber":"[redacted]"');
    expect(masked.ms).toBeLessThan(GENEROUS_MS);
  });

  it('masks 1 MB of grouped digits, near-dates and digits between separators in linear time', () => {
    for (const text of ['1-'.repeat(500_000), '2026-11-2'.repeat(110_000), '12.12.12'.repeat(125_000), `${'-'.repeat(500_000)}${'1 '.repeat(250_000)}`]) {
      const masked = timed(() => maskLongDigitRuns(text));
      expect(masked.value).toContain('[redacted]');
      expect(masked.value).not.toMatch(/\d{6}/);
      expect(masked.ms).toBeLessThan(GENEROUS_MS);
    }
  });
});
