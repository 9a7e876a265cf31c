import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { GatewayProcess } from '../helpers/gateway-process.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { AttackLog, bearer, codesOf, overWebSocket, postGraphQL, wsClient } from './support.js';

/**
 * Unbounded input on every transport: oversized WebSocket frames, unauthenticated connection_init floods, syntax
 * errors and deep literals over WebSocket, deep literals and token floods over HTTP, alias bombs made of __typename,
 * and clients that hang up mid-upload. Every answer is a 4xx or an error for that one operation; none is a 5xx.
 */
const KEY = 'transport-key-000001';
const log = new AttackLog();
const deepList = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;

describe('over HTTP', () => {
  let gw: TestGateway;
  let roomy: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000' } });
    // A token limit high enough that only the nesting guard stands between a deep literal and the parser's stack.
    roomy = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, GRAPHQL_MAX_TOKENS: '50000', EMAIL_WATCH_INTERVAL_MS: '3600000' } });
  });
  afterAll(async () => {
    await gw.stop();
    await roomy.stop();
  });

  it('answers a list literal nested 3,000 deep with a 400, whatever the token limit', async () => {
    const query = `{ contacts(provider: REALTIME_REGISTER, handles: ${deepList(3000)}) { handle } }`;
    const limited = await postGraphQL(gw, log, 'deep literal', { query }, bearer(KEY));
    expect(limited.status).toBe(400);
    expect(codesOf(limited)).toEqual(['TOO_MANY_TOKENS']);
    const deep = await postGraphQL(roomy, log, 'deep literal, roomy token limit', { query }, bearer(KEY));
    expect(deep.status).toBe(400);
    expect(codesOf(deep)).toEqual(['QUERY_TOO_DEEP']);
    expect(deep.json.errors[0].message).toMatch(/nests braces, brackets or parentheses more than 64 deep \(GRAPHQL_MAX_DEPTH\)/);
  });

  it('answers a deeply nested variable with a 400', async () => {
    // Written by hand: JSON.stringify itself would overflow on it.
    const body = `{"query":"query Q($h: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $h) { handle } }","variables":{"h":${deepList(40_000)}}}`;
    const reply = await postGraphQL(gw, log, 'deep variable', body, bearer(KEY));
    expect(reply.status).toBe(400);
  });

  it('answers TOO_MANY_TOKENS and the other limits with 400 to a client that accepts only application/json', async () => {
    const tokens = await postGraphQL(gw, log, 'token flood, json only', { query: `{ ${'providers { provider } '.repeat(600)} }` }, { ...bearer(KEY), accept: 'application/json' });
    expect(tokens.status).toBe(400);
    expect(codesOf(tokens)).toEqual(['TOO_MANY_TOKENS']);
    const aliases = await postGraphQL(gw, log, 'alias bomb, json only', { query: `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: providers { provider }`).join(' ')} }` }, { ...bearer(KEY), accept: 'application/json' });
    expect(aliases.status).toBe(400);
  });

  it('answers a claims list of 6,000 entries with one problem, not one per entry (a 100 KB body of them made a 1.3 MB answer)', async () => {
    const evidence = { verifiedAt: '2026-11-20T00:00:00Z', externalId: 'kyc-1', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: Array(6_000).fill('NAME') };
    const query = 'query C($v: [ContactVerificationInput!]!, $r: [VerificationClaim!]) { checkVerification(verifications: $v, requiredClaims: $r) { valid problems { path code message } } }';
    const reply = await postGraphQL(gw, log, '6,000 claims', { query, variables: { v: [evidence], r: Array(6_000).fill('EMAIL') } }, bearer(KEY));
    expect(reply.status).toBe(200);
    expect(reply.json.data.checkVerification.problems.map((problem: { code: string }) => problem.code)).toEqual(['TOO_LONG', 'CLAIMS_NOT_COVERED']);
    // The missing claims are named once each, however often they were required.
    expect(reply.json.data.checkVerification.problems[1].message).toBe('The verifications do not cover the required claims: EMAIL.');
  });

  it('counts __typename aliases against GRAPHQL_MAX_ALIASES', async () => {
    const reply = await postGraphQL(gw, log, '__typename alias bomb', { query: `{ ${Array.from({ length: 500 }, (_, i) => `t${i}: __typename`).join(' ')} }` }, bearer(KEY));
    expect(reply.status).toBe(400);
    expect(codesOf(reply)).toEqual(['TOO_MANY_ALIASES']);
    expect(reply.json.errors[0].message).toMatch(/Aliases limit of 30 exceeded, found 500/);
    const thirty = await postGraphQL(gw, log, '30 __typename aliases', { query: `{ ${Array.from({ length: 30 }, (_, i) => `t${i}: __typename`).join(' ')} }` }, bearer(KEY));
    expect(thirty.status).toBe(200);
  });

  it('answers 408 and closes a connection whose client trickles its body or headers (slowloris)', async () => {
    const patient = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000' }, gateway: { requestTimeoutMs: 1_000 } });
    const url = new URL(patient.url);
    /** What the server answered before closing, or null if the connection was still open after `boundMs`. */
    const trickle = (start: string, boundMs: number) =>
      new Promise<string | null>((resolve) => {
        let answer = '';
        const socket = connect(Number(url.port), url.hostname, () => socket.write(start));
        // One more byte now and then, so no idle timeout is what ends it.
        const dripping = setInterval(() => socket.write(' '), 200);
        socket.on('data', (chunk) => (answer += String(chunk)));
        socket.on('close', () => {
          clearInterval(dripping);
          resolve(answer);
        });
        socket.on('error', () => undefined);
        setTimeout(() => {
          clearInterval(dripping);
          socket.destroy();
          resolve(null);
        }, boundMs);
      });
    try {
      // Generous bounds: node's defaults would hold both for 300 s (body) and 60 s (headers).
      const [body, webhook, headers] = await Promise.all([
        trickle(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${KEY}\r\nContent-Length: 100000\r\n\r\n{`, 20_000),
        trickle('POST /webhooks/veriff HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{', 20_000),
        trickle('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a', 20_000),
      ]);
      for (const answer of [body, webhook, headers]) expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect((await fetch(`${patient.url}/healthz`)).status).toBe(200);
    } finally {
      await patient.stop();
    }
  });

  it('answers a Host header that is no host with a 400 on every way into /graphql, never a 500 with a stack', async () => {
    const url = new URL(gw.url);
    /** The whole answer to one raw request (fetch will not send a malformed Host). */
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        let answer = '';
        const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
        socket.on('data', (chunk) => (answer += String(chunk)));
        socket.on('close', () => resolve(answer));
        socket.on('error', () => resolve(answer));
      });
    const linesBefore = gw.logs().length;
    const body = '{"query":"{ providers { provider } }"}';
    // @whatwg-node/server builds `http://<Host><target>` for yoga; each of these made that URL throw.
    for (const host of ['a b', '[', 'gateway:99999', '%']) {
      const ways = {
        post: `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${KEY}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        get: `GET /graphql?query=%7Bproviders%7Bprovider%7D%7D HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json\r\nAuthorization: Bearer ${KEY}\r\nConnection: close\r\n\r\n`,
        sse: `GET /graphql?query=subscription%7BverificationEvents%7Bid%7D%7D HTTP/1.1\r\nHost: ${host}\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${KEY}\r\nConnection: close\r\n\r\n`,
        unauthenticated: `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      };
      for (const [way, request] of Object.entries(ways)) {
        const answer = await raw(request);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
        log.record(`malformed Host ${JSON.stringify(host)} on ${way}`, status, answer);
        expect(status, `${way} with Host ${host}: ${answer}`).toBe(400);
        expect(answer).toContain('"BAD_REQUEST"');
        expect(answer).not.toMatch(/TypeError|node_modules|\n\s+at /);
      }
    }
    const lines = gw.logs().slice(linesBefore);
    expect(lines).not.toMatch(/"stack"|"level":50/);
    // A well-formed Host is served as before.
    expect(await raw(`POST /graphql HTTP/1.1\r\nHost: gateway.example:8443\r\nContent-Type: application/json\r\nAuthorization: Bearer ${KEY}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)).toMatch(/^HTTP\/1\.1 200[\s\S]*"provider":"VERIFF"/);
  });

  it('logs a client that aborts its upload at info, without a stack', async () => {
    const url = new URL(gw.url);
    const linesBefore = gw.logs().length;
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '60000', ...bearer(KEY) } });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(`{"query":"{ providers { provider } }","variables":{"pad":"${'p'.repeat(2000)}`, () => setTimeout(() => req.destroy(), 100));
    });
    let lines: any[] = [];
    for (let attempt = 0; attempt < 50 && !lines.some((line) => line.msg === 'the client aborted its request'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      lines = gw.logs().slice(linesBefore).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    }
    const aborted = lines.filter((line) => line.msg === 'the client aborted its request');
    expect(aborted).toHaveLength(1);
    expect(aborted[0]).toMatchObject({ level: 30, code: 'ECONNRESET' });
    expect(JSON.stringify(lines)).not.toMatch(/"stack"|"level":50/);
  });

  it('logs the path of an aborted webhook upload without its query string (which could carry an ID number)', async () => {
    const url = new URL(gw.url);
    const linesBefore = gw.logs().length;
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: '/webhooks/veriff?ref=49912319994', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '60000' } });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write('{"status":', () => setTimeout(() => req.destroy(), 100));
    });
    let lines: any[] = [];
    for (let attempt = 0; attempt < 50 && !lines.some((line) => line.msg === 'the client aborted its request'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      lines = gw.logs().slice(linesBefore).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    }
    expect(lines.filter((line) => line.msg === 'the client aborted its request')).toEqual([expect.objectContaining({ path: '/webhooks/veriff' })]);
    expect(gw.logs()).not.toContain('49912319994');
  });
});

