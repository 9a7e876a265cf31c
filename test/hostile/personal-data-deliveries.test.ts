import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { dumpRedis } from '../helpers/redis-dump.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { freshNotificationId, postRtrWebhook } from '../integration/events-support.js';
import { AttackLog, bearer } from './support.js';

/**
 * ID numbers that come in from outside a GraphQL request: in signed provider deliveries (a Realtime Register body the
 * gateway quarantines, a notification's message, a Veriff decision's reason) and in a token's subject. None may be
 * stored, logged, published or shown; the people and data around them are shown only to keys with the scopes that
 * guard them.
 */
const FULL_KEY = 'deliveries-key-000001';
const EVENTS_ONLY_KEY = 'deliveries-events-0001';
const CONTACTS_ONLY_KEY = 'deliveries-contacts-001';
const planted = new Set<string>();
/** A fresh 11-digit number, remembered for the final searches. */
const idNumber = () => {
  const value = `3${String(2_000_000_000 + planted.size * 7919).padStart(9, '0')}7`;
  planted.add(value);
  return value;
};

let redis: RedisServerHandle;
let gw: TestGateway;
const log = new AttackLog();

beforeAll(async () => {
  redis = await startRedisServer();
  gw = await startTestGateway({
    env: {
      GATEWAY_API_KEYS: `${FULL_KEY}:*;${EVENTS_ONLY_KEY}:events:read;${CONTACTS_ONLY_KEY}:contacts:read`,
      REDIS_URL: redis.url,
      EMAIL_WATCH_INTERVAL_MS: '3600000',
    },
  });
});

afterAll(async () => {
  await gw?.stop();
  await redis?.stop();
});

/** GETs a path with a key; the reply is recorded for the final searches. */
async function getAs(path: string, key: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gw.url}${path}`, { headers: bearer(key) });
  const text = await response.text();
  log.record(`GET ${path} as ${key}`, response.status, text);
  return { status: response.status, text };
}

describe('GET /operator/quarantine', () => {
  it('shows raw Realtime Register bodies only to a key with events:read and contacts:read, naming the scope missing', async () => {
    const body = JSON.stringify({ test: 'ping', contact: { name: 'Quinn Quarantine', email: 'quinn@example.com', voice: '+49.301234' } });
    expect((await postRtrWebhook(gw, body)).status).toBe(202);
    const eventsOnly = await getAs('/operator/quarantine', EVENTS_ONLY_KEY);
    expect(eventsOnly.status).toBe(403);
    expect(JSON.parse(eventsOnly.text).error).toMatch(/lacks contacts:read/);
    expect(eventsOnly.text).not.toContain('Quinn');
    const contactsOnly = await getAs('/operator/quarantine', CONTACTS_ONLY_KEY);
    expect(contactsOnly.status).toBe(403);
    expect(JSON.parse(contactsOnly.text).error).toMatch(/lacks events:read/);
    const full = await getAs('/operator/quarantine', FULL_KEY);
    expect(full.status).toBe(200);
    expect(full.text).toContain('Quinn Quarantine');
  });

  it('keeps no ID number of a quarantined body: masked before it is stored, so neither Redis nor the listing holds it', async () => {
    const number = idNumber();
    const body = JSON.stringify({ test: 'ping', contact: { name: 'Ida Number', remark: `national id ${number}` }, phone: `+372.${idNumber()}` });
    const answer = await postRtrWebhook(gw, body);
    expect(answer.status).toBe(202);
    const listed = await getAs('/operator/quarantine?limit=10', FULL_KEY);
    const entry = (JSON.parse(listed.text) as { entries: { id: string; body: string }[] }).entries.find((candidate) => candidate.id === answer.body.id);
    expect(entry?.body).toContain('national id [redacted]');
    expect(entry?.body).toContain('Ida Number');
  });
});

describe('after every delivery', () => {
  it('no response holds an ID number, and none was a server error', () => {
    expect(planted.size).toBeGreaterThan(0);
    expect([...planted].flatMap((number) => log.containing(number).map((label) => `${number} in ${label}`))).toEqual([]);
    expect(log.serverErrors()).toEqual([]);
  });

  it('no log line holds an ID number', () => {
    expect([...planted].filter((number) => gw.logs().includes(number))).toEqual([]);
  });

  it('no Redis key or value holds an ID number', async () => {
    const text = await dumpRedis(redis.url);
    expect(text).toContain('Ida Number');
    expect([...planted].filter((number) => text.includes(number))).toEqual([]);
  });
});
