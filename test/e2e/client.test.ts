import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GatewayRequestError,
  OpenVerificationRequestsDocument,
  ProvidersDocument,
  VerificationEventsDocument,
  createGatewayClient,
} from '../../client/src/index.js';
import type { SubscriptionTransport } from '../../client/src/index.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

const run = promisify(execFile);
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

describe('the typed client package (client/) against a gateway', () => {
  it('runs a generated query and returns its typed data', async () => {
    const client = createGatewayClient({ url: gateway.url });
    const { providers } = await client.request(ProvidersDocument);
    expect(providers.map((status) => [status.provider, status.mode])).toContainEqual(['REALTIME_REGISTER', 'SANDBOX']);
  });

  it('throws the GraphQL errors with their codes', async () => {
    const client = createGatewayClient({ url: gateway.url });
    const failure = await client.request(OpenVerificationRequestsDocument, { first: -1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayRequestError);
    expect((failure as GatewayRequestError).code).toBe('BAD_USER_INPUT');
  });

  it.each<[SubscriptionTransport, string]>([
    ['sse', 'rtr-0021'],
    ['sse-single', 'rtr-0022'],
    ['ws', 'rtr-0023'],
  ])('subscribes over %s with the official client, replaying stored events and then live ones', async (transport, handle) => {
    const client = createGatewayClient({ url: gateway.url, webSocketImpl: WebSocket });
    const controller = new AbortController();
    const handles: string[] = [];
    const events = client.subscribe(VerificationEventsDocument, { after: '0-0' }, { transport, signal: controller.signal });
    // Injected after the subscription starts: it arrives live, after the replayed seed requests.
    setTimeout(() => gateway.sandbox!.realtimeRegister.injectDenicRequest({ handle, claims: ['VOICE'] }), 200);
    for await (const { verificationEvents: event } of events) {
      if (event.__typename === 'VerificationRequiredEvent') handles.push(event.requiredRequest.contactHandle);
      if (handles.includes(handle)) break;
    }
    controller.abort();
    await client.dispose();
    expect(handles.length).toBeGreaterThan(1);
    expect(handles.at(-1)).toBe(handle);
  });
});

describe('the typed client package against a gateway that requires keys', () => {
  let keyed: TestGateway;

  beforeAll(async () => {
    keyed = await startTestGateway({ env: { GATEWAY_API_KEYS: 'app=client-test-key-1:events:read' } });
  });

  afterAll(async () => {
    await keyed?.stop();
  });

  it.each<SubscriptionTransport>(['sse', 'sse-single', 'ws'])('refuses a wrong key over %s with UNAUTHENTICATED, the code an app checks to ask for a key', async (transport) => {
    const client = createGatewayClient({ url: keyed.url, apiKey: () => 'not-the-key-1', webSocketImpl: WebSocket });
    const failure = await (async () => {
      for await (const _ of client.subscribe(VerificationEventsDocument, { after: '0-0' }, { transport })) return null;
      return null;
    })().catch((error: unknown) => error);
    await client.dispose();
    expect(failure).toBeInstanceOf(GatewayRequestError);
    expect((failure as GatewayRequestError).code).toBe('UNAUTHENTICATED');
  });
});

describe('examples/dashboard-query.ts', () => {
  it('prints the providers, the open requests and the email verifications of a running gateway', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/dashboard-query.ts', gateway.url], { timeout: 20_000 });
    expect(stdout).toMatch(/REALTIME_REGISTER\s+SANDBOX/);
    expect(stdout).toMatch(/\d+ open/);
    expect(stdout).toContain('Email verifications (first page)');
    expect(stdout).not.toContain('failed:');
  });
});