describe('over WebSocket', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // A burst above the socket's operation limit, so that limit is what the 101st operation meets.
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000', RATE_LIMIT_PER_MINUTE: '6000', RATE_LIMIT_BURST: '1000' } });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('errors only the operation with a syntax error or a deep literal; the socket carries on', async () => {
    const client = wsClient(gw, KEY, { lazy: false });
    let closed: number | null = null;
    client.on('closed', (event) => (closed = (event as { code: number }).code));
    try {
      for (const [label, query] of [
        ['ws syntax error', '{ providers { provider }'],
        ['ws deep literal', `{ contacts(provider: REALTIME_REGISTER, handles: ${deepList(1000)}) { handle } }`],
        ['ws invalid field', '{ nope }'],
      ] as const) {
        const { error } = await overWebSocket(client, log, label, { query });
        expect(Array.isArray(error), label).toBe(true);
        expect(JSON.stringify(error)).not.toMatch(/INTERNAL_SERVER_ERROR|Unexpected error/);
      }
      const { results } = await overWebSocket(client, log, 'ws after the errors', { query: '{ providers { provider } }' });
      expect(results[0]?.data).toMatchObject({ providers: expect.any(Array) });
      expect(closed).toBeNull();
    } finally {
      await client.dispose();
    }
  });

  it('closes a socket whose frame is larger than GRAPHQL_MAX_BODY_BYTES (1009), before or after connection_init, logged at info', async () => {
    const frameClose = async (frames: string[]) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
        socket.on('open', () => {
          for (const frame of frames) socket.send(frame);
        });
        socket.on('close', (code) => resolve(code));
        socket.on('error', () => undefined);
        setTimeout(() => reject(new Error('the socket stayed open')), 10_000);
      });
    const big = 'x'.repeat(200 * 1024);
    expect(await frameClose([JSON.stringify({ type: 'connection_init', payload: { pad: big } })])).toBe(1009);
    const authenticated = JSON.stringify({ type: 'connection_init', payload: bearer(KEY) });
    const subscribe = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ providers { provider } }', variables: { pad: big } } });
    expect(await frameClose([authenticated, subscribe])).toBe(1009);
    const lines = gw.logs().split('\n').filter((line) => line.includes('broke the framing rules'));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ level: 30, code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
  });

  it('runs at most 100 operations at once on one socket: the 101st errors alone, and room comes back as they end', async () => {
    const client = wsClient(gw, KEY, { lazy: false });
    const stops: (() => void)[] = [];
    try {
      const live = 'subscription { verificationEvents { id } }';
      for (let i = 0; i < 100; i++) stops.push(client.subscribe({ query: live }, { next: () => undefined, error: () => undefined, complete: () => undefined }));
      const { error } = await overWebSocket(client, log, 'ws 101st operation', { query: live });
      expect(JSON.stringify(error)).toContain('TOO_MANY_OPERATIONS');
      const gauge = async () => (await gw.metrics.registry.getSingleMetricAsString('gateway_subscribers')).match(/transport="ws"\} (\d+)/)?.[1];
      expect(await gauge()).toBe('100');
      stops.pop()!();
      for (let attempt = 0; attempt < 100 && (await gauge()) !== '99'; attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
      const { results } = await overWebSocket(client, log, 'ws operation after one ended', { query: '{ providers { provider } }' });
      expect(results[0]?.data).toMatchObject({ providers: expect.any(Array) });
    } finally {
      for (const stop of stops) stop();
      await client.dispose();
    }
  });

  it('closes a socket that never sends connection_init (4408), without asking for a key', async () => {
    const code = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      socket.on('close', (closeCode) => resolve(closeCode));
      socket.on('error', () => undefined);
    });
    expect(code).toBe(4408);
  });
});

