import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ResultStream } from '../../src/server/result-stream.js';

/** A source that never yields on its own: next() waits until return() (as an idle subscription does). */
function idleSource() {
  const state = { returned: 0 };
  let wake: ((step: IteratorResult<ExecutionResult>) => void) | null = null;
  const source: AsyncIterableIterator<ExecutionResult> = {
    next: () => new Promise((resolve) => (wake = resolve)),
    return: async () => {
      state.returned++;
      wake?.({ value: undefined, done: true });
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => source,
  };
  return { source, state };
}

async function* results(...items: (ExecutionResult | Error)[]): AsyncGenerator<ExecutionResult> {
  for (const item of items) {
    if (item instanceof Error) throw item;
    yield item;
  }
}

describe('ResultStream', () => {
  it('reaches the source at once on return(), with a next() still pending, and ends once', async () => {
    const { source, state } = idleSource();
    const ends: string[] = [];
    const stream = new ResultStream(source, { end: (name: string) => ends.push(name) }, 'sub-1');
    const pending = stream.next();
    await stream.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    await stream.return();
    expect([state.returned, ends]).toEqual([1, ['sub-1']]);
  });

  it('maps each result, and turns a throw into one last result when it can recover', async () => {
    const ends: number[] = [];
    const stream = new ResultStream(
      results({ data: { n: 1 } }, new Error('broken log')),
      {
        map: (result, offset: number) => ({ data: { n: (result.data?.n as number | undefined ?? 0) + offset } }),
        recover: (error) => ({ errors: [{ message: `masked: ${(error as Error).message}` }] }) as unknown as ExecutionResult,
        end: (offset) => ends.push(offset),
      },
      10,
    );
    const seen = [await stream.next(), await stream.next(), await stream.next()];
    expect(seen).toEqual([
      { value: { data: { n: 11 } }, done: false },
      { value: { data: { n: 10 } }, done: false },
      { value: undefined, done: true },
    ]);
    expect(ends).toEqual([10]);
  });

  it('lets a throw through when it has no recovery', async () => {
    const stream = new ResultStream(results(new Error('bug')), {}, null);
    await expect(stream.next()).rejects.toThrow('bug');
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});
