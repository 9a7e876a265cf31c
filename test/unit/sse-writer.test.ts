import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { writeResultStream } from '../../src/server/sse-writer.js';

/** What the writer uses of a node response: the bytes it writes, and a socket that can be full. */
class FakeResponse extends EventEmitter {
  written = '';
  ended = false;
  full = false;
  writableEnded = false;
  writableNeedDrain = false;
  destroyed = false;
  head: [number, Record<string, string>] | null = null;
  writeHead(status: number, headers: Record<string, string>) {
    this.head = [status, headers];
  }
  write(chunk: string) {
    this.written += chunk;
    this.writableNeedDrain = this.full;
    return !this.full;
  }
  end(chunk: string) {
    this.written += chunk;
    this.ended = this.writableEnded = true;
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
}

/** A subscription whose results the test hands out, counting how often it is asked, with a readiness signal. */
function source() {
  const queue: IteratorResult<ExecutionResult>[] = [];
  let waiting: ((step: IteratorResult<ExecutionResult>) => void) | null = null;
  let readyCallback: (() => void) | null = null;
  const state = { pulls: 0, returned: false };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: () => {
      state.pulls++;
      const step = queue.shift();
      return step ? Promise.resolve(step) : new Promise((resolve) => (waiting = resolve));
    },
    return: async () => {
      state.returned = true;
      waiting?.({ value: undefined, done: true });
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return {
    iterator,
    state,
    readiness: { whenReady: (ready: () => void) => (queue.length > 0 ? ready() : (readyCallback = ready)) },
    push(step: IteratorResult<ExecutionResult>) {
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve(step);
        return;
      }
      queue.push(step);
      const ready = readyCallback;
      readyCallback = null;
      ready?.();
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const start = (res: FakeResponse, results: ReturnType<typeof source>, readiness = true, failures: unknown[] = []) =>
  writeResultStream(res as unknown as ServerResponse, { status: 200, headers: { 'content-type': 'text/event-stream' } }, results.iterator, { readiness: readiness ? results.readiness : null, resumePoint: null }, (error) => failures.push(error));

describe('the SSE writer', () => {
  it('asks a source that can tell for nothing until it has a result, then writes it as yoga would', async () => {
    const res = new FakeResponse();
    const results = source();
    start(res, results);
    await settle();
    expect([res.head, res.written, results.state.pulls]).toEqual([[200, { 'content-type': 'text/event-stream' }], ':\n\n', 0]);
    results.push({ value: { data: { n: 1 } }, done: false });
    await settle();
    expect(res.written).toBe(':\n\nevent: next\ndata: {"data":{"n":1}}\n\n');
    expect(results.state.pulls).toBe(1);
  });

  it('waits in next() for a source that cannot tell', async () => {
    const res = new FakeResponse();
    const results = source();
    start(res, results, false);
    await settle();
    expect(results.state.pulls).toBe(1);
    results.push({ value: { data: { n: 1 } }, done: false });
    await settle();
    expect(res.written).toContain('"n":1');
    expect(results.state.pulls).toBe(2);
  });

  it('pulls the next result only once a full socket has drained', async () => {
    const res = new FakeResponse();
    const results = source();
    start(res, results);
    res.full = true;
    results.push({ value: { data: { n: 1 } }, done: false });
    results.push({ value: { data: { n: 2 } }, done: false });
    await settle();
    expect(results.state.pulls).toBe(1);
    res.full = false;
    res.emit('drain');
    await settle();
    expect(results.state.pulls).toBe(2);
    expect(res.written).toContain('"n":2');
  });

  it('ends the subscription at once when the client goes away, and writes nothing more', async () => {
    const res = new FakeResponse();
    const results = source();
    start(res, results, false);
    await settle();
    res.emit('close');
    await settle();
    expect(results.state.returned).toBe(true);
    results.push({ value: { data: { n: 1 } }, done: false });
    await settle();
    expect(res.written).toBe(':\n\n');
  });

  it('ends a subscription whose client went away while it was being set up, writing nothing', async () => {
    const res = new FakeResponse();
    res.destroy();
    const results = source();
    start(res, results);
    await settle();
    expect([results.state.returned, results.state.pulls, res.head, res.written]).toEqual([true, 0, null, '']);
  });

  it('completes the stream when the subscription ends, with its last result', async () => {
    const res = new FakeResponse();
    const results = source();
    start(res, results);
    results.push({ value: { errors: [{ message: 'subscriber fell behind' }] } as unknown as ExecutionResult, done: false });
    results.push({ value: undefined, done: true });
    await settle();
    expect(res.written).toBe(':\n\nevent: next\ndata: {"errors":[{"message":"subscriber fell behind"}]}\n\nevent: complete\ndata:\n\n');
    expect(res.ended).toBe(true);
    res.emit('close');
    expect(results.state.returned).toBe(false);
  });

  it('drops the connection and reports it when the source fails', async () => {
    const res = new FakeResponse();
    const failures: unknown[] = [];
    const broken = source();
    broken.iterator.next = () => Promise.reject(new Error('a bug'));
    start(res, broken, false, failures);
    await settle();
    expect(failures).toEqual([new Error('a bug')]);
    expect(res.ended).toBe(false);
  });
});
