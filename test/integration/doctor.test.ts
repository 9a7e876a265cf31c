import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DNA_SIM_DATA_NS, DomainNameApiSimulator } from '../../src/sandbox/domain-name-api.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { DNA_DOC_CREDENTIALS, startDomainNameApiDocFake } from '../fidelity/domain-name-api-doc-fake.js';

const ROOT = new URL('../../', import.meta.url).pathname;

let sandbox: Sandbox;
let persistent: RedisServerHandle;
let volatile: RedisServerHandle;

beforeAll(async () => {
  [sandbox, persistent, volatile] = await Promise.all([startSandbox({}), startRedisServer({ args: ['--appendonly', 'yes'] }), startRedisServer()]);
});

afterAll(async () => {
  await Promise.all([sandbox?.stop(), persistent?.stop(), volatile?.stop()]);
});

/** The environment an operator would set to go live, pointed at the simulators. */
function sandboxEnv() {
  const { realtimeRegister, openprovider, domainNameApi, veriff } = sandbox.endpoints();
  return {
    GATEWAY_API_KEYS: 'ops=doctor-test-key:*',
    REALTIME_REGISTER_API_KEY: realtimeRegister.apiKey,
    REALTIME_REGISTER_CUSTOMER: realtimeRegister.customer,
    REALTIME_REGISTER_BASE_URL: realtimeRegister.baseUrl,
    REALTIME_REGISTER_WEBHOOK_SECRET: realtimeRegister.webhookSecret,
    OPENPROVIDER_USERNAME: openprovider.username,
    OPENPROVIDER_PASSWORD: openprovider.password,
    OPENPROVIDER_BASE_URL: openprovider.baseUrl,
    DOMAIN_NAME_API_USERNAME: domainNameApi.username,
    DOMAIN_NAME_API_PASSWORD: domainNameApi.password,
    DOMAIN_NAME_API_BASE_URL: domainNameApi.baseUrl,
    VERIFF_API_KEY: veriff.apiKey,
    VERIFF_SHARED_SECRET: veriff.sharedSecret,
    VERIFF_BASE_URL: veriff.baseUrl,
    VERIFF_SYNC_BASE_URL: veriff.syncBaseUrl,
  };
}

