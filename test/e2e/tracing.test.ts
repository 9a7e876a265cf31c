import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { startRedisServer } from '../helpers/redis-server.js';

/**
 * OpenTelemetry end to end: a gateway configured by the standard OTEL_* variables exports to an OTLP/HTTP receiver
 * running in this test (node:http), which decodes what arrives; a real redis-server backs the cache.
 */

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  arrayValue?: { values: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
  status?: { code?: number };
}
interface Received {
  contentType: string;
  bytes: number;
  spans: OtlpSpan[];
  serviceNames: string[];
}

/** An OTLP/HTTP collector in miniature: POST /v1/traces, JSON decoded (protobuf bodies only counted). */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      const entry: Received = { contentType, bytes: body.length, spans: [], serviceNames: [] };
      if (req.url === '/v1/traces' && contentType.startsWith('application/json')) {
        const payload = JSON.parse(body.toString('utf8')) as {
          resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
        };
        for (const resourceSpans of payload.resourceSpans) {
          entry.serviceNames.push(...resourceSpans.resource.attributes.filter((a) => a.key === 'service.name').map((a) => a.value.stringValue ?? ''));
          for (const scope of resourceSpans.scopeSpans) entry.spans.push(...scope.spans);
        }
      }
      received.push(entry);
      res.writeHead(200, { 'content-type': contentType || 'application/json' });
      res.end(contentType.startsWith('application/json') ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const attribute = (span: OtlpSpan, key: string): string | number | boolean | undefined => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  if (!value) return undefined;
  return value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.boolValue);
};

/** A W3C traceparent as a browser's or another service's tracer would send it. */
function traceparent(): { header: string; traceId: string; parentId: string } {
  const hex = (bytes: number) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  const traceId = hex(16);
  const parentId = hex(8);
  return { header: `00-${traceId}-${parentId}-01`, traceId, parentId };
}

let redis: RedisServerHandle;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.stop();
});

