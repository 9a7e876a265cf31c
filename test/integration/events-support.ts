import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signRealtimeRegisterBody } from '../../src/providers/realtime-register/webhook.js';
import type { TestGateway } from '../helpers/gateway.js';

/** Shared by the events integration tests: webhook deliveries, subscriptions over both transports, waiting. */

let nextId = 9_000_000 + Math.floor(Math.random() * 1_000_000);

/** A notification id no simulator seed uses. */
export function freshNotificationId(): number {
  return nextId++;
}

/** A DENIC notification in the payload shape, as Realtime Register pushes it. */
export function denicNotification(id: number, handle: string, payload: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    fireDate: new Date().toISOString(),
    message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]',
    customer: 'sandbox',
    eventType: 'CONTACT_VERIFICATION_REQUIRED',
    notificationType: 'ContactVerificationNotification',
    payload: { handle, claims: ['NAME', 'ADDRESS'], ...payload },
    isAsync: false,
    processType: 'contact',
    processIdentifier: handle,
  };
}

/** POSTs a webhook body, signed with the sandbox secret unless `signature` says otherwise (null: no header). */
export async function postRtrWebhook(
  gateway: TestGateway,
  body: string,
  signature?: string | null,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const secret = gateway.sandbox!.realtimeRegister.endpoint().webhookSecret;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig = signature === undefined ? signRealtimeRegisterBody(secret, body) : signature;
  if (sig !== null) headers.signature = sig;
  const response = await fetch(`${gateway.url}/webhooks/realtime-register`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

export const EVENT_SELECTION = `
  id
  type
  ... on VerificationRequiredEvent { request { id contactHandle claims status deDelegationDomain deDelegationDeadline } }
  ... on ProviderNotificationEvent { notificationId message }
`;

export const SUBSCRIPTION = `subscription Watch($filter: VerificationEventFilter, $after: ID) {
  verificationEvents(filter: $filter, after: $after) { ${EVENT_SELECTION} }
}`;

export interface EventResult {
  data?: { verificationEvents: { id: string; type: string; request?: Record<string, unknown>; notificationId?: string } } | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** An open subscription: results arrive on `next()`; `close()` ends it from the client side. */
export interface Subscription {
  next(timeoutMs?: number): Promise<EventResult>;
  /** Resolves once the server completed the stream. */
  completed: Promise<void>;
  close(): Promise<void>;
}

function fromIterator(iterator: AsyncIterableIterator<EventResult>, close: () => Promise<void>): Subscription {
  let resolveCompleted!: () => void;
  const completed = new Promise<void>((resolve) => (resolveCompleted = resolve));
  const buffered: EventResult[] = [];
  const waiters: ((result: EventResult) => void)[] = [];
  void (async () => {
    try {
      for await (const result of iterator) {
        const waiter = waiters.shift();
        if (waiter) waiter(result);
        else buffered.push(result);
      }
    } catch {
      // A transport error ends the stream like a completion.
    }
    resolveCompleted();
  })();
  return {
    next: (timeoutMs = 10_000) => {
      const ready = buffered.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise<EventResult>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no subscription result within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((result) => {
          clearTimeout(timer);
          resolve(result);
        });
      });
    },
    completed,
    close,
  };
}

/** GraphQL over SSE, distinct connections mode (what yoga serves). */
export function subscribeSse(gateway: TestGateway, variables: Record<string, unknown>): Subscription {
  const client = createSseClient({ url: `${gateway.url}/graphql`, singleConnection: false, retryAttempts: 0 });
  const iterator = client.iterate({ query: SUBSCRIPTION, variables }) as AsyncIterableIterator<EventResult>;
  return fromIterator(iterator, async () => {
    await iterator.return?.();
    client.dispose();
  });
}

/** graphql-transport-ws over the ws package. */
export function subscribeWs(gateway: TestGateway, variables: Record<string, unknown>): Subscription {
  const client = createWsClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  const iterator = client.iterate({ query: SUBSCRIPTION, variables }) as AsyncIterableIterator<EventResult>;
  return fromIterator(iterator, async () => {
    await iterator.return?.();
    await client.dispose();
  });
}

/** Polls until check() is truthy (or throws after timeoutMs): a guard against hangs, not a timing assertion. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A current subscriber count from the gateway's metrics, e.g. gateway_subscribers{transport="sse"}. */
export async function subscriberGauge(gateway: TestGateway, transport: 'sse' | 'ws'): Promise<number> {
  const values = (await gateway.metrics.subscribers.get()).values;
  return values.find((value) => value.labels.transport === transport)?.value ?? 0;
}

/** A Realtime Register contact notification: one ProviderNotificationEvent for `handle` saying `message`. */
export function contactNotification(handle: string, message = 'contact updated'): string {
  return JSON.stringify({
    id: freshNotificationId(),
    fireDate: new Date().toISOString(),
    message,
    customer: 'sandbox',
    eventType: 'CONTACT_UPDATE',
    notificationType: 'ContactNotification',
    isAsync: false,
    processType: 'contact',
    processIdentifier: handle,
  });
}

/** A raw response body, read as it arrives. */
export interface RawStream {
  response: Response;
  text(): string;
  /** Resolves when the server ended the body (or the client aborted). */
  ended: Promise<void>;
  abort(): void;
}

/** Fetches `url` and reads its body as it arrives (an SSE stream), until the server ends it or abort() is called. */
export async function openRawStream(url: string, init: RequestInit): Promise<RawStream> {
  const abort = new AbortController();
  const response = await fetch(url, { ...init, signal: abort.signal });
  let text = '';
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
    } catch {
      // aborted by the test
    }
  })();
  return { response, text: () => text, ended, abort: () => abort.abort() };
}
