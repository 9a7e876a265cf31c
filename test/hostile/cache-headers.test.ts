import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { openRawStream, postRtrWebhook, SUBSCRIPTION } from '../integration/events-support.js';
import { AttackLog, bearer, postGraphQL } from './support.js';

/**
 * Personal data read under one key must not be kept by a browser or a proxy between the caller and the gateway, where
 * the next user of that browser or proxy (with another key, or none) would be shown it. Every answer that can hold
 * such data says `Cache-Control: no-store`: GraphQL results (POST, GET, event streams) and the operator's quarantine.
 */
const KEY = 'cache-headers-key-0001';
const log = new AttackLog();
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000' } });
});

afterAll(async () => {
  await gw?.stop();
});

/** no-store among the directives: it overrides any other (an event stream also says no-cache). */
const NO_STORE = /(^|,)\s*no-store\s*(,|$)/;

const CONTACT = '{ contact(provider: REALTIME_REGISTER, handle: "rtr-0001") { handle name email } }';

async function fetchLogged(label: string, path: string, init: RequestInit): Promise<Response> {
  const response = await fetch(`${gw.url}${path}`, init);
  log.record(label, response.status, await response.clone().text());
  return response;
}

describe('answers that hold personal data', () => {
  it('are no-store on /graphql over POST, as they hold a contact read with the key\'s scopes', async () => {
    const response = await fetchLogged('POST contact', '/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...bearer(KEY) },
      body: JSON.stringify({ query: CONTACT }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.contact.handle).toBe('rtr-0001');
    expect(response.headers.get('cache-control')).toMatch(NO_STORE);
  });

  it('are no-store on a GET query, the form a caching proxy would keep', async () => {
    const response = await fetchLogged('GET contact', `/graphql?query=${encodeURIComponent(CONTACT)}`, { headers: { accept: 'application/json', ...bearer(KEY) } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(NO_STORE);
  });

  it('are no-store on an event stream (yoga\'s no-cache lets a cache store the events)', async () => {
    const stream = await openRawStream(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(KEY) },
      body: JSON.stringify({ query: SUBSCRIPTION, variables: {} }),
    });
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('cache-control')).toMatch(NO_STORE);
    } finally {
      stream.abort();
      await stream.ended;
    }
  });

  it('are no-store on errors too (a refused key is told which scopes it lacks)', async () => {
    const reply = await fetchLogged('POST unauthenticated', '/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...bearer('cache-headers-wrong-01') },
      body: JSON.stringify({ query: CONTACT }),
    });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('cache-control')).toMatch(NO_STORE);
  });

  it('are no-store on GET /operator/quarantine, which lists raw provider bodies (names, emails, phones)', async () => {
    expect((await postRtrWebhook(gw, JSON.stringify({ test: 'ping', contact: { name: 'Casey Cached', email: 'casey@example.com' } }))).status).toBe(202);
    const response = await fetchLogged('GET quarantine', '/operator/quarantine', { headers: bearer(KEY) });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Casey Cached');
    expect(response.headers.get('cache-control')).toMatch(NO_STORE);
  });
});

describe('after every request', () => {
  it('saw 0 server errors', async () => {
    await postGraphQL(gw, log, 'a plain query still answers', { query: '{ __typename }' }, bearer(KEY));
    expect(log.serverErrors()).toEqual([]);
  });
});
