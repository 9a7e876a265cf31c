import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { notification } from '../helpers/event-fixtures.js';
import { AttackLog, overWebSocket, wsClient } from './support.js';

/**
 * A filtered subscription resumed from far back looks through every stored event its filter skips, and sends nothing
 * while it does: an events:read key subscribing again and again with `after: "0-0"` and a filter that matches little
 * made the gateway read the whole log each time. Every further 5,000 events it looks through cost the key one request
 * of its budget; without room it ends RATE_LIMITED with the point to resume from.
 */
const KEY = 'replay-budget-key-0001';
const log = new AttackLog();
let gw: TestGateway;

beforeAll(async () => {
  // A burst of one: the subscribe itself spends it, so the replay's first charge finds no room.
  gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:events:read`, RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_BURST: '1', EMAIL_WATCH_INTERVAL_MS: '3600000' } });
  for (let n = 0; n < 9_000; n++) await gw.stores.eventLog.append(notification(n));
});

afterAll(async () => {
  await gw?.stop();
});

describe('a filtered subscription replaying a long log', () => {
  it('is charged past the first 5,000 events it looks through, and ends RATE_LIMITED with where to resume', async () => {
    const client = wsClient(gw, KEY);
    const { results } = await overWebSocket(client, log, 'filtered replay from 0-0', {
      query: 'subscription { verificationEvents(after: "0-0", filter: { types: [DEADLINE_APPROACHING] }) { id } }',
    });
    await client.dispose();
    expect(results).toHaveLength(1);
    const extensions = results[0]!.errors?.[0]?.extensions as { code: string; resumeAfter: string; retryAfterSeconds: number };
    expect(extensions.code).toBe('RATE_LIMITED');
    expect(extensions.retryAfterSeconds).toBeGreaterThan(0);
    // The 5,000th stored event: everything up to it was looked at and skipped, so nothing is lost resuming there.
    const stored = await gw.stores.eventLog.read({ limit: 5_000 });
    expect(extensions.resumeAfter).toBe(stored.at(-1)!.id);
  });
});
