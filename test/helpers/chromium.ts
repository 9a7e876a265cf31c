import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

/**
 * Debian's headless Chromium for the browser tests (`apt-get install chromium`; .ci/run installs it). A machine
 * without it fails at once with what to install, as the Redis tests do without redis-server, rather than with
 * playwright's launch error.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumMissing(path: string): string {
  return `chromium is not at ${path}: the browser tests need Debian's chromium. Install it (apt-get install -y chromium) or run .ci/run, which installs it; CHROMIUM_PATH names another build.`;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(chromiumMissing(CHROMIUM));
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
