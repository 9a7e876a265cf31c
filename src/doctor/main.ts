import process from 'node:process';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import type { Config } from '../config.js';
import { startSandbox } from '../sandbox/index.js';
import { withSandboxEndpoints } from '../sandbox-config.js';
import { runDoctor } from './run-doctor.js';

const SYNOPSIS = 'npm run doctor [-- --public-url https://gateway.example.com] [-- --sandbox]';
const USAGE = `${SYNOPSIS}

Checks the configuration in the environment before going live: provider credentials (one harmless read each),
upstream latency, the webhook URLs and secrets to set at each provider, a self-test of the webhook signature checks,
and whether Redis persists what it acknowledges. Exit code 0: ready; 1: something would fail or lose data;
2: the configuration or an option is invalid. --sandbox starts the built-in simulators and checks those.`;

/** CLI entry of `npm run doctor`. */
async function main(argv: string[]): Promise<number> {
  let options: { help?: boolean; sandbox?: boolean; 'public-url'?: string };
  try {
    // Strict: a misspelt --sandbox must not quietly check nothing and report "ready".
    ({ values: options } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, sandbox: { type: 'boolean' }, 'public-url': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // node's message is one sentence and then advice about '--' that does not apply to npm run: keep the first.
    const reason = (error instanceof Error ? error.message : String(error)).split(/(?<=\.) /)[0]!.replace(/\.$/, '');
    process.stderr.write(`${reason}. Usage: ${SYNOPSIS}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let publicUrl = options['public-url'] ?? null;
  while (publicUrl?.endsWith('/')) publicUrl = publicUrl.slice(0, -1);
  if (publicUrl !== null && !/^https?:\/\/[^\s/]+/.test(publicUrl)) {
    process.stderr.write('--public-url must be an http(s) URL such as https://gateway.example.com\n');
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const write = (line: string) => process.stdout.write(`${line}\n`);
  if (!options.sandbox) return runDoctor(config, { publicUrl, write });
  const sandbox = await startSandbox({});
  try {
    write('Started the sandbox simulators; checking them as if they were the providers.');
    return await runDoctor(withSandboxEndpoints(config, sandbox.endpoints()), { publicUrl, write });
  } finally {
    await sandbox.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`doctor failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
