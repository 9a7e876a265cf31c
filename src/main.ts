import process from 'node:process';
import { ConfigError, configSecrets, loadConfig } from './config.js';
import type { Config } from './config.js';
import { createGateway } from './gateway.js';
import { createLogger } from './observability/logger.js';
import { SpoolDirectoryError } from './store/index.js';
import { logStartupNotices } from './startup-notices.js';

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
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY, secrets: configSecrets(config) });
  const gateway = createGateway(config, { logger });
  const starting = gateway.start();

  // Installed before the start finishes: a signal that arrives just as "gateway ready" is logged (a supervisor, a test
  // waiting for that line) must drain and exit 0, not kill the process by the signal's default action.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // A start still under way finishes before the stop; one that fails is reported and exits 1 below, not here.
    starting
      .then(
        () => gateway.stop(),
        () => new Promise<never>(() => {}),
      )
      .then(
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

  try {
    await starting;
  } catch (error) {
    const problem = listenProblem(error, config) ?? spoolProblem(error);
    if (problem) process.stderr.write(`Could not start: ${problem}\n`);
    else logger.fatal({ err: error }, `could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  logStartupNotices(logger, config, gateway);
}

/** One line for the start-up failures a person fixes by choosing another PORT or HOST; null for anything else. */
function listenProblem(error: unknown, config: Config): string | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') return `port ${config.port} is already in use on ${config.host} (PORT=${config.port}): stop what listens there or set PORT to a free port.`;
  if (code === 'EACCES') return `no permission to listen on ${where} (PORT=${config.port}): choose a PORT above 1023.`;
  if (code === 'EADDRNOTAVAIL') return `this machine has no address ${config.host} (HOST=${config.host}): use 127.0.0.1, 0.0.0.0 or one of its addresses.`;
  // A HOST that is neither an address nor a resolvable name fails in getaddrinfo (EAI_AGAIN when no resolver answers).
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `HOST=${config.host} is not an address of this machine nor a name it can resolve: use 127.0.0.1, 0.0.0.0 or one of its addresses.`;
  }
  return null;
}

/** One line for a spool directory the gateway cannot use (OUTBOX_SPOOL_DIR); null for anything else. */
function spoolProblem(error: unknown): string | null {
  if (!(error instanceof SpoolDirectoryError)) return null;
  return `OUTBOX_SPOOL_DIR=${error.dir} cannot be used (${error.code}): set it to a directory the gateway may create and write, on a volume that outlives the container.`;
}

void main();
