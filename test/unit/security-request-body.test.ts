import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createAuthenticator } from '../../src/server/principal.js';
import { UNLIMITED } from '../../src/server/rate-limit.js';
import { createGatewayYoga } from '../../src/server/yoga.js';
import type { Services } from '../../src/services/index.js';

/**
 * The body limit and the UTF-8 check on a request handed to yoga in process (no node:http underneath, so the body is
 * read from the Fetch stream). The same over HTTP, Content-Length and chunked: test/integration/hostile.test.ts.
 */
const MAX_BODY_BYTES = 4096;
const config = loadConfig({ GRAPHQL_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
const services = { providers: () => [] } as unknown as Services;
const yoga = createGatewayYoga({ config, services: () => services, metrics: createMetrics(), logger: silentLogger(), authenticate: createAuthenticator(config), rateLimiter: () => UNLIMITED });

/** A body that declares no length and arrives in chunks, as a chunked upload does. */
function streamed(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function post(body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) {
  const response = await yoga.fetch('http://gw/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
  return { status: response.status, json: (await response.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] } };
}

const text = (value: string) => new TextEncoder().encode(value);

describe('a request body handed to yoga in process', () => {
  it('runs a streamed body within GRAPHQL_MAX_BODY_BYTES', async () => {
    const reply = await post(streamed([text('{"query":"{ __typ'), text('ename }"}')]));
    expect(reply.status).toBe(200);
    expect(reply.json.data).toEqual({ __typename: 'Query' });
  });

  it('refuses a streamed body that grows past GRAPHQL_MAX_BODY_BYTES with 413 naming the limit', async () => {
    const pad = 'x'.repeat(1024);
    const reply = await post(streamed([text('{"query":"{ __typename }","variables":{"pad":"'), ...Array.from({ length: 5 }, () => text(pad)), text('"}}')]));
    expect(reply.status).toBe(413);
    expect(reply.json.errors?.[0]).toMatchObject({
      message: `The request body is larger than ${MAX_BODY_BYTES} bytes (GRAPHQL_MAX_BODY_BYTES).`,
      extensions: { code: 'REQUEST_TOO_LARGE' },
    });
  });

  it('refuses a declared Content-Length over the limit before reading anything', async () => {
    const reply = await post(streamed([text('{}')]), { 'content-length': String(MAX_BODY_BYTES + 1) });
    expect(reply.status).toBe(413);
    expect(reply.json.errors?.[0]?.extensions.code).toBe('REQUEST_TOO_LARGE');
  });

  it('refuses a Content-Length that is not one whole number (how request smuggling starts) with 400', async () => {
    const reply = await post('{"query":"{ __typename }"}', { 'content-length': '26, 26' });
    expect(reply.status).toBe(400);
    expect(reply.json.errors?.[0]?.message).toBe('Content-Length header is invalid.');
  });

  it('refuses a streamed body that is not valid UTF-8 with 400, whichever chunk the bad bytes are in', async () => {
    const reply = await post(streamed([text('{"query":"{ __typename'), new Uint8Array([0xff, 0xfe]), text(' }"}')]));
    expect(reply.status).toBe(400);
    expect(reply.json.errors?.[0]?.message).toBe('The request body is not valid UTF-8.');
  });

  it('answers a JSON body that is null, a scalar or not JSON with 400 as yoga does, quoting none of the body', async () => {
    expect(await post('null')).toMatchObject({ status: 400, json: { errors: [{ message: 'POST body is expected to be object but received null' }] } });
    expect(await post('4991231999')).toMatchObject({ status: 400, json: { errors: [{ message: 'POST body is expected to be object but received number' }] } });
    const broken = await post('{"query":"{ __typename }","variables":{"n":"4991231999",x}}');
    expect(broken.status).toBe(400);
    expect(broken.json.errors?.[0]?.message).toBe('The request body is not valid JSON.');
    expect(JSON.stringify(broken.json)).not.toContain('4991231999');
  });

  it('reads application/json with parameters and application/graphql+json as JSON, and application/graphql as a document', async () => {
    const query = '{"query":"{ __typename }"}';
    expect((await post(query, { 'content-type': 'application/json; charset=utf-8' })).json.data).toEqual({ __typename: 'Query' });
    expect((await post(query, { 'content-type': 'application/graphql+json' })).json.data).toEqual({ __typename: 'Query' });
    expect((await post('{ __typename }', { 'content-type': 'application/graphql' })).json.data).toEqual({ __typename: 'Query' });
  });
});
