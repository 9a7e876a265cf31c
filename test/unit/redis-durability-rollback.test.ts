import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import type { RedisConnection } from '../../src/store/redis-connection.js';
import { RedisDurabilityWatch, type RedisDataLoss } from '../../src/store/redis-durability.js';

/**
 * A Redis back from an older snapshot keeps the marker, so the watch looks for the newest event this instance had
 * stored. Writes go on as soon as the connection is back, before the watch's check: the event to look for is the
 * newest one stored before the connection dropped, not the newest now.
 */

/** A Redis that persists (AOF), holds one marker value, and answers the watch's few commands. */
function fakeRedis() {
  const client = Object.assign(new EventEmitter(), {
    status: 'ready',
    marker: 'marker-1' as string | null,
    call: async (_config: string, _get: string, name: string) => [name, name === 'appendonly' ? 'yes' : ''],
    mget: async () => [client.marker, null, null],
    set: async (_key: string, value: string) => ((client.marker ??= value), 'OK'),
    eval: async (_script: string, _keys: number, _key: string, expected: string, next: string) => (client.marker === expected ? (client.marker = next) : client.marker),
  });
  return client;
}

describe('the durability watch after a reconnect', () => {
  it('reports a loss when the newest event stored before the drop is gone, though newer events were stored since', async () => {
    const client = fakeRedis();
    const held = new Set<string>();
    let newest: string | null = null;
    const store = (id: string) => {
      held.add(id);
      newest = id;
    };
    const watch = new RedisDurabilityWatch({
      connection: { client, healthy: true } as unknown as RedisConnection,
      logger: silentLogger(),
      lastWrite: { newest: () => newest, stillHolds: async (id) => held.has(id) },
    });
    const losses: RedisDataLoss[] = [];
    watch.onDataLoss((loss) => losses.push(loss));
    try {
      await watch.check();
      store('1-0');
      await watch.check();
      expect(losses).toEqual([]);

      // Stored, then the connection drops; Redis comes back from a snapshot without it, and a webhook is stored at once.
      store('2-0');
      client.emit('close');
      held.delete('2-0');
      store('3-0');
      await watch.check();
      expect(losses).toEqual([expect.objectContaining({ resumed: false, epoch: client.marker })]);
      expect(client.marker).not.toBe('marker-1');

      await watch.check();
      expect(losses.filter((loss) => !loss.resumed)).toHaveLength(1);
    } finally {
      watch.close();
    }
  });
});
