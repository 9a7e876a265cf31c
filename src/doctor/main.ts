import process from 'node:process';
import { ConfigError, loadConfig } from '../config.js';
import type { Config } from '../config.js';
import { startSandbox } from '../sandbox/index.js';
import { withSandboxEndpoints } from '../sandbox-config.js';
import { runDoctor } from './run-doctor.js';

const USAGE = `npm run doctor [-- --public-url https://gateway.example.com] [-- --sandbox]

Checks the configuration in the environment before going live: provider credentials (one harmless read each),
upstream latency, the webhook URLs and secrets to set at each provider, a self-test of the webhook signature checks,
and whether Redis persists what it acknowledges. Exit code 0: ready; 1: something would fail or lose data;
2: the configuration itself is invalid. --sandbox starts the built-in simulators and checks those.`;

/** CLI entry of `npm run doctor`. */
async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const urlIndex = argv.findIndex((arg) => arg === '--public-url' || arg.startsWith('--public-url='));
  const publicUrl = urlIndex === -1 ? null : (argv[urlIndex]!.includes('=') ? argv[urlIndex]!.split('=')[1]! : argv[urlIndex + 1] ?? '').replace(/\/+$/, '');
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
  if (!argv.includes('--sandbox')) return runDoctor(config, { publicUrl, write });
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
