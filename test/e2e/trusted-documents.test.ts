import WebSocket from 'ws';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GatewayRequestError,
  ProvidersDocument,
  VerificationEventsDocument,
  createGatewayClient,
  persistedDocumentHash,
} from '../../client/src/index.js';
import type { SubscriptionTransport } from '../../client/src/index.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTrustedDocumentsGateway } from '../helpers/trusted-documents-manifest.js';

/**
 * A gateway that runs only trusted documents (GRAPHQL_TRUSTED_DOCUMENTS = the manifest codegen writes into the client
 * package), with an app's key that may run only those and an operator's key with documents:any (via *).
 */
const APP_KEY = 'app-key-trusted-1';
const OPERATOR_KEY = 'operator-key-any-1';
const UNKNOWN_HASH = `sha256:${'0'.repeat(64)}`;

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTrustedDocumentsGateway(`app=${APP_KEY}:contacts:read,email:read,events:read,registry:read;ops=${OPERATOR_KEY}:*`);
});

afterAll(async () => {
  await gateway?.stop();
});

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

/** A raw GraphQL POST, to send exactly what a client without the typed client would. */
async function post(key: string, body: Record<string, unknown>) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...as(key) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe('trusted documents over HTTP', () => {
  it("runs a manifest document named by its hash alone for an app's key", async () => {
    const client = createGatewayClient({ url: gateway.url, apiKey: APP_KEY, documents: 'hash' });
    const { providers } = await client.request(ProvidersDocument);
    expect(providers.map((status) => status.provider)).toContain('VERIFF');
  });

  it('refuses document text from a key without documents:any, saying what to send', async () => {
    const { status, body } = await post(APP_KEY, { query: '{ providers { provider } }' });
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    expect(body.errors?.[0]?.message).toContain('documents:any');
    expect(body.data).toBeUndefined();
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND', async () => {
    const { status, body } = await post(APP_KEY, { extensions: persisted(UNKNOWN_HASH) });
    expect(status).toBe(400);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('runs the hash\'s document, never the text sent along with it, for a key without documents:any', async () => {
    const hash = persistedDocumentHash(ProvidersDocument)!;
    const { status, body } = await post(APP_KEY, { query: '{ __typename }', extensions: persisted(hash) });
    expect(status).toBe(200);
    expect(Object.keys(body.data ?? {})).toEqual(['providers']);
  });

  it("runs a manifest document named by the bare hex of its SHA-256, as Apollo's persisted-query link sends it", async () => {
    const bare = persistedDocumentHash(ProvidersDocument)!.replace(/^sha256:/, '');
    expect(bare).toMatch(/^[0-9a-f]{64}$/);
    const { status, body } = await post(APP_KEY, { extensions: persisted(bare) });
    expect(status).toBe(200);
    expect(Object.keys(body.data ?? {})).toEqual(['providers']);
    // Only a whole SHA-256 digest finds the prefixed entry: a shorter hex string names nothing.
    const cut = await post(APP_KEY, { extensions: persisted(bare.slice(0, 40)) });
    expect(cut.body.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('runs a manifest document named by documentId, as the GraphQL over HTTP persisted documents appendix sends it', async () => {
    // Codegen's manifest keys ("sha256:<hex>") are that appendix's prefixed document identifiers.
    const documentId = persistedDocumentHash(ProvidersDocument)!;
    const posted = await post(APP_KEY, { documentId });
    expect(posted.status).toBe(200);
    expect(Object.keys(posted.body.data ?? {})).toEqual(['providers']);
    const got = await fetch(`${gateway.url}/graphql?documentId=${encodeURIComponent(documentId)}`, { headers: { accept: 'application/graphql-response+json', ...as(APP_KEY) } });
    expect(got.status).toBe(200);
    expect(Object.keys(((await got.json()) as { data?: object }).data ?? {})).toEqual(['providers']);
    const unknown = await post(APP_KEY, { documentId: UNKNOWN_HASH });
    expect(unknown.body.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('lets a key with documents:any send any document, as GraphiQL does', async () => {
    const { status, body } = await post(OPERATOR_KEY, { query: '{ __typename providers { provider } }' });
    expect(status).toBe(200);
    expect(body.data?.__typename).toBe('Query');
  });
});

describe('trusted documents on every subscription transport', () => {
  it.each<[SubscriptionTransport, string]>([
    ['sse', 'rtr-0031'],
    ['sse-single', 'rtr-0032'],
    ['ws', 'rtr-0033'],
  ])('subscribes over %s by hash alone with an app\'s key', async (transport, handle) => {
    const client = createGatewayClient({ url: gateway.url, apiKey: APP_KEY, documents: 'hash', webSocketImpl: WebSocket });
    const controller = new AbortController();
    const events = client.subscribe(VerificationEventsDocument, { after: '0-0' }, { transport, signal: controller.signal });
    setTimeout(() => gateway.sandbox!.realtimeRegister.injectDenicRequest({ handle, claims: ['EMAIL'] }), 200);
    let seen = false;
    for await (const { verificationEvents: event } of events) {
      if (event.__typename === 'VerificationRequiredEvent' && event.requiredRequest.contactHandle === handle) seen = true;
      if (seen) break;
    }
    controller.abort();
    await client.dispose();
    expect(seen).toBe(true);
  });

  it.each<SubscriptionTransport>(['sse', 'sse-single', 'ws'])('refuses text and unknown hashes over %s with the same codes', async (transport) => {
    const codes: (string | undefined)[] = [];
    for (const documents of ['text', 'unknown-hash'] as const) {
      const client = createGatewayClient({ url: gateway.url, apiKey: APP_KEY, documents: documents === 'text' ? 'text' : 'hash', webSocketImpl: WebSocket });
      const document = documents === 'text' ? VerificationEventsDocument : withHash(VerificationEventsDocument, UNKNOWN_HASH);
      const failure = await (async () => {
        for await (const _ of client.subscribe(document, { after: null }, { transport })) return null;
        return null;
      })().catch((error: unknown) => error);
      await client.dispose();
      codes.push(failure instanceof GatewayRequestError ? failure.code : String(failure));
    }
    expect(codes).toEqual(['PERSISTED_QUERY_ONLY', 'PERSISTED_QUERY_NOT_FOUND']);
  });

  it('subscribes over graphql-ws by the bare hex of the SHA-256 with an app\'s key', async () => {
    const bare = persistedDocumentHash(VerificationEventsDocument)!.replace(/^sha256:/, '');
    const client = createWsClient({ url: gateway.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: as(APP_KEY), retryAttempts: 0 });
    const results = client.iterate<{ verificationEvents: { id: string } }>({ query: '', variables: { after: '0-0' }, extensions: persisted(bare) });
    const first = await results.next();
    await results.return?.();
    await client.dispose();
    expect(first.value?.errors).toBeUndefined();
    expect(first.value?.data?.verificationEvents.id).toBeTruthy();
  });

  it('subscribes over graphql-ws by documentId with an app\'s key', async () => {
    const documentId = persistedDocumentHash(VerificationEventsDocument)!;
    const client = createWsClient({ url: gateway.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: as(APP_KEY), retryAttempts: 0 });
    const results = client.iterate<{ verificationEvents: { id: string } }>({ query: '', variables: { after: '0-0' }, documentId } as never);
    const first = await results.next();
    await results.return?.();
    await client.dispose();
    expect(first.value?.errors).toBeUndefined();
    expect(first.value?.data?.verificationEvents.id).toBeTruthy();
  });

  it('lets a key with documents:any subscribe with any text over graphql-ws', async () => {
    const client = createWsClient({ url: gateway.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: as(OPERATOR_KEY), retryAttempts: 0 });
    const results = client.iterate<{ verificationEvents: { id: string } }>({ query: 'subscription { verificationEvents(after: "0-0") { id } }' });
    const first = await results.next();
    await results.return?.();
    await client.dispose();
    expect(first.value?.data?.verificationEvents.id).toBeTruthy();
  });
});

/** The same typed document, claiming another hash. */
function withHash<T extends { __meta__?: unknown }>(document: T, hash: string): T {
  return Object.assign(Object.create(Object.getPrototypeOf(document) as object) as T, document, { __meta__: { hash } });
}
