import process from 'node:process';
import { ConfigError, loadConfig } from './config.js';
import type { Config } from './config.js';
import { createGateway } from './gateway.js';
import { createLogger } from './observability/logger.js';

/** CLI entry: config, start, graceful shutdown on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY });
  const gateway = createGateway(config, { logger });
  try {
    await gateway.start();
  } catch (error) {
    logger.fatal({ err: error }, `could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  logger.info({ mode: config.mode, url: `${gateway.url}/graphql` }, `gateway ready: GraphiQL at ${gateway.url}/graphql, dashboard at ${gateway.url}/`);
  if (config.apiKeys.length === 0) {
    logger.warn('no GATEWAY_API_KEYS configured: the sandbox is OPEN, every caller has every scope');
  }
  if (gateway.sandbox) {
    const endpoints = gateway.sandbox.endpoints();
    logger.info(
      { realtimeRegister: endpoints.realtimeRegister.baseUrl, openprovider: endpoints.openprovider.baseUrl, domainNameApi: endpoints.domainNameApi.baseUrl, veriff: endpoints.veriff.baseUrl },
      'sandbox simulators running',
    );
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    gateway.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