/** Runs `npm run doctor`'s command as a child process with exactly this environment (plus PATH). */
function doctor(env: Record<string, string>, args: string[] = []): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/doctor/main.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe('npm run doctor', () => {
  it('passes against the sandbox with a persistent Redis, showing every step, the webhook URLs, and no secret', async () => {
    const env = { ...sandboxEnv(), REDIS_URL: persistent.url };
    const { code, output } = await doctor(env, ['--public-url', 'https://gateway.example.com']);
    expect(output).toContain('ready: 8 ok, 0 warning(s), 0 failure(s)');
    expect(code).toBe(0);
    for (const step of ['Realtime Register at', 'Openprovider at', 'Domain Name API at', "Domain Name API namespaces against the service's WSDL", 'Veriff at', 'Veriff decision webhook', 'Redis at']) {
      expect(output).toContain(step);
    }
    expect(output).toContain('https://gateway.example.com/webhooks/veriff');
    expect(output).toContain('https://gateway.example.com/webhooks/realtime-register');
    expect(output).toMatch(/persistent \(appendonly yes/);
    for (const secret of [env.OPENPROVIDER_PASSWORD, env.DOMAIN_NAME_API_PASSWORD, env.VERIFF_SHARED_SECRET, env.VERIFF_API_KEY, env.REALTIME_REGISTER_API_KEY, env.REALTIME_REGISTER_WEBHOOK_SECRET, 'doctor-test-key']) {
      expect(output).not.toContain(secret);
    }
  });

  it('fails with a clear line against a Redis that keeps nothing on disk', async () => {
    const { code, output } = await doctor({ ...sandboxEnv(), REDIS_URL: volatile.url });
    expect(code).toBe(1);
    expect(output).toMatch(/FAIL Redis keeps nothing on disk \(appendonly no, save ""\): a Redis restart loses acknowledged events/);
    expect(output).toContain('NOT ready to go live: 7 ok, 0 warning(s), 1 failure(s)');
  });

  it('fails when going live without Redis, and names the provider whose credentials are refused', async () => {
    const { code, output } = await doctor({ ...sandboxEnv(), OPENPROVIDER_PASSWORD: 'not-the-password' });
    expect(code).toBe(1);
    expect(output).toMatch(/FAIL Openprovider refused the gateway's credentials \(code 196\); check OPENPROVIDER_USERNAME and OPENPROVIDER_PASSWORD/);
    expect(output).toMatch(/FAIL REDIS_URL is not set/);
    expect(output).not.toContain('not-the-password');
  });

  it('points at DOMAIN_NAME_API_DATA_NAMESPACE when the service ignores the key it was sent', async () => {
    const { code, output } = await doctor({ ...sandboxEnv(), REDIS_URL: persistent.url, DOMAIN_NAME_API_DATA_NAMESPACE: 'urn:not-the-contract' });
    expect(code).toBe(1);
    expect(output).toContain('FAIL the service did not read the External ID it was sent (code 330): check DOMAIN_NAME_API_DATA_NAMESPACE');
    expect(output).toContain(`FAIL the WSDL declares the request members in other namespaces: set DOMAIN_NAME_API_DATA_NAMESPACE=${DNA_SIM_DATA_NS} (now urn:not-the-contract)`);
  });

  it("reads the data namespace a service really uses from its WSDL, and warns when it publishes none", async () => {
    const other = 'http://schemas.datacontract.org/2004/07/Olipso.Api.ContactContracts';
    for (const [publishesWsdl, expected] of [
      [true, `FAIL the WSDL declares the request members in other namespaces: set DOMAIN_NAME_API_DATA_NAMESPACE=${other} (now ${DNA_SIM_DATA_NS})`],
      [false, 'WARN the service publishes no readable WSDL with these members (HTTP 405)'],
    ] as const) {
      const service = new DomainNameApiSimulator({ gatewayUrl: () => null, seed: 1, dataNamespace: other, publishesWsdl });
      await service.start();
      try {
        const { code, output } = await doctor({ ...sandboxEnv(), REDIS_URL: persistent.url, DOMAIN_NAME_API_BASE_URL: service.endpoint().baseUrl });
        expect(code).toBe(1);
        expect(output).toContain(expected);
        // The service ignored the External ID sent in the gateway's namespace: the lookup says so too.
        expect(output).toContain('(code 330): check DOMAIN_NAME_API_DATA_NAMESPACE');
      } finally {
        await service.stop();
      }
    }
  });

  it('does not take a Domain Name API "not found" as proof of the namespace when the service answers it whether or not it read the External ID', async () => {
    // The document-built ContactApi.svc answers 410 to a request whose key it ignored, as a real one may.
    const fake = await startDomainNameApiDocFake();
    try {
      const env = { ...sandboxEnv(), REDIS_URL: persistent.url, DOMAIN_NAME_API_BASE_URL: fake.baseUrl, DOMAIN_NAME_API_USERNAME: DNA_DOC_CREDENTIALS.username, DOMAIN_NAME_API_PASSWORD: DNA_DOC_CREDENTIALS.password };
      for (const namespace of [undefined, 'urn:not-the-contract']) {
        const { output } = await doctor(namespace ? { ...env, DOMAIN_NAME_API_DATA_NAMESPACE: namespace } : env);
        const lookup = output.split('\n').find((line) => /credentials accepted/.test(line));
        expect(lookup).toMatch(/^\s+WARN credentials accepted .*"not found" whether or not it reads the External ID/);
        expect(output).not.toContain(DNA_DOC_CREDENTIALS.password);
      }
    } finally {
      await fake.close();
    }
  });

  it('exits 2 with one line for an option it does not know, rather than checking nothing and saying ready', async () => {
    const { code, output } = await doctor({}, ['--sandbx']);
    expect(code).toBe(2);
    expect(output.trim()).toBe("Unknown option '--sandbx'. Usage: npm run doctor [-- --public-url https://gateway.example.com] [-- --sandbox]");
  });

  it('exits 2 with one line for a configuration that does not load', async () => {
    const { code, output } = await doctor({ ...sandboxEnv(), DOMAIN_NAME_API_TIME_ZONE: 'Nowhere/Special' });
    expect(code).toBe(2);
    expect(output.trim()).toMatch(/^Configuration error: DOMAIN_NAME_API_TIME_ZONE: /);
  });
});
