import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Config } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import type { Gateway, GatewayOptions } from '../../src/gateway.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/observability/logger.js';

export interface TestGateway extends Gateway {
  /** POSTs a GraphQL operation and returns the parsed JSON body (and status). */
  graphql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLReply<T>>;
  /** Every log line the gateway wrote, as text. */
  logs(): string;
}

export interface GraphQLReply<T> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/**
 * A sandbox gateway on a free port with its simulators, logs captured for privacy checks. `env` is read like the
 * process environment (e.g. { REDIS_URL }); `overrides` patch the resulting Config.
 */
export async function startTestGateway(
  options: { env?: Record<string, string>; overrides?: Partial<Config>; gateway?: GatewayOptions } = {},
): Promise<TestGateway> {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const config = { ...loadConfig(options.env ?? {}), port: 0, ...options.overrides };
  // Live mode spools to var/outbox by default, shared by every test: each live test gateway gets its own directory
  // unless the test names one (what it spools, and the Redis marker it remembers, must not reach another test).
  if (config.mode === 'live' && !options.env?.OUTBOX_SPOOL_DIR && !options.overrides?.outboxSpoolDir) config.outboxSpoolDir = mkdtempSync(join(tmpdir(), 'vgw-test-spool-'));
  const gateway = createGateway(config, {
    logger: createLogger({ level: 'debug', destination }),
    upstreamDeadlineMs: 5_000,
    // Tests stop many gateways; idle test-client connections are closed at once instead of waiting for the client.
    drainIdleMs: 0,
    ...options.gateway,
  });
  await gateway.start();
  return {
    url: gateway.url,
    metrics: gateway.metrics,
    start: () => gateway.start(),
    stop: () => gateway.stop(),
    get services() {
      return gateway.services;
    },
    get sandbox() {
      return gateway.sandbox;
    },
    get stores() {
      return gateway.stores;
    },
    logs: () => lines.join(''),
    async graphql<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLReply<T>;
      return { ...body, status: response.status };
    },
  };
}
