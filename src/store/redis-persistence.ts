import type { Cluster, Redis } from 'ioredis';
import { withDeadline } from './deadline.js';

/** Whether a Redis server keeps what it acknowledged across a restart, read from its own settings. */
export interface RedisPersistence {
  /** `appendonly yes`: every write is logged (fsync per `appendfsync`). */
  aof: boolean;
  /** The `save` rules, e.g. "3600 1 300 100"; empty when snapshots are off. */
  save: string;
  /** True when AOF is on or at least one snapshot rule is set. */
  persistent: boolean;
  /** One line for logs, /readyz and `npm run doctor`; null when persistent. */
  problem: string | null;
}

/** The production settings the README recommends, quoted in every warning so the fix is one copy away. */
export const RECOMMENDED_REDIS_PERSISTENCE = 'appendonly yes, appendfsync everysec (or at least a save rule such as "save 60 1")';

/**
 * Reads `appendonly` and `save` with CONFIG GET. Managed services that disable CONFIG answer with an error: that is
 * reported as unknown (a problem), never guessed as persistent. No answer within timeoutMs throws. On a cluster every master is asked and the weakest
 * answer wins, since losing any shard loses data.
 */
export async function readRedisPersistence(client: Redis | Cluster, timeoutMs = 1_000): Promise<RedisPersistence> {
  const nodes = 'nodes' in client && typeof client.nodes === 'function' ? client.nodes('master') : [client as Redis];
  const answers = await Promise.all(nodes.map((node) => readOne(node, timeoutMs)));
  const weakest = answers.find((answer) => !answer.persistent) ?? answers[0];
  if (!weakest) return unknown('the cluster has no reachable master');
  return weakest;
}

async function readOne(node: Redis, timeoutMs: number): Promise<RedisPersistence> {
  let aofReply: unknown;
  let saveReply: unknown;
  try {
    [aofReply, saveReply] = await withDeadline(
      Promise.all([node.call('CONFIG', 'GET', 'appendonly'), node.call('CONFIG', 'GET', 'save')]),
      timeoutMs,
      'redis CONFIG GET',
    );
  } catch (error) {
    // Only Redis's own refusal is an answer. No answer (a deadline, a dropped connection) says nothing about the
    // settings: thrown, so the caller asks again instead of calling a Redis that persists one that keeps nothing.
    if (!isRefusal(error)) throw error;
    return unknown(`CONFIG GET failed (${(error as Error).message})`);
  }
  const aof = configValue(aofReply) === 'yes';
  const save = (configValue(saveReply) ?? '').trim();
  const persistent = aof || save.length > 0;
  return {
    aof,
    save,
    persistent,
    problem: persistent
      ? null
      : `Redis keeps nothing on disk (appendonly no, save ""): a Redis restart loses acknowledged events and requests. Set ${RECOMMENDED_REDIS_PERSISTENCE}.`,
  };
}

/** A server's error reply (ioredis ReplyError: CONFIG renamed or disabled, NOPERM), as against no reply at all. */
function isRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

function unknown(why: string): RedisPersistence {
  return {
    aof: false,
    save: '',
    persistent: false,
    problem: `Cannot tell whether Redis persists data: ${why}. Make sure it runs with ${RECOMMENDED_REDIS_PERSISTENCE}.`,
  };
}

/** CONFIG GET answers a flat [name, value] array. */
function configValue(reply: unknown): string | null {
  return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : null;
}