describe('WebSockets waiting for connection_init, per address', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // A long init timeout: on a loaded machine the 64 sockets must not start timing out (4408) before the 65th opens.
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000', GRAPHQL_WS_AWAITING_INIT_PER_ADDRESS: '64', GRAPHQL_WS_INIT_TIMEOUT_MS: '60000' } });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('lets one address hold GRAPHQL_WS_AWAITING_INIT_PER_ADDRESS (64) sockets waiting for connection_init: the 65th is closed with 4429, and an accepted init frees its place', async () => {
    const url = `${gw.url.replace(/^http/, 'ws')}/graphql`;
    const open = () => {
      const socket = new WebSocket(url, 'graphql-transport-ws');
      socket.on('error', () => undefined);
      const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      const opened = new Promise<void>((resolve) => socket.on('open', () => resolve()));
      const acknowledged = () =>
        new Promise<string>((resolve) => {
          socket.on('message', (data) => resolve(JSON.parse(String(data)).type));
          socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${KEY}` } }));
        });
      return { socket, closed, opened, acknowledged };
    };
    const waiting = Array.from({ length: 64 }, open);
    const later: ReturnType<typeof open>[] = [];
    try {
      await Promise.all(waiting.map((one) => one.opened));
      const over = open();
      later.push(over);
      expect(await over.closed).toBe(4429);
      // Ten of them are accepted: their places are free for ten more, which are accepted in turn.
      expect(await Promise.all(waiting.slice(0, 10).map((one) => one.acknowledged()))).toEqual(Array(10).fill('connection_ack'));
      const more = Array.from({ length: 10 }, open);
      later.push(...more);
      await Promise.all(more.map((one) => one.opened));
      expect(await Promise.all(more.map((one) => one.acknowledged()))).toEqual(Array(10).fill('connection_ack'));
    } finally {
      for (const one of [...waiting, ...later]) one.socket.terminate();
    }
  });
});

describe('failed authentications: one budget per address, on every door that takes a key', () => {
  let gw: TestGateway;
  // A burst of 5 failures a minute: the budget is spent within the test and not refilled before it ends.
  beforeAll(async () => {
    gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_BURST: '5', EMAIL_WATCH_INTERVAL_MS: '3600000' } });
  });
  afterAll(async () => {
    await gw.stop();
  });

  /** How a graphql-ws connection_init with this key ends: 'ack', or the close code. */
  const wsInit = (key: string) =>
    new Promise<number | 'ack'>((resolve) => {
      const socket = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: bearer(key) })));
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type !== 'connection_ack') return;
        socket.close();
        resolve('ack');
      });
      socket.on('close', (code) => resolve(code));
      socket.on('error', () => undefined);
    });
  const quarantine = async (key: string) => {
    const response = await fetch(`${gw.url}/operator/quarantine`, { headers: bearer(key) });
    log.record(`quarantine with ${key}`, response.status, await response.text());
    return response.status;
  };
  const sse = async (key: string) => {
    const response = await fetch(`${gw.url}/graphql`, { method: 'PUT', headers: bearer(key) });
    log.record(`graphql-sse reservation with ${key}`, response.status, await response.text());
    return response.status;
  };
  const query = { query: '{ providers { provider } }' };

  it('counts wrong keys on HTTP, WebSocket and /operator/* together, then refuses the right key too (no oracle)', async () => {
    // Five wrong keys, spread over three doors: each is told so.
    expect((await postGraphQL(gw, log, 'wrong key 1', query, bearer('wrong-key-000001'))).status).toBe(401);
    expect((await postGraphQL(gw, log, 'wrong key 2', query, bearer('wrong-key-000002'))).status).toBe(401);
    expect(await wsInit('wrong-key-000003')).toBe(4403);
    expect(await wsInit('wrong-key-000004')).toBe(4403);
    expect(await quarantine('wrong-key-000005')).toBe(401);
    // The sixth is over the budget, whichever door it takes.
    expect(await wsInit('wrong-key-000006')).toBe(4429);
    // From now on a right key is refused like a wrong one, on every door: a guess that hits learns nothing.
    const right = await postGraphQL(gw, log, 'right key over the budget', query, bearer(KEY));
    expect(right.status).toBe(429);
    expect(codesOf(right)).toEqual(['RATE_LIMITED']);
    expect(await wsInit(KEY)).toBe(4429);
    expect(await quarantine(KEY)).toBe(429);
    expect(await sse(KEY)).toBe(429);
  });
});

describe('a gateway process under 40 MB WebSocket frames', () => {
  let child: GatewayProcess;
  beforeAll(async () => {
    // A long connection_init window: on a starved machine a 40 MB send can outlast the default 3 s, and the close
    // would then be 4408 (no init) rather than the frame cap this part checks.
    child = await startGatewayProcess({ GATEWAY_API_KEYS: `${KEY}:*`, EMAIL_WATCH_INTERVAL_MS: '3600000', GRAPHQL_WS_INIT_TIMEOUT_MS: '30000' });
  });
  afterAll(async () => {
    child.child.kill('SIGTERM');
    await child.exited;
  });

  const rssBytes = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.child.pid}/status`, 'utf8'))![1]) * 1024;

  it('keeps its memory: four unauthenticated 40 MB connection_init frames are refused from their header', async () => {
    const frame = Buffer.alloc(40 * 1024 * 1024, 'a');
    const oversized = () =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${child.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
        socket.on('open', () => socket.send(frame));
        socket.on('close', (code) => resolve(code));
        socket.on('error', () => undefined);
      });
    // One round first, so start-up allocations (code paths run for the first time) are not counted as growth.
    await oversized();
    const before = rssBytes();
    const codes = await Promise.all(Array.from({ length: 4 }, oversized));
    const grown = rssBytes() - before;
    expect(codes).toEqual([1009, 1009, 1009, 1009]);
    // Buffering and parsing them grew the process by about 330 MB before the cap (388 MB in the attack run);
    // refused from their header they cost socket buffers only (about 5 MB on an idle machine, up to 36 MB seen on a
    // loaded one, where the kernel hands over bigger chunks). The bound sits far from both.
    expect(grown).toBeLessThan(100 * 1024 * 1024);
    expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
  });
});

