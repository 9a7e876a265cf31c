import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SimNotification } from '../../src/sandbox/realtime-register-notifications.js';
import { realtimeRegisterEnv, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { startTestGateway } from '../helpers/gateway.js';
import { eventually, evidence, persistentWebhooks, sleep, startDurableRedis, type DurableRedis } from './support.js';

/**
 * SIGTERM to a real gateway process while kept-alive connections carry more than 1,000 requests, mutations among
 * them, subscriptions are open on every transport (graphql-ws, SSE distinct connections, SSE single connection) and
 * Realtime Register pushes webhooks. Counted after it exited: no request reset, every subscription completed, exit
 * code 0, every mutation answered success has its event stored once, every webhook answered 2xx is stored.
 */

const KEY = 'faults-mixed-shutdown-key';
const AUTH = { authorization: `Bearer ${KEY}` };
const RESETS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const QUERY = JSON.stringify({ query: '{ providers { provider } }' });
const SUBMIT = `mutation($input: SubmitContactVerificationInput!) { submitContactVerification(input: $input) { __typename ... on SubmitContactVerificationSuccess { eventPending } } }`;

interface Outcome {
  kind: 'query' | 'mutation';
  handle?: string;
  status: number | null;
  typename?: string;
  connectionClose: boolean;
  error: string | null;
}

let redis: DurableRedis;
let sandbox: Sandbox;
let gateway: GatewayProcess;
let gatewayUrl: string | null = null;

beforeAll(async () => {
  redis = await startDurableRedis();
  sandbox = await startSandbox({
    gatewayUrl: () => gatewayUrl,
    seed: 12,
    realtimeRegister: persistentWebhooks(20, 200),
  });
  const rtr = sandbox.realtimeRegister.endpoint();
  gateway = await startGatewayProcess({
    REDIS_URL: redis.url,
    GATEWAY_API_KEYS: `${KEY}:*`,
    ...realtimeRegisterEnv(rtr),
    REALTIME_REGISTER_POLL: 'off',
    // This test's client is one busy key: its request rate is not under test here.
    RATE_LIMIT_PER_MINUTE: '0',
  });
  gatewayUrl = gateway.url;
});

afterAll(async () => {
  if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
  await sandbox?.stop();
  await redis?.stop();
});

type Ended = Promise<string>;

function wsSubscription(url: string): { ended: Ended; live: () => boolean } {
  let live = false;
  const client = createWsClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: AUTH });
  const ended = new Promise<string>((resolve) =>
    client.subscribe(
      { query: 'subscription { verificationEvents { id } }' },
      { next: () => void (live = true), error: (error) => resolve(`error: ${JSON.stringify(error)}`), complete: () => resolve('complete') },
    ),
  );
  return { ended, live: () => live };
}

function sseSubscription(url: string, singleConnection: boolean): { ended: Ended; live: () => boolean } {
  let live = false;
  // A copy: graphql-sse's client adds its stream token to the headers object it is given.
  const client = createSseClient({ url: `${url}/graphql`, singleConnection, retryAttempts: 0, headers: { ...AUTH } });
  const ended = new Promise<string>((resolve) =>
    client.subscribe(
      { query: 'subscription { verificationEvents { id } }' },
      { next: () => void (live = true), error: (error) => resolve(`error: ${error instanceof Error ? error.message : JSON.stringify(error)}`), complete: () => resolve('complete') },
    ),
  );
  return { ended, live: () => live };
}

