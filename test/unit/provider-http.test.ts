import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderFailure } from '../../src/domain/errors.js';
import { createMetrics, type GatewayMetrics } from '../../src/observability/metrics.js';
import { ProviderHttp, parseRetryAfter, type ProviderHttpOptions } from '../../src/providers/http.js';
import { maintenanceWaitMs } from '../../src/providers/realtime-register/errors.js';

/** One request as the fake provider saw it. */
interface Hit {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, hit: Hit, attempt: number) => void;

/** A fake provider on 127.0.0.1:<ephemeral> that records every request it receives. */
async function startUpstream(handler: Handler) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() };
      hits.push(hit);
      handler(req, res, hit, hits.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { origin: `http://127.0.0.1:${port}`, hits, stop };
}

/** Answers with `status` for the first `failures` requests, then 200 {"ok":true}. */
function failThenSucceed(failures: number, status: number, headers: Record<string, string> = {}): Handler {
  return (_req, res, _hit, attempt) => {
    if (attempt <= failures) res.writeHead(status, headers).end('{"error":"try later"}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(handler: Handler, options: Partial<ProviderHttpOptions> = {}) {
  const upstream = await startUpstream(handler);
  const metrics = options.metrics ?? createMetrics();
  const http = new ProviderHttp({
    provider: 'REALTIME_REGISTER',
    baseUrl: upstream.origin,
    metrics,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    ...options,
  });
  cleanups.push(upstream.stop, () => http.close());
  return { http, upstream, metrics };
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderFailure);
  return error as ProviderFailure;
}

async function counterText(metrics: GatewayMetrics, name: string): Promise<string> {
  return metrics.registry.getSingleMetricAsString(name);
}

describe('ProviderHttp', () => {
  describe('passing calls through', () => {
    it('sends path, encoded query, headers and x-request-id, and returns status, headers and body', async () => {
      const { http, upstream } = await setup((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' }).end('{"entities":[]}'));

      const response = await http.request({
        operation: 'contacts.list',
        method: 'GET',
        path: '/v2/customers/acme/contacts',
        query: { q: 'a b&c', limit: 10, export: false, skipped: undefined, alsoSkipped: null, 'handle:in': 'h1,h2' },
        headers: { authorization: 'ApiKey secret' },
        requestId: 'req-123',
      });

      expect(response.status).toBe(200);
      expect(response.body).toBe('{"entities":[]}');
      expect(response.headers['x-upstream']).toBe('yes');
      expect(upstream.hits).toHaveLength(1);
      const [hit] = upstream.hits;
      // A space as %20: a `+` is a space only to form decoders (URLSearchParams, PHP), a literal plus to an RFC 3986 one.
      expect(hit!.url).toBe('/v2/customers/acme/contacts?q=a%20b%26c&limit=10&export=false&handle%3Ain=h1%2Ch2');
      expect(new URL(hit!.url, 'http://x').searchParams.get('handle:in')).toBe('h1,h2');
      expect(hit!.headers['x-request-id']).toBe('req-123');
      expect(hit!.headers.authorization).toBe('ApiKey secret');
    });

    it('sends a query value holding a plus sign as %2B, so no decoder reads it as a space', async () => {
      const { http, upstream } = await setup((_req, res) => res.writeHead(200).end('{}'));
      await http.request({ operation: 'list', method: 'GET', path: '/list', query: { status: 'not verified', email: 'ann+tag@example.net' } });
      expect(upstream.hits[0]!.url).toBe('/list?status=not%20verified&email=ann%2Btag%40example.net');
      expect(decodeURIComponent(upstream.hits[0]!.url.split('?')[1]!.split('&')[0]!)).toBe('status=not verified');
    });

    it("sends every path below a base URL's own path (a provider or a fake mounted under a prefix)", async () => {
      const { http, upstream } = await setup((_req, res) => res.writeHead(200).end('{}'));
      const mounted = new ProviderHttp({ provider: 'OPENPROVIDER', baseUrl: `${upstream.origin}/mount/openprovider/`, metrics: createMetrics() });
      cleanups.push(() => mounted.close());
      await mounted.request({ operation: 'auth.login', method: 'POST', path: '/v1beta/auth/login', body: '{}' });
      await mounted.request({ operation: 'list', method: 'GET', path: '/v1beta/customers', query: { limit: 1 } });
      await http.request({ operation: 'root', method: 'GET', path: '/v1beta/customers' });
      expect(upstream.hits.map((hit) => hit.url)).toEqual(['/mount/openprovider/v1beta/auth/login', '/mount/openprovider/v1beta/customers?limit=1', '/v1beta/customers']);
    });

    it('refuses a base URL with a query or fragment, which no path could be appended to', () => {
      for (const baseUrl of ['http://127.0.0.1:9/?a=1', 'http://127.0.0.1:9/#x']) {
        expect(() => new ProviderHttp({ provider: 'VERIFF', baseUrl, metrics: createMetrics() })).toThrow(/query/);
      }
    });

    it('sends the body bytes as given', async () => {
      const { http, upstream } = await setup((_req, res) => res.writeHead(201).end());
      const body = '{"name":"Jane","email":"jane@example.com"}';

      const response = await http.request({ operation: 'contacts.create', method: 'POST', path: '/contacts', body, headers: { 'content-type': 'application/json' } });

      expect(response.status).toBe(201);
      expect(upstream.hits[0]!.method).toBe('POST');
      expect(upstream.hits[0]!.body).toBe(body);
    });

    it('returns a 404 as-is without retrying', async () => {
      const { http, upstream } = await setup((_req, res) => res.writeHead(404).end('{"type":"ObjectDoesNotExist"}'));

      const response = await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });

      expect(response).toMatchObject({ status: 404, body: '{"type":"ObjectDoesNotExist"}' });
      expect(upstream.hits).toHaveLength(1);
      expect(http.lastError).toBeNull();
    });
  });

  describe('retrying', () => {
    it.each([503, 502, 504, 429])('retries an idempotent GET after %i and returns the success', async (status) => {
      const { http, upstream } = await setup(failThenSucceed(2, status));

      const response = await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });

      expect(response.status).toBe(200);
      expect(upstream.hits).toHaveLength(3);
    });

    it('returns the last response once retries are exhausted', async () => {
      const { http, upstream } = await setup(failThenSucceed(10, 503), { maxRetries: 2 });

      const response = await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });

      expect(response.status).toBe(503);
      expect(upstream.hits).toHaveLength(3);
      expect(http.lastError?.message).toBe('HTTP 503 on contacts.get');
    });

    it('asks mayRepeat before each retry, and ends the call with the answer it has at the first no', async () => {
      const { http, upstream } = await setup(failThenSucceed(10, 503), { maxRetries: 3 });
      const asked: number[] = [];
      const mayRepeat = async () => {
        asked.push(upstream.hits.length);
        return asked.length < 2;
      };

      const response = await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x', mayRepeat });

      expect(response.status).toBe(503);
      expect(asked).toEqual([1, 2]);
      expect(upstream.hits).toHaveLength(2);
    });

    it('does not retry a non-idempotent POST after 503 (exactly one attempt)', async () => {
      const { http, upstream } = await setup(failThenSucceed(1, 503));

      const response = await http.request({ operation: 'contacts.create', method: 'POST', path: '/contacts', body: '{}' });

      expect(response.status).toBe(503);
      expect(upstream.hits).toHaveLength(1);
    });

    it('retries a POST marked idempotent', async () => {
      const { http, upstream } = await setup(failThenSucceed(1, 503));

      const response = await http.request({ operation: 'contacts.check', method: 'POST', path: '/contacts/check', body: '{}', idempotent: true });

      expect(response.status).toBe(200);
      expect(upstream.hits).toHaveLength(2);
      expect(upstream.hits[1]!.body).toBe('{}');
    });

    it('does not retry a plain 500', async () => {
      const { http, upstream } = await setup(failThenSucceed(1, 500));

      const response = await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });

      expect(response.status).toBe(500);
      expect(upstream.hits).toHaveLength(1);
    });

    it('retries a 500 that the isRetryable hook recognises by its body code', async () => {
      const { http, upstream } = await setup((_req, res, _hit, attempt) => {
        if (attempt === 1) res.writeHead(500).end('{"code":50,"desc":"Too many requests"}');
        else res.writeHead(200).end('{"code":0}');
      });

      const response = await http.request({
        operation: 'contacts.list',
        method: 'GET',
        path: '/v1beta/customers',
        isRetryable: (r) => r.status === 500 && (JSON.parse(r.body) as { code?: number }).code === 50,
      });

      expect(response.status).toBe(200);
      expect(upstream.hits).toHaveLength(2);
    });

    it('waits at least Retry-After seconds before retrying', async () => {
      const { http, upstream } = await setup(failThenSucceed(1, 429, { 'retry-after': '1' }));

      const response = await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });

      expect(response.status).toBe(200);
      expect(upstream.hits).toHaveLength(2);
      expect(upstream.hits[1]!.at - upstream.hits[0]!.at).toBeGreaterThanOrEqual(1000);
    });

    it('stops retrying and returns the 429 when Retry-After reaches past the deadline', async () => {
      const { http, upstream } = await setup(failThenSucceed(1, 429, { 'retry-after': '30' }), { deadlineMs: 2_000 });

      const response = await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });

      expect(response.status).toBe(429);
      expect(response.headers['retry-after']).toBe('30');
      expect(upstream.hits).toHaveLength(1);
    });
  });

  describe('when no answer comes', () => {
    it('rejects with a retryable UNAVAILABLE failure when the provider never answers', async () => {
      const { http, upstream } = await setup(() => {}, { deadlineMs: 300, attemptTimeoutMs: 100 });

      const failure = await failureOf(http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x', query: { token: 'secret' } }));

      expect(failure.kind).toBe('UNAVAILABLE');
      expect(failure.retryable).toBe(true);
      expect(failure.provider).toBe('REALTIME_REGISTER');
      expect(failure.message).toMatch(/^Realtime Register did not answer within \d+ ms$/);
      expect(upstream.hits.length).toBeGreaterThan(1); // each timed-out attempt was retried while time remained
      expect(http.lastError?.message).toMatch(/^timeout after \d+ ms on contacts\.get$/);
      expect(http.lastError?.message).not.toContain('secret');
    });

    it('gives up when the body never finishes, not only when headers never come', async () => {
      const { http } = await setup((_req, res) => res.writeHead(200).write('{"partial":'), { deadlineMs: 150, maxRetries: 0 });

      const failure = await failureOf(http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' }));

      expect(failure.kind).toBe('UNAVAILABLE');
      expect(failure.message).toBe('Realtime Register did not answer within 150 ms');
    });

    it('rejects with a retryable UNAVAILABLE failure naming ECONNREFUSED when the port is closed', async () => {
      const closed = await startUpstream(() => {});
      await closed.stop();
      const metrics = createMetrics();
      const http = new ProviderHttp({ provider: 'OPENPROVIDER', baseUrl: closed.origin, metrics, backoffBaseMs: 1, backoffMaxMs: 2 });
      cleanups.push(() => http.close());

      const failure = await failureOf(http.request({ operation: 'customers.list', method: 'GET', path: '/v1beta/customers' }));

      expect(failure.kind).toBe('UNAVAILABLE');
      expect(failure.retryable).toBe(true);
      expect(failure.message).toBe('Openprovider could not be reached (ECONNREFUSED)');
      expect(failure.message).not.toContain('127.0.0.1');
      expect(await counterText(metrics, 'gateway_upstream_requests_total')).toContain(
        'gateway_upstream_requests_total{provider="OPENPROVIDER",operation="customers.list",outcome="network_error"} 3',
      );
    });
  });

  describe('a write that got no answer', () => {
    it('is OUTCOME_UNKNOWN and not retryable when it was sent and the provider never answered', async () => {
      const { http, upstream } = await setup(() => {}, { deadlineMs: 150 });

      const failure = await failureOf(http.request({ operation: 'contacts.update', method: 'POST', path: '/contacts/x/update', body: '{}' }));

      expect(upstream.hits).toHaveLength(1);
      expect(failure.kind).toBe('UNAVAILABLE');
      expect(failure.code).toBe('OUTCOME_UNKNOWN');
      expect(failure.retryable).toBe(false);
      expect(failure.message).toBe(
        'Realtime Register did not answer within 150 ms after contacts.update was sent: it may have been applied. Check its state before sending it again.',
      );
    });

    it('is OUTCOME_UNKNOWN when the connection is reset after the request was read', async () => {
      const { http, upstream } = await setup((req) => req.socket.destroy());

      const failure = await failureOf(http.request({ operation: 'sessions.create', method: 'POST', path: '/v1/sessions', body: '{}' }));

      expect(upstream.hits).toHaveLength(1);
      expect(failure.code).toBe('OUTCOME_UNKNOWN');
      expect(failure.retryable).toBe(false);
    });

    it('stays a retryable outage when the connection was refused, so nothing was sent', async () => {
      const closed = await startUpstream(() => {});
      await closed.stop();
      const http = new ProviderHttp({ provider: 'VERIFF', baseUrl: closed.origin, metrics: createMetrics() });
      cleanups.push(() => http.close());

      const failure = await failureOf(http.request({ operation: 'sessions.create', method: 'POST', path: '/v1/sessions', body: '{}' }));

      expect(failure.code).toBeNull();
      expect(failure.retryable).toBe(true);
      expect(failure.message).toBe('Veriff could not be reached (ECONNREFUSED)');
    });

    it('stays a retryable outage for a call that changes nothing (a login)', async () => {
      const { http } = await setup(() => {}, { deadlineMs: 150 });

      const failure = await failureOf(http.request({ operation: 'auth.login', method: 'POST', path: '/auth/login', body: '{}', changesState: false }));

      expect(failure.code).toBeNull();
      expect(failure.retryable).toBe(true);
    });
  });

  describe('an announced outage (Realtime Register maintenance: 503 ProviderUnavailable with its endDate)', () => {
    const NOW = Date.parse('2026-05-04T10:15:00Z');
    const maintenance = JSON.stringify({ type: 'ProviderUnavailable', message: 'down', startDate: '2026-05-04T10:00:00Z', endDate: '2026-05-04T11:00:00Z' });
    const inMaintenance: Handler = (_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end(maintenance);
    const read = { operation: 'contacts.list', method: 'GET', path: '/contacts', announcedWaitMs: maintenanceWaitMs } as const;

    it('is not retried within the window: a read sends one call, not three', async () => {
      const { http, upstream } = await setup(inMaintenance, { now: () => NOW });

      const response = await http.request(read);

      expect(response.status).toBe(503);
      expect(upstream.hits).toHaveLength(1);
    });

    it('gives the window, not openMs, as the wait once it has opened the circuit', async () => {
      const { http, upstream } = await setup(inMaintenance, { now: () => NOW, breaker: { failureThreshold: 2, openMs: 10_000 } });
      await http.request(read);
      await http.request(read);
      expect(http.circuit).toBe('OPEN');

      const failure = await failureOf(http.request(read));

      expect(upstream.hits).toHaveLength(2);
      expect(failure.kind).toBe('UNAVAILABLE');
      expect(failure.retryable).toBe(true);
      expect(failure.retryAfterSeconds).toBe(45 * 60);
      expect(failure.message).toBe('Realtime Register said it is unavailable for another 2700 s; calls are paused (circuit open)');
    });

    it('forgets the window once the provider answers normally again', async () => {
      let mode: 'maintenance' | 'up' | 'plain 503' = 'maintenance';
      let now = NOW;
      const { http } = await setup(
        (req, res, hit, attempt) => {
          if (mode === 'maintenance') inMaintenance(req, res, hit, attempt);
          else if (mode === 'up') res.writeHead(200).end('{}');
          else res.writeHead(503).end('{}');
        },
        { now: () => now, breaker: { failureThreshold: 1, openMs: 1_000 } },
      );
      await http.request(read);
      mode = 'up';
      now += 1_000; // half-open: the trial succeeds and closes the circuit
      expect((await http.request(read)).status).toBe(200);
      mode = 'plain 503';
      expect((await http.request(read)).status).toBe(503);
      expect(http.circuit).toBe('OPEN');

      const failure = await failureOf(http.request(read));

      expect(failure.retryAfterSeconds).toBe(1);
      expect(failure.message).toBe('Realtime Register is failing; calls are paused for 1 s (circuit open)');
    });
  });

  describe('answers too large to read', () => {
    it('refuses a body whose Content-Length passes the cap without reading it, once, as a named failure', async () => {
      const { http, upstream, metrics } = await setup((_req, res) => res.writeHead(200, { 'content-length': String(2048) }).end('x'.repeat(2048)), { maxResponseBytes: 1024 });

      const failure = await failureOf(http.request({ operation: 'contacts.list', method: 'GET', path: '/contacts' }));

      expect({ kind: failure.kind, retryable: failure.retryable }).toEqual({ kind: 'ERROR', retryable: false });
      expect(failure.message).toBe('Realtime Register sent an answer larger than 1024 bytes; it was not read.');
      expect(upstream.hits).toHaveLength(1);
      expect(await counterText(metrics, 'gateway_upstream_requests_total')).toContain('outcome="too_large"} 1');
      expect(http.circuit).toBe('CLOSED');
    });

    it('stops reading a chunked body once it passes the cap, and reads one within it', async () => {
      let size = 4096;
      const { http } = await setup(
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          // No Content-Length: written in pieces, so node sends it chunked.
          for (let sent = 0; sent < size; sent += 512) res.write('y'.repeat(512));
          res.end();
        },
        { maxResponseBytes: 2048 },
      );

      const failure = await failureOf(http.request({ operation: 'contacts.list', method: 'GET', path: '/contacts' }));
      expect(failure.message).toMatch(/larger than 2048 bytes/);

      size = 2048;
      const response = await http.request({ operation: 'contacts.list', method: 'GET', path: '/contacts' });
      expect(response.body).toHaveLength(2048);
    });
  });

  describe('answer text', () => {
    it('drops a leading byte order mark whether the body comes with a Content-Length or chunked', async () => {
      const { http } = await setup((req, res) => {
        const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"ok":"ü"}')]);
        if (req.url === '/sized') return res.writeHead(200, { 'content-length': String(body.length) }).end(body);
        res.writeHead(200);
        res.write(body.subarray(0, 2));
        res.end(body.subarray(2));
      });
      for (const path of ['/sized', '/chunked']) {
        const response = await http.request({ operation: 'contacts.get', method: 'GET', path });
        expect(JSON.parse(response.body)).toEqual({ ok: 'ü' });
      }
    });
  });

  describe('circuit breaker', () => {
    function clock(start = 1_700_000_000_000) {
      let t = start;
      return { now: () => t, advance: (ms: number) => (t += ms) };
    }

    it('opens after N consecutive 500s and then fails fast without reaching the provider', async () => {
      const time = clock();
      const { http, upstream, metrics } = await setup((_req, res) => res.writeHead(500).end(), {
        breaker: { failureThreshold: 3, openMs: 10_000 },
        now: time.now,
      });
      const call = () => http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });

      for (let i = 0; i < 3; i++) expect((await call()).status).toBe(500);
      expect(http.circuit).toBe('OPEN');
      time.advance(2_500);

      const failure = await failureOf(call());
      expect(failure.kind).toBe('UNAVAILABLE');
      expect(failure.retryable).toBe(true);
      expect(failure.retryAfterSeconds).toBe(8);
      expect(failure.message).toBe('Realtime Register is failing; calls are paused for 8 s (circuit open)');
      expect(upstream.hits).toHaveLength(3);
      expect(await counterText(metrics, 'gateway_circuit_state')).toContain('gateway_circuit_state{provider="REALTIME_REGISTER"} 2');
      expect(await counterText(metrics, 'gateway_upstream_requests_total')).toContain('outcome="circuit_open"} 1');
    });

    it('stops retrying and returns the last response when the circuit opens mid-call', async () => {
      const { http, upstream } = await setup(failThenSucceed(10, 503), { breaker: { failureThreshold: 2 }, maxRetries: 5 });

      const response = await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });

      expect(response.status).toBe(503);
      expect(upstream.hits).toHaveLength(2);
      expect(http.circuit).toBe('OPEN');
    });

    it('does not count 4xx or 429 answers as failures', async () => {
      const { http } = await setup((_req, res, _hit, n) => res.writeHead(n % 2 ? 404 : 429).end(), { breaker: { failureThreshold: 2 }, maxRetries: 0 });

      for (let i = 0; i < 6; i++) await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });

      expect(http.circuit).toBe('CLOSED');
    });

    it('resets the consecutive count on a success while closed', async () => {
      const statuses = [500, 500, 200, 500, 500];
      const { http } = await setup((_req, res, _hit, n) => res.writeHead(statuses[n - 1] ?? 200).end(), { breaker: { failureThreshold: 3 } });

      for (const _ of statuses) await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });

      expect(http.circuit).toBe('CLOSED');
    });

    it('half-opens after openMs and closes on a successful trial call', async () => {
      const time = clock();
      let healthy = false;
      const { http, upstream, metrics } = await setup((_req, res) => res.writeHead(healthy ? 200 : 503).end(), {
        breaker: { failureThreshold: 2, openMs: 10_000 },
        maxRetries: 0,
        now: time.now,
      });
      const call = () => http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });
      await call();
      await call();
      expect(http.circuit).toBe('OPEN');

      time.advance(10_000);
      expect(http.circuit).toBe('HALF_OPEN');
      expect(await counterText(metrics, 'gateway_circuit_state')).toContain('gateway_circuit_state{provider="REALTIME_REGISTER"} 1');
      healthy = true;

      expect((await call()).status).toBe(200);
      expect(http.circuit).toBe('CLOSED');
      expect(upstream.hits).toHaveLength(3);
      expect(await counterText(metrics, 'gateway_circuit_state')).toContain('gateway_circuit_state{provider="REALTIME_REGISTER"} 0');
    });

    it('re-opens for a fresh openMs when the trial call fails', async () => {
      const time = clock();
      const { http, upstream } = await setup((_req, res) => res.writeHead(502).end(), {
        breaker: { failureThreshold: 2, openMs: 10_000 },
        maxRetries: 0,
        now: time.now,
      });
      const call = () => http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });
      await call();
      await call();
      time.advance(10_000);

      expect((await call()).status).toBe(502);

      expect(http.circuit).toBe('OPEN');
      expect(upstream.hits).toHaveLength(3);
      expect((await failureOf(call())).retryAfterSeconds).toBe(10);
      expect(upstream.hits).toHaveLength(3);
    });

    it('lets exactly one trial call through at a time while half-open', async () => {
      const time = clock();
      let healthy = false;
      let releaseTrial: () => void = () => {};
      const { http, upstream } = await setup(
        (_req, res) => {
          if (!healthy) return void res.writeHead(500).end();
          releaseTrial = () => res.writeHead(200).end();
        },
        { breaker: { failureThreshold: 1, openMs: 50 }, now: time.now },
      );
      const call = () => http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });
      await call();
      time.advance(50);
      healthy = true;

      const trial = call();
      await expect.poll(() => upstream.hits.length).toBe(2);
      const other = await failureOf(call());
      expect(other.kind).toBe('UNAVAILABLE');
      expect(other.message).toContain('circuit half-open');
      releaseTrial();

      expect((await trial).status).toBe(200);
      expect(http.circuit).toBe('CLOSED');
      expect(upstream.hits).toHaveLength(2);
    });

    it('half-opens on the real clock after a short openMs', async () => {
      const { http } = await setup((_req, res) => res.writeHead(500).end(), { breaker: { failureThreshold: 1, openMs: 50 } });
      await http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' });
      expect(http.circuit).toBe('OPEN');

      await new Promise((resolve) => setTimeout(resolve, 60));

      expect(http.circuit).toBe('HALF_OPEN');
    });
  });

  describe('metrics', () => {
    it('counts every attempt by outcome, and every retry', async () => {
      const { http, metrics } = await setup((req, res, _hit, n) => {
        if (req.url === '/missing') return void res.writeHead(404).end();
        if (req.url === '/flaky') return void res.writeHead(n === 2 ? 503 : 200).end();
        if (req.url === '/busy') return void res.writeHead(429).end();
        res.writeHead(200).end();
      });

      await http.request({ operation: 'contacts.get', method: 'GET', path: '/ok' });
      await http.request({ operation: 'contacts.list', method: 'GET', path: '/flaky' });
      await http.request({ operation: 'contacts.get', method: 'GET', path: '/missing' });
      await http.request({ operation: 'contacts.create', method: 'POST', path: '/busy' });

      const requests = await counterText(metrics, 'gateway_upstream_requests_total');
      expect(requests).toContain('gateway_upstream_requests_total{provider="REALTIME_REGISTER",operation="contacts.get",outcome="success"} 1');
      expect(requests).toContain('gateway_upstream_requests_total{provider="REALTIME_REGISTER",operation="contacts.get",outcome="client_error"} 1');
      expect(requests).toContain('gateway_upstream_requests_total{provider="REALTIME_REGISTER",operation="contacts.list",outcome="server_error"} 1');
      expect(requests).toContain('gateway_upstream_requests_total{provider="REALTIME_REGISTER",operation="contacts.list",outcome="success"} 1');
      expect(requests).toContain('gateway_upstream_requests_total{provider="REALTIME_REGISTER",operation="contacts.create",outcome="rate_limited"} 1');
      const retries = await counterText(metrics, 'gateway_upstream_retries_total');
      expect(retries).toContain('gateway_upstream_retries_total{provider="REALTIME_REGISTER",operation="contacts.list"} 1');
      const durations = await counterText(metrics, 'gateway_upstream_request_duration_seconds');
      expect(durations).toContain('gateway_upstream_request_duration_seconds_count{provider="REALTIME_REGISTER",operation="contacts.list",outcome="server_error"} 1');
    });

    it('counts a timed-out attempt as timeout', async () => {
      const { http, metrics } = await setup(() => {}, { deadlineMs: 80, maxRetries: 0 });

      await failureOf(http.request({ operation: 'contacts.get', method: 'GET', path: '/contacts/x' }));

      expect(await counterText(metrics, 'gateway_upstream_requests_total')).toContain('operation="contacts.get",outcome="timeout"} 1');
    });
  });

  describe('configuration', () => {
    it("sends a path once when the base URL already ends in its first segment (VERIFF_BASE_URL=https://host/v1 and /v1/...)", async () => {
      const upstream = await startUpstream((_req, res) => res.writeHead(200).end('{}'));
      cleanups.push(upstream.stop);
      const http = new ProviderHttp({ provider: 'VERIFF', baseUrl: `${upstream.origin}/veriff/v1`, metrics: createMetrics() });
      cleanups.push(() => http.close());
      await http.request({ operation: 'registry.validate', method: 'POST', path: '/v1/validate-registry', body: '{}' });
      await http.request({ operation: 'other', method: 'GET', path: '/v1beta/customers' });
      expect(upstream.hits.map((hit) => hit.url)).toEqual(['/veriff/v1/validate-registry', '/veriff/v1/v1beta/customers']);
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delta seconds as milliseconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
  });

  it('gives 0 for an HTTP date in the past', () => {
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['5', '10'], now)).toBe(5_000);
  });

  it('gives undefined for garbage, negatives and absence', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