describe('after every attack', () => {
  it('saw 0 server errors', () => {
    expect(log.replies.length).toBeGreaterThan(8);
    expect(log.serverErrors()).toEqual([]);
  });
});

describe('failed authentications behind a reverse proxy (TRUST_PROXY_HOPS=1)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      env: { GATEWAY_API_KEYS: `${KEY}:*`, RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_BURST: '5', TRUST_PROXY_HOPS: '1', EMAIL_WATCH_INTERVAL_MS: '3600000' },
    });
  });
  afterAll(async () => {
    await gw.stop();
  });

  const query = { query: '{ providers { provider } }' };
  /** As the proxy forwards it: the caller's own X-Forwarded-For (if any), then the address the proxy saw. */
  const via = (client: string, key: string, forged?: string) => ({ ...bearer(key), 'x-forwarded-for': forged ? `${forged}, ${client}` : client });

  it('budgets each client behind the proxy on its own: a guesser is refused, another client with a right key is not', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      // Forging an X-Forwarded-For entry of its own changes nothing: the proxy's entry is the one read.
      const reply = await postGraphQL(gw, log, `guess ${attempt} behind the proxy`, query, via('203.0.113.7', `wrong-key-00000${attempt}`, `198.51.100.${attempt}`));
      expect(reply.status).toBe(401);
    }
    expect((await postGraphQL(gw, log, 'guess 6 behind the proxy', query, via('203.0.113.7', 'wrong-key-000006'))).status).toBe(429);
    expect((await postGraphQL(gw, log, "the guesser's right key", query, via('203.0.113.7', KEY))).status).toBe(429);
    expect((await postGraphQL(gw, log, 'another client behind the same proxy', query, via('203.0.113.8', KEY))).status).toBe(200);
  });
});