describe('traces over OTLP/HTTP (JSON)', () => {
  it('exports one query touching two providers as one trace: the operation, each upstream call, the Redis cache round trips; and the event appends of a mutation', async () => {
    const receiver = await startReceiver();
    const gateway = await startTestGateway({
      env: { REDIS_URL: redis.url, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'gateway-under-test' },
    });
    const query = traceparent();
    const registry = traceparent();
    const submit = traceparent();
    try {
      const reply = await gateway.graphql(
        'query SharedRegistrant { emailVerifications(filter: { email: "shared.registrant@example.com" }) { totalCount edges { node { provider email } } } }',
        {},
        { traceparent: query.header },
      );
      expect(reply.errors).toBeUndefined();
      expect(new Set(reply.data.emailVerifications.edges.map((edge: { node: { provider: string } }) => edge.node.provider))).toEqual(new Set(['OPENPROVIDER', 'DOMAIN_NAME_API']));
      // A mutation that logs inside its operation: the line carries the operation's trace id.
      await gateway.graphql(
        // Named by the caller after the ID number: the name stays out of the span.
        'mutation Check38001085718 { validateRegistry(input: { idNumber: "38001085718", firstName: "Ann", lastName: "Lee", dateOfBirth: "1980-01-08" }) { __typename } }',
        {},
        // The caller's tracestate is the caller's text too: an ID number in it, whole or in groups, stays out of the spans.
        { traceparent: registry.header, tracestate: 'idn=38001085718,grouped=380 0108 5718' },
      );
      // A mutation whose provider write succeeded appends its events to the Redis log: a span each, in its trace.
      const submitted = await gateway.graphql(
        'mutation Submit { submitContactVerification(input: { handle: "rtr-0002", requestId: "VmVyaWZpY2F0aW9uUmVxdWVzdDpydHI6NzAwMDE=", verifications: [{ verifiedAt: "2026-11-20T00:00:00Z", externalId: "kyc-trace-1", method: ELECTRONIC_DOCUMENT, proof: ID_CARD, claims: [NAME, ADDRESS] }] }) { __typename } }',
        {},
        { traceparent: submit.header },
      );
      expect(submitted.data?.submitContactVerification.__typename).toBe('SubmitContactVerificationSuccess');
    } finally {
      await gateway.stop(); // flushes the batch of spans
      await receiver.close();
    }

    const spans = receiver.received.flatMap((entry) => entry.spans).filter((span) => span.traceId === query.traceId);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const operation = spans.filter((span) => span.name === 'query SharedRegistrant');
    const upstream = spans.filter((span) => attribute(span, 'gateway.provider') !== undefined);
    const redisRoundTrips = spans.filter((span) => span.name.startsWith('redis '));

    expect(receiver.received.flatMap((entry) => entry.serviceNames)).toContain('gateway-under-test');
    expect(operation).toHaveLength(1);
    // The client's span is the operation's parent: the gateway joined the caller's trace.
    expect(operation[0]!.parentSpanId).toBe(query.parentId);
    expect(attribute(operation[0]!, 'graphql.operation.type')).toBe('query');
    expect(new Set(upstream.map((span) => attribute(span, 'gateway.provider')))).toEqual(new Set(['OPENPROVIDER', 'DOMAIN_NAME_API']));
    for (const span of upstream) {
      expect(attribute(span, 'http.response.status_code')).toBe(200);
      expect(attribute(span, 'gateway.upstream.retries')).toBe(0);
      expect(attribute(span, 'gateway.circuit.before')).toBe('CLOSED');
      expect(attribute(span, 'gateway.circuit.after')).toBe('CLOSED');
      expect(typeof attribute(span, 'gateway.upstream.operation')).toBe('string');
    }
    expect(redisRoundTrips.map((span) => span.name)).toEqual(expect.arrayContaining(['redis cache.get', 'redis cache.set']));
    // Every span of the trace descends from the operation span, and nothing else is in it.
    const underOperation = (span: OtlpSpan): boolean => span === operation[0] || (span.parentSpanId !== undefined && byId.has(span.parentSpanId) && underOperation(byId.get(span.parentSpanId)!));
    expect(spans.every(underOperation)).toBe(true);
    expect(spans.length).toBe(1 + upstream.length + redisRoundTrips.length);

    const registryLine = gateway.logs().split('\n').find((line) => line.includes('registry check submitted to Veriff'));
    expect(registryLine).toContain(`"traceId":"${registry.traceId}"`);
    const registrySpans = receiver.received.flatMap((entry) => entry.spans).filter((span) => span.traceId === registry.traceId);
    expect(registrySpans.map((span) => span.name)).toContain('mutation');

    const submitSpans = receiver.received.flatMap((entry) => entry.spans).filter((span) => span.traceId === submit.traceId);
    const submitOperation = submitSpans.find((span) => span.name === 'mutation Submit');
    const appends = submitSpans.filter((span) => span.name === 'redis event-log.append');
    expect(submitOperation?.parentSpanId).toBe(submit.parentId);
    expect(appends.map((span) => attribute(span, 'gateway.event.type'))).toContain('VERIFICATION_SUBMITTED');
    expect(appends.every((span) => span.parentSpanId === submitOperation!.spanId && attribute(span, 'db.system.name') === 'redis')).toBe(true);
    expect(submitSpans.filter((span) => attribute(span, 'gateway.provider') === 'REALTIME_REGISTER').map((span) => attribute(span, 'gateway.upstream.operation'))).toEqual(['contacts.update']);
    expect(['38001085718', '380 0108 5718'].filter((number) => JSON.stringify(registrySpans).includes(number))).toEqual([]);
  }, 60_000);
});

describe('traces over OTLP/HTTP (protobuf, the default protocol)', () => {
  it('posts protobuf batches to <endpoint>/v1/traces', async () => {
    const receiver = await startReceiver();
    const gateway = await startTestGateway({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    try {
      await gateway.graphql('{ providers { provider } }');
    } finally {
      await gateway.stop();
      await receiver.close();
    }
    expect(receiver.received.length).toBeGreaterThan(0);
    expect(receiver.received.every((entry) => entry.contentType === 'application/x-protobuf' && entry.bytes > 0)).toBe(true);
  }, 30_000);
});

describe('tracing off (no OTEL_* variables)', () => {
  it('exports nothing and puts no trace ids in the logs', async () => {
    const receiver = await startReceiver();
    const gateway = await startTestGateway();
    try {
      await gateway.graphql('{ providers { provider } }', {}, { traceparent: traceparent().header });
    } finally {
      await gateway.stop();
      await receiver.close();
    }
    expect(receiver.received).toEqual([]);
    expect(gateway.logs()).not.toContain('traceId');
  });
});
