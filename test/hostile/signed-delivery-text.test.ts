import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { dumpRedis } from '../helpers/redis-dump.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { SANDBOX_VERIFF_SECRET, veriffDecisionBody } from '../helpers/veriff-decision.js';
import { freshNotificationId, postRtrWebhook } from '../integration/events-support.js';
import { AttackLog, bearer, idNumberPlanter, postGraphQL } from './support.js';

/**
 * Signed Realtime Register deliveries (the sandbox's webhook secret is public, so anyone can sign for a sandbox
 * gateway) and Veriff decisions (likewise) that carry an ID number where the masking of free text did not look: written
 * with JSON's \u escapes, which any JSON reader turns back into the digits, in the notification's type, which is
 * published as the event's `kind`, and as the session id of a decision for a session the gateway does not know. None
 * may be kept, listed, logged or published.
 */
const KEY = 'signed-text-key-00001';
const { planted, next: idNumber } = idNumberPlanter('4', '3');
const log = new AttackLog();

let redis: RedisServerHandle;
let gw: TestGateway;

beforeAll(async () => {
  redis = await startRedisServer();
  gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, REDIS_URL: redis.url, EMAIL_WATCH_INTERVAL_MS: '3600000' } });
});

afterAll(async () => {
  await gw?.stop();
  await redis?.stop();
});

/** `text` with every UTF-16 unit written as a JSON \u escape (`4` -> `\u0034`; a surrogate pair beyond the BMP), as a JSON writer may. */
const escaped = (text: string) => Array.from({ length: text.length }, (_, index) => `\\u${text.charCodeAt(index).toString(16).padStart(4, '0')}`).join('');

/** What any JSON reader makes of \u escapes, also where a string was JSON-encoded again (a value inside a stored entry). */
const unescaped = (text: string) => text.replace(/\\+u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

async function quarantineListing(): Promise<{ id: string; body: string }[]> {
  const response = await fetch(`${gw.url}/operator/quarantine?limit=100`, { headers: bearer(KEY) });
  const text = await response.text();
  log.record('GET /operator/quarantine', response.status, text);
  return (JSON.parse(text) as { entries: { id: string; body: string }[] }).entries;
}

describe('an ID number written with JSON \\u escapes', () => {
  it('is masked in a quarantined body that is JSON (an unknown shape), which an operator\'s tool reads back', async () => {
    const number = idNumber();
    const answer = await postRtrWebhook(gw, `{"test":"ping","remark":"holder id ${escaped(number)}"}`);
    expect(answer.status).toBe(202);
    const entry = (await quarantineListing()).find((candidate) => candidate.id === answer.body.id);
    expect((JSON.parse(entry!.body) as { remark: string }).remark).toBe('holder id [redacted]');
  });

  it('is masked in a quarantined body that is not JSON, full-width and astral digits too', async () => {
    const fullWidth = [...idNumber()].map((digit) => String.fromCodePoint(0xff10 + Number(digit))).join('');
    const astral = [...idNumber()].map((digit) => String.fromCodePoint(0x1d7ce + Number(digit))).join('');
    const answer = await postRtrWebhook(gw, `{"remark":"a ${escaped(fullWidth)} b ${escaped(astral)} c`);
    expect(answer.status).toBe(202);
    const entry = (await quarantineListing()).find((candidate) => candidate.id === answer.body.id);
    expect(unescaped(entry!.body)).toBe('{"remark":"a [redacted] b [redacted] c');
  });

  it('leaves other escapes as they came (a quote, a line break, a letter): the body still reads as sent', async () => {
    const answer = await postRtrWebhook(gw, '{"test":"ping","note":"say \\"hi\\"\\n\\u0041 and 12345"}');
    const entry = (await quarantineListing()).find((candidate) => candidate.id === answer.body.id);
    expect(entry!.body).toBe('{"test":"ping","note":"say \\"hi\\"\\n\\u0041 and 12345"}');
  });
});

describe('an ID number in a notification\'s type', () => {
  it('is masked in the event\'s kind, kept and published', async () => {
    const number = idNumber();
    const notification = {
      id: freshNotificationId(),
      fireDate: new Date().toISOString(),
      message: 'domain renewed',
      customer: 'sandbox',
      eventType: 'DOMAIN_RENEWED',
      notificationType: `Holder${number}Notification`,
      processType: 'domain',
      processIdentifier: 'example.de',
    };
    expect((await postRtrWebhook(gw, JSON.stringify(notification))).status).toBe(200);
    const reply = await postGraphQL(gw, log, 'events after the notification', { query: '{ verificationEvents(first: 200) { edges { node { ... on ProviderNotificationEvent { notificationId kind } } } } }' }, bearer(KEY));
    const event = reply.json.data.verificationEvents.edges.map((edge: { node: { notificationId?: string; kind?: string } }) => edge.node).find((node: { notificationId?: string }) => node.notificationId === String(notification.id));
    expect(event?.kind).toBe('Holder[redacted]Notification');
  });
});

describe('an ID number in the processType of a DENIC notification that names no contact', () => {
  it('is masked in the warning that tells operators to act on it, whole or in groups', async () => {
    const number = idNumber();
    const grouped = `${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}`;
    planted.add(grouped);
    for (const processType of [`holder ${number}`, `holder ${grouped}`]) {
      const notification = { id: freshNotificationId(), fireDate: new Date().toISOString(), message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME]', customer: 'sandbox', processType };
      expect((await postRtrWebhook(gw, JSON.stringify(notification))).status).toBe(200);
    }
    expect(gw.logs()).toContain('"processType":"holder [redacted]"');
  });
});

describe('an ID number as the session id of a signed Veriff decision for a session the gateway does not know', () => {
  it('is masked wherever the quarantined decision names its session: the kept summary, its notificationId and the log', async () => {
    const number = idNumber();
    const body = veriffDecisionBody(number, { status: 'declined', code: 9102 });
    const response = await fetch(`${gw.url}/webhooks/veriff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hmac-signature': createHmac('sha256', SANDBOX_VERIFF_SECRET).update(body).digest('hex') },
      body,
    });
    const answer = (await response.json()) as { quarantined?: boolean; id?: string };
    log.record('Veriff decision for an unknown session', response.status, JSON.stringify(answer));
    expect(answer.quarantined).toBe(true);
    const entry = (await quarantineListing()).find((candidate) => candidate.id === answer.id) as { notificationId?: string; body: string } | undefined;
    expect(entry?.notificationId).toBe('[redacted]');
    expect(JSON.parse(entry!.body).verification.id).toBe('[redacted]');
  });
});

describe('after every delivery', () => {
  it('no response, read as JSON would read it, holds an ID number', () => {
    expect(log.replies.filter((reply) => [...planted].some((number) => unescaped(reply.text).includes(number))).map((reply) => reply.label)).toEqual([]);
    expect(log.serverErrors()).toEqual([]);
  });

  it('no Redis key or value holds an ID number, escaped or not', async () => {
    const text = unescaped(await dumpRedis(redis.url));
    expect(text).toContain('holder id');
    expect([...planted].filter((number) => text.includes(number))).toEqual([]);
  });

  it('no log line holds an ID number', () => {
    const logs = unescaped(gw.logs());
    expect([...planted].filter((number) => logs.includes(number))).toEqual([]);
  });
});
