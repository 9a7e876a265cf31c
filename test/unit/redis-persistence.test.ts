import { ReplyError, type Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { readRedisPersistence } from '../../src/store/redis-persistence.js';

/** A Redis node whose CONFIG GET answers with `reply` (a function of the parameter name). */
function node(reply: (name: string) => Promise<unknown>): Redis {
  return { call: (_command: string, _sub: string, name: string) => reply(name) } as unknown as Redis;
}

describe('readRedisPersistence', () => {
  it('reads AOF and snapshot rules', async () => {
    const answers: Record<string, string> = { appendonly: 'yes', save: '' };
    expect(await readRedisPersistence(node(async (name) => [name, answers[name]]))).toMatchObject({ aof: true, persistent: true, problem: null });
  });

  it('reports a refused CONFIG (a managed service) as unknown, never as persistent', async () => {
    const refused = await readRedisPersistence(node(async () => Promise.reject(new ReplyError("ERR unknown command 'CONFIG'"))));
    expect(refused).toMatchObject({ persistent: false, problem: expect.stringMatching(/^Cannot tell whether Redis persists data/) });
  });

  it('throws when Redis does not answer in time, so a slow moment is retried rather than reported as a Redis that keeps nothing', async () => {
    await expect(readRedisPersistence(node(() => new Promise(() => undefined)), 50)).rejects.toThrow(/took longer than 50 ms/);
  });
});
