import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GatewayRequestError,
  OpenVerificationRequestsDocument,
  ProvidersDocument,
  VerificationEventsDocument,
  createGatewayClient,
} from '../../examples/sdk.js';
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

describe('the typed client SDK over the codegen output', () => {
  it('runs a generated query and returns its typed data', async () => {
    const client = createGatewayClient({ url: gateway.url });
    const { providers } = await client.request(ProvidersDocument);
    expect(providers.map((status) => [status.provider, status.mode])).toContainEqual(['REALTIME_REGISTER', 'SANDBOX']);
  });

  it('throws the GraphQL errors with their codes', async () => {
    const client = createGatewayClient({ url: gateway.url });
    const failure = await client.request(OpenVerificationRequestsDocument, { first: 0 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayRequestError);
    expect((failure as GatewayRequestError).errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('subscribes over SSE and replays stored events after an id, then live ones', async () => {
    gateway.sandbox!.realtimeRegister.injectDenicRequest({ handle: 'rtr-0021', claims: ['VOICE'] });
    const client = createGatewayClient({ url: gateway.url });
    const controller = new AbortController();
    const handles: string[] = [];
    for await (const { verificationEvents: event } of client.subscribe(VerificationEventsDocument, { after: '0-0' }, { signal: controller.signal })) {
      if (event.__typename === 'VerificationRequiredEvent') handles.push(event.requiredRequest.contactHandle);
      if (handles.includes('rtr-0021')) break;
    }
    controller.abort();
    expect(handles).toContain('rtr-0021');
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