describe('SIGTERM with mutations, subscriptions on every transport and webhooks in flight', () => {
  it('resets nothing, completes every stream, exits 0 and loses no accepted event', { timeout: 60_000 }, async () => {
    const rtr = sandbox.realtimeRegister;
    const subscriptions = [wsSubscription(gateway.url), sseSubscription(gateway.url, false), sseSubscription(gateway.url, true)];
    const injected: SimNotification[] = [];
    await eventually(() => {
      injected.push(rtr.injectNotification({ message: `warm-up ${injected.length}` }));
      return subscriptions.every((subscription) => subscription.live());
    }, 15_000, 'subscriptions live').catch((error: Error) => {
      throw new Error(`${error.message}\n${gateway.output().slice(-3000)}`);
    });
    const injector = setInterval(() => injected.push(rtr.injectNotification({ message: `notice ${injected.length}` })), 25);

    const agent = new Agent({ connections: 8, pipelining: 1 });
    const outcomes: Outcome[] = [];
    let running = true;
    let serial = 0;
    const loops = Array.from({ length: 8 }, async (_, worker) => {
      while (running) {
        const mutation = worker === 0;
        const handle = mutation ? `rtr-${String(100 + (serial++ % 300)).padStart(4, '0')}` : undefined;
        const body = mutation ? JSON.stringify({ query: SUBMIT, variables: { input: evidence(handle!) } }) : QUERY;
        try {
          const response = await request(`${gateway.url}/graphql`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', ...AUTH }, body });
          const text = await response.body.text();
          const typename = mutation && response.statusCode === 200 ? (JSON.parse(text) as { data?: { submitContactVerification?: { __typename: string } } }).data?.submitContactVerification?.__typename : undefined;
          outcomes.push({ kind: mutation ? 'mutation' : 'query', handle, status: response.statusCode, typename, connectionClose: response.headers.connection === 'close', error: null });
        } catch (error) {
          const code = (error as { code?: string }).code ?? (error as Error).name;
          outcomes.push({ kind: mutation ? 'mutation' : 'query', handle, status: null, connectionClose: false, error: code });
          if (code === 'ECONNREFUSED') await sleep(10);
        }
      }
    });
    await eventually(() => outcomes.filter((outcome) => outcome.status === 200).length >= 1_000, 60_000, '1,000 answered requests');
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    running = false;
    await Promise.all(loops);
    await agent.close();
    clearInterval(injector);

    expect(outcomes.filter((outcome) => outcome.error !== null && RESETS.has(outcome.error))).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.error !== null && outcome.error !== 'ECONNREFUSED')).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.status === 503 && !outcome.connectionClose)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.status !== null && outcome.status !== 200 && outcome.status !== 503)).toEqual([]);
    // graphql-ws, SSE distinct connections, SSE single connection: each completed, none cut.
    expect(await Promise.all(subscriptions.map((subscription) => subscription.ended))).toEqual(['complete', 'complete', 'complete']);
    expect(gateway.output()).not.toMatch(/unhandled|uncaught/i);

    const succeeded = outcomes.filter((outcome) => outcome.typename === 'SubmitContactVerificationSuccess').map((outcome) => outcome.handle!);
    expect(succeeded.length).toBeGreaterThan(0);
    // A mutation not accepted was refused before anything was sent (store busy) or failed upstream; never a bug.
    expect(outcomes.filter((outcome) => outcome.kind === 'mutation' && outcome.status === 200 && !['SubmitContactVerificationSuccess', 'UnavailableError', 'ProviderError'].includes(outcome.typename ?? ''))).toEqual([]);
    const delivered = injected.filter((notification) => rtr.deliveries.some((delivery) => delivery.notificationId === notification.id && delivery.delivered));

    const reader = await startTestGateway({ env: { REDIS_URL: redis.url } });
    try {
      const events = await reader.graphql(`{ verificationEvents(first: 1000) { edges { node {
        ... on ProviderNotificationEvent { notificationId }
        ... on VerificationSubmittedEvent { contactHandle } } } } }`);
      expect(events.errors).toBeUndefined();
      const nodes = events.data.verificationEvents.edges.map((edge: { node: { notificationId?: string; contactHandle?: string } }) => edge.node);
      const stored = new Set(nodes.map((node: { notificationId?: string }) => node.notificationId).filter(Boolean));
      expect(delivered.filter((notification) => !stored.has(String(notification.id))).map((notification) => notification.id)).toEqual([]);
      // One VERIFICATION_SUBMITTED per accepted submission (a handle may be submitted more than once).
      const submittedPerHandle = new Map<string, number>();
      for (const node of nodes as { notificationId?: string; contactHandle?: string }[]) if (!node.notificationId && node.contactHandle) submittedPerHandle.set(node.contactHandle, (submittedPerHandle.get(node.contactHandle) ?? 0) + 1);
      const acceptedPerHandle = new Map<string, number>();
      for (const handle of succeeded) acceptedPerHandle.set(handle, (acceptedPerHandle.get(handle) ?? 0) + 1);
      expect(Object.fromEntries(submittedPerHandle)).toEqual(Object.fromEntries(acceptedPerHandle));
    } finally {
      await reader.stop();
    }
  });
});
