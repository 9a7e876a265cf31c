import type { Logger } from '../observability/logger.js';
import { connectRedis, redactRedisUrl } from '../store/redis-connection.js';
import { readRedisPersistence, RECOMMENDED_REDIS_PERSISTENCE } from '../store/redis-persistence.js';
import type { CheckResult, DoctorStep } from './report.js';
import { timed } from './report.js';

/**
 * Redis: reachable, and keeping on disk what it acknowledges (`appendonly` / `save`, read with CONFIG GET). Without
 * either, a Redis restart loses acknowledged events, verification requests and registry checks: a failure. No Redis
 * at all keeps everything in memory, which a restart of the gateway loses: a failure too when going live.
 */
export function redisSteps(redisUrls: string[], live: boolean, logger: Logger): DoctorStep[] {
  if (redisUrls.length === 0) {
    return [
      {
        title: 'Redis: not configured',
        run: async (): Promise<CheckResult> => ({
          verdict: live ? 'fail' : 'warn',
          summary:
            'REDIS_URL is not set: the event log, verification requests and registry checks live in memory and are lost when the gateway restarts',
          details: [`set REDIS_URL to a Redis with ${RECOMMENDED_REDIS_PERSISTENCE}`],
        }),
      },
    ];
  }
  return [
    {
      title: `Redis at ${redisUrls.map(redactRedisUrl).join(', ')}: reachable and persistent`,
      run: async () => {
        const connection = connectRedis(redisUrls, logger, { role: 'doctor', quiet: true, commandTimeoutMs: 2_000 });
        try {
          if (!(await connection.ready(5_000))) return { verdict: 'fail', summary: 'Redis is not reachable within 5 s', details: ['fix: check REDIS_URL (host, port, password, rediss:// for TLS) and that this machine reaches it'] };
          const ping = await timed(() => connection.ping(2_000));
          const persistence = await readRedisPersistence(connection.client, 2_000);
          const settings = `appendonly ${persistence.aof ? 'yes' : 'no'}, save "${persistence.save}"`;
          if (persistence.problem) return { verdict: 'fail', summary: persistence.problem, details: [`read: ${settings}`] };
          return { verdict: 'ok', summary: `reachable (PING ${ping.ms} ms) and persistent (${settings})` };
        } finally {
          await connection.close();
        }
      },
    },
  ];
}
