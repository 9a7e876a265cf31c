import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * The client package installed as a frontend team would: `npm pack` in client/ (which builds it), `npm install` of
 * the tarball into a scratch project (its dependencies from npm's cache or the registry), then a program and a
 * TypeScript file of that project use it against a running gateway.
 */
const run = promisify(execFile);
const CLIENT = new URL('../../client/', import.meta.url).pathname;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, timeout: 240_000 });

let gateway: TestGateway;
let scratch: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  scratch = await mkdtemp(join(tmpdir(), 'vgw-client-'));
  await npm(['pack', '--pack-destination', scratch], CLIENT);
  const tarball = (await readdir(scratch)).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch-frontend', private: true, type: 'module' }));
  // ws: Node 20 has no global WebSocket, so a Node program hands graphql-ws one (browsers need nothing).
  await npm(['install', '--prefer-offline', `./${tarball}`, 'ws@^8'], scratch);
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the packed client package in a scratch project', () => {
  it('ships only its built JavaScript, declarations and the persisted-documents manifest', async () => {
    const installed = join(scratch, 'node_modules/@verification-gateway/client');
    const files = [...(await readdir(installed)), ...(await readdir(join(installed, 'dist')))].sort();
    expect(files).toEqual(expect.arrayContaining(['dist', 'package.json', 'src', 'index.js', 'index.d.ts', 'client.js', 'client.d.ts']));
    expect(files.some((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))).toBe(false);
  });

  it('runs a query and subscriptions over SSE (both graphql-sse modes) and WebSocket against a started gateway', async () => {
    await writeFile(
      join(scratch, 'check.mjs'),
      `import WebSocket from 'ws';
import { createGatewayClient, ProvidersDocument, VerificationEventsDocument } from '@verification-gateway/client';
import manifest from '@verification-gateway/client/persisted-documents.json' with { type: 'json' };
const client = createGatewayClient({ url: process.argv[2], webSocketImpl: WebSocket });
const { providers } = await client.request(ProvidersDocument);
const firstEvent = async (transport) => {
  for await (const { verificationEvents } of client.subscribe(VerificationEventsDocument, { after: '0-0' }, { transport })) return verificationEvents.type;
};
console.log(JSON.stringify({
  providers: providers.map((status) => status.provider),
  sse: await firstEvent('sse'),
  sseSingle: await firstEvent('sse-single'),
  ws: await firstEvent('ws'),
  documentsInManifest: Object.keys(manifest).length,
  providersHashInManifest: ProvidersDocument.__meta__.hash in manifest,
}));
await client.dispose();
`,
    );
    const { stdout } = await run(process.execPath, ['check.mjs', gateway.url], { cwd: scratch, timeout: 30_000 });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ sse: 'VERIFICATION_REQUIRED', sseSingle: 'VERIFICATION_REQUIRED', ws: 'VERIFICATION_REQUIRED', providersHashInManifest: true });
    expect(result.providers).toContain('REALTIME_REGISTER');
    expect(result.documentsInManifest).toBeGreaterThan(5);
  }, 60_000);

  it('types its documents for a TypeScript frontend: results, variables and errors', async () => {
    await writeFile(
      join(scratch, 'typed.ts'),
      `import { createGatewayClient, OpenVerificationRequestsDocument, GatewayRequestError } from '@verification-gateway/client';
const client = createGatewayClient({ url: 'http://127.0.0.1:4000' });
export async function soonest(): Promise<string | undefined> {
  const { verificationRequests } = await client.request(OpenVerificationRequestsDocument, { first: 5, contactHandle: 'rtr-0002' });
  return verificationRequests?.edges[0]?.node.deDelegationDeadline ?? undefined;
}
export const code = (error: unknown) => (error instanceof GatewayRequestError ? error.code : undefined);
// @ts-expect-error: first is an Int
void client.request(OpenVerificationRequestsDocument, { first: 'five' });
`,
    );
    const typecheck = await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', 'typed.ts'], {
      cwd: scratch,
      timeout: 60_000,
    }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(typecheck).toBe('');
  }, 70_000);
});
