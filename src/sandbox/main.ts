import process from 'node:process';
import { startSandbox } from './index.js';

/** `npm run sandbox`: the provider simulators alone, with their URLs and sandbox credentials. */
const sandbox = await startSandbox({ log: (message) => process.stdout.write(`${message}\n`) });
const endpoints = sandbox.endpoints();
process.stdout.write('Provider simulators running (Ctrl-C to stop):\n');
for (const [name, endpoint] of Object.entries(endpoints)) {
  process.stdout.write(`  ${name.padEnd(17)} ${JSON.stringify(endpoint)}\n`);
}
const stop = () => void sandbox.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
