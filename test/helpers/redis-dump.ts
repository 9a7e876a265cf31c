import { Redis } from 'ioredis';

/**
 * Every key and every value a Redis server holds, as one text (keys, then each value in a readable form), for
 * privacy tests that plant personal data and assert it never reached the store. Types without a reader show as
 * `<type>`, so a new kind of key is noticed rather than skipped silently.
 */
export async function dumpRedis(url: string): Promise<string> {
  const admin = new Redis(url);
  try {
    const dump: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        dump.push(key);
        const type = await admin.type(key);
        if (type === 'string') dump.push((await admin.get(key)) ?? '');
        else if (type === 'hash') dump.push(JSON.stringify(await admin.hgetall(key)));
        else if (type === 'stream') dump.push(JSON.stringify(await admin.xrange(key, '-', '+')));
        else if (type === 'list') dump.push(JSON.stringify(await admin.lrange(key, 0, -1)));
        else if (type === 'set') dump.push(JSON.stringify(await admin.smembers(key)));
        else if (type === 'zset') dump.push(JSON.stringify(await admin.zrange(key, 0, -1, 'WITHSCORES')));
        else dump.push(`<${type}>`);
      }
    } while (cursor !== '0');
    return dump.join('\n');
  } finally {
    admin.disconnect();
  }
}
