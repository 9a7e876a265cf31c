/**
 * A sandbox gateway in its own process (run with --expose-gc), measured from outside: the test process holds the
 * client connections, so their memory never mixes with the gateway's. Answers over IPC:
 * - `count`: open subscription streams and the gateway_subscribers gauge (sse + ws);
 * - `measure`: the same after full garbage collections, with heapUsed;
 * - `stop`: stops the gateway and exits.
 */
import process from 'node:process';
import { loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { silentLogger } from '../../src/observability/logger.js';

// PROBE_GATEWAY_ENV: what the test wants the gateway's config read from (e.g. a REDIS_URL), as JSON.
const env = JSON.parse(process.env.PROBE_GATEWAY_ENV ?? '{}') as Record<string, string>;
const gateway = createGateway({ ...loadConfig(env), port: 0 }, { logger: silentLogger(), drainIdleMs: 0 });
await gateway.start();

async function counts(): Promise<{ open: number; gauge: number }> {
  const gauge = (await gateway.metrics.subscribers.get()).values.reduce((sum, value) => sum + value.value, 0);
  return { open: gateway.services.events.openSubscriptions(), gauge };
}

process.on('message', (message: { type: string }) => {
  void (async () => {
    if (message.type === 'count') process.send!({ type: 'count', ...(await counts()) });
    if (message.type === 'measure') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) throw new Error('run with --expose-gc');
      for (let i = 0; i < 4; i++) {
        gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
      process.send!({ type: 'measure', heapUsed: process.memoryUsage().heapUsed, ...(await counts()) });
    }
    if (message.type === 'stop') {
      await gateway.stop();
      process.exit(0);
    }
  })();
});

process.send!({ type: 'ready', url: gateway.url });
