import { createClient as createWsClient } from 'graphql-ws';
import type { Client, ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestGateway } from '../helpers/gateway.js';

/**
 * What a hostile suite counts over all its attacks: every reply is kept so the suite can end by asserting zero
 * server errors and zero leaks across all of them, not just in the attack that meant to provoke one.
 */
export class AttackLog {
  readonly replies: { label: string; status: number; text: string }[] = [];
  readonly bypasses: string[] = [];

  record(label: string, status: number, text: string): void {
    this.replies.push({ label, status, text });
  }

  /** A refused read that still delivered data: named, so the final count says which. */
  bypass(label: string): void {
    this.bypasses.push(label);
  }

  /** Replies with a 5xx status or an INTERNAL_SERVER_ERROR inside. */
  serverErrors(): string[] {
    return this.replies.filter((reply) => reply.status >= 500 || reply.text.includes('INTERNAL_SERVER_ERROR')).map((reply) => reply.label);
  }

  /** Replies that contain `secret` anywhere. */
  containing(secret: string): string[] {
    return this.replies.filter((reply) => reply.text.includes(secret)).map((reply) => reply.label);
  }
}

export interface Reply {
  status: number;
  text: string;
  json: any;
}

/** POSTs to /graphql with any body and headers; the reply is recorded in `log`. */
export async function postGraphQL(
  gateway: Pick<TestGateway, 'url'>,
  log: AttackLog,
  label: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  log.record(label, response.status, text);
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: the caller asserts on status and text
  }
  return { status: response.status, text, json };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64');

export const codesOf = (reply: Reply): string[] => (reply.json?.errors ?? []).map((error: any) => String(error.extensions?.code));

/** A graphql-ws client on the gateway, keyed, that does not retry. */
export function wsClient(gateway: Pick<TestGateway, 'url'>, key: string | null, options: { lazy?: boolean } = {}): Client {
  return createWsClient({
    url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: options.lazy ?? true,
    connectionParams: key ? { authorization: `Bearer ${key}` } : undefined,
  });
}

/** Runs one operation over a graphql-ws client: every result, or the error it ended with. Recorded in `log`. */
export async function overWebSocket(client: Client, log: AttackLog, label: string, payload: { query: string; variables?: Record<string, unknown> }): Promise<{ results: ExecutionResult[]; error: unknown }> {
  const results: ExecutionResult[] = [];
  let error: unknown = null;
  await new Promise<void>((resolve) => {
    client.subscribe(payload, {
      next: (result) => results.push(result as ExecutionResult),
      error: (reason) => {
        error = reason;
        resolve();
      },
      complete: () => resolve(),
    });
  });
  log.record(label, 200, JSON.stringify({ results, error: errorText(error) }));
  return { results, error };
}

function errorText(error: unknown): unknown {
  if (error === null) return null;
  if (Array.isArray(error)) return error;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error && 'code' in error) return { code: (error as { code: unknown }).code, reason: (error as { reason?: unknown }).reason };
  return String(error);
}

/**
 * The email-status watcher reads Openprovider's list once at start-up, in the background. Suites that count
 * caller-driven upstream requests wait for that first sweep, so it is not counted as theirs.
 */
export async function afterStartupSweep(gateway: Pick<TestGateway, 'sandbox'>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (gateway.sandbox!.openprovider.server.count('/v1beta/customers/verifications', 'GET') > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the email-status watcher never made its start-up sweep');
}

/**
 * Fresh 11-digit numbers shaped like national ID numbers (`first`, nine digits, `last`: the Veriff simulator decides by
 * the last digit), each remembered in `planted` so a suite can end by searching everything for all of them.
 */
export function idNumberPlanter(first: string, last: string): { planted: Set<string>; next: () => string } {
  const planted = new Set<string>();
  return {
    planted,
    next: () => {
      const value = `${first}${String(1_000_000_000 + planted.size * 7919).padStart(9, '0')}${last}`;
      planted.add(value);
      return value;
    },
  };
}

/**
 * Requests a caller can cause at any simulator so far (the notification poller and the Openprovider login run in the
 * background and are left out): compared before and after an attack, the upstream calls it caused.
 */
export function callerRequests(gateway: Pick<TestGateway, 'sandbox'>): number {
  const sandbox = gateway.sandbox!;
  return [sandbox.realtimeRegister, sandbox.openprovider, sandbox.domainNameApi, sandbox.veriff]
    .flatMap((simulator) => simulator.server.requests)
    .filter((request) => !request.path.includes('/notifications') && !request.path.endsWith('/auth/login')).length;
}
