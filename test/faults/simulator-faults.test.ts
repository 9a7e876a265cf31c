import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/sandbox/faults.js';
import { parseFaults } from '../../src/sandbox/faults.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SimulatorServer } from '../../src/sandbox/simulator-server.js';
import { startTestGateway } from '../helpers/gateway.js';
import { setFaultsOverHttp } from './support.js';

/**
 * Every simulator honours every fault, set over its HTTP control endpoint: added latency, injected 500/502/503/429
 * (with Retry-After), accept-and-never-answer, connection reset, truncated and HTML bodies, failFirst, and its own
 * provider-specific outage. SANDBOX_FAULTS reaches them through a gateway's start-up.
 */

let sandbox: Sandbox;

interface Target {
  name: string;
  server: () => SimulatorServer;
  /** A request the simulator answers normally (an auth refusal is fine: it has a body of the provider's kind). */
  send: (url: string, signal?: AbortSignal) => Promise<Response>;
  /** The body kind the provider speaks. */
  kind: 'json' | 'xml';
  /** What the provider's own outage looks like. */
  outage: (response: Response, text: string) => void;
}

const DNA_ENVELOPE =
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetDetails xmlns="http://tempuri.org/">' +
  '<request xmlns:a="http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts"><a:Password>sandbox-dna-password</a:Password>' +
  '<a:UserName>sandbox</a:UserName><a:ContactEmail></a:ContactEmail><a:ExternalId>DNA-1001</a:ExternalId></request></GetDetails></s:Body></s:Envelope>';

const veriffRequest = (url: string, signal?: AbortSignal) =>
  fetch(`${url}/v1/validate-registry`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-client': 'sandbox-veriff-api-key' }, body: '{}', signal });

const veriffOutage = (response: Response, text: string) => {
  expect(response.headers.get('retry-after')).toBe('60');
  expect(JSON.parse(text)).toMatchObject({ status: 'failed', code: '1503' });
};

const TARGETS: Target[] = [
  {
    name: 'Realtime Register',
    server: () => sandbox.realtimeRegister.server,
    send: (url, signal) => fetch(`${url}/v2/customers/sandbox/contacts/rtr-0001`, { headers: { authorization: 'ApiKey sandbox-rtr-api-key' }, signal }),
    kind: 'json',
    outage: (_response, text) => {
      expect(JSON.parse(text)).toMatchObject({ type: 'ProviderUnavailable', startDate: expect.any(String), endDate: expect.any(String) });
    },
  },
  {
    name: 'Openprovider',
    server: () => sandbox.openprovider.server,
    send: (url, signal) =>
      fetch(`${url}/v1beta/customers/verifications/emails/domains`, { headers: { authorization: 'Bearer not-a-token' }, signal }),
    kind: 'json',
    outage: (_response, text) => {
      expect(JSON.parse(text)).toMatchObject({ code: 4005, maintenance: true });
    },
  },
  {
    name: 'Domain Name API',
    server: () => sandbox.domainNameApi.server,
    send: (url, signal) =>
      fetch(`${url}/ContactApi.svc`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://tempuri.org/IContactApi/GetDetails"' },
        body: DNA_ENVELOPE,
        signal,
      }),
    kind: 'xml',
    outage: (response) => {
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
    },
  },
  { name: 'Veriff', server: () => sandbox.veriff.server, send: veriffRequest, kind: 'json', outage: veriffOutage },
  { name: 'Veriff (sync endpoint)', server: () => sandbox.veriff.syncServer, send: veriffRequest, kind: 'json', outage: veriffOutage },
];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 7 });
});

afterAll(async () => {
  await sandbox?.stop();
});

/** Sets faults over HTTP, sends one request, then heals the simulator again. */
async function underFault(target: Target, faults: FaultSpec, signal?: AbortSignal): Promise<{ response: Response; text: string }> {
  const url = target.server().url;
  await setFaultsOverHttp(url, faults);
  try {
    const response = await target.send(url, signal);
    return { response, text: await response.text() };
  } finally {
    await setFaultsOverHttp(url, {});
  }
}

describe.each(TARGETS)('the $name simulator', (target) => {
  it('answers normally without faults, in its own body format', async () => {
    const response = await target.send(target.server().url);
    const text = await response.text();
    if (target.kind === 'json') expect(() => JSON.parse(text)).not.toThrow();
    else expect(XMLValidator.validate(text)).toBe(true);
  });

  it('adds latency before answering', async () => {
    const url = target.server().url;
    await setFaultsOverHttp(url, { latencyMs: 600 });
    try {
      // The answer cannot arrive before the added latency, so a client giving up sooner sees nothing.
      await expect(target.send(url, AbortSignal.timeout(100))).rejects.toThrow();
      const response = await target.send(url);
      expect(response.status).toBeLessThan(600);
    } finally {
      await setFaultsOverHttp(url, {});
    }
  });

  it.each([500, 502])('answers HTTP %i with an empty body at errorRate 1', async (status) => {
    const { response, text } = await underFault(target, { errorRate: 1, status });
    expect(response.status).toBe(status);
    expect(text).toBe('');
  });

  it.each([503, 429])('answers HTTP %i with Retry-After at errorRate 1', async (status) => {
    const { response } = await underFault(target, { errorRate: 1, status, retryAfterSeconds: 7 });
    expect(response.status).toBe(status);
    expect(response.headers.get('retry-after')).toBe('7');
  });

  it('accepts a request and never answers it at timeoutRate 1', async () => {
    const before = target.server().count();
    await expect(underFault(target, { timeoutRate: 1 }, AbortSignal.timeout(300))).rejects.toThrow();
    expect(target.server().count()).toBe(before + 1);
  });

  it('resets the connection at resetRate 1', async () => {
    const error = await underFault(target, { resetRate: 1 }).then(
      () => null,
      (caught: Error & { cause?: { code?: string } }) => caught,
    );
    expect(error?.cause?.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it('cuts the body in half with malformed "truncated"', async () => {
    const { text } = await underFault(target, { malformedRate: 1, malformed: 'truncated' });
    expect(text.length).toBeGreaterThan(0);
    if (target.kind === 'json') expect(() => JSON.parse(text)).toThrow();
    else expect(XMLValidator.validate(text)).not.toBe(true);
  });

  it('sends an HTML page instead of its body with malformed "html"', async () => {
    const { response, text } = await underFault(target, { malformedRate: 1, malformed: 'html' });
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(text).toMatch(/^<html>/);
  });

  it('answers with its own kind of outage', async () => {
    const { response, text } = await underFault(target, { outage: true });
    expect(response.status).toBe(503);
    target.outage(response, text);
  });

  it('fails exactly the first N requests with failFirst, then answers normally', async () => {
    const url = target.server().url;
    await setFaultsOverHttp(url, { failFirst: 2, status: 502 });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await target.send(url)).status);
      expect(statuses.slice(0, 2)).toEqual([502, 502]);
      expect(statuses[2]).not.toBe(502);
    } finally {
      await setFaultsOverHttp(url, {});
    }
  });
});

describe('fault controls', () => {
  it('meet the same faults in the same order for the same seed', async () => {
    const server = sandbox.realtimeRegister.server;
    const run = async () => {
      await setFaultsOverHttp(server.url, { errorRate: 0.5, status: 500, seed: 42 });
      const statuses = [];
      for (let i = 0; i < 12; i++) statuses.push((await TARGETS[0]!.send(server.url)).status);
      return statuses;
    };
    try {
      const first = await run();
      expect(await run()).toEqual(first);
      expect(new Set(first).size).toBe(2);
    } finally {
      await setFaultsOverHttp(server.url, {});
    }
  });

  it('refuse an unknown fault or a rate outside 0..1 with 400 and the reason', async () => {
    const url = sandbox.openprovider.server.url;
    for (const [faults, reason] of [
      [{ errorrate: 1 }, /errorrate is not a fault/],
      [{ errorRate: 2 }, /errorRate must be a number from 0 to 1/],
      [{ malformed: 'xml' }, /malformed must be "truncated" or "html"/],
    ] as const) {
      const response = await fetch(`${url}/__control/faults`, { method: 'POST', body: JSON.stringify(faults) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(reason);
    }
    expect(await (await fetch(`${url}/__control/faults`)).json()).toEqual({});
  });

  it('are taken from the options of a simulator built on its own', async () => {
    const { OpenproviderSimulator } = await import('../../src/sandbox/openprovider.js');
    const { DomainNameApiSimulator } = await import('../../src/sandbox/domain-name-api.js');
    const { RealtimeRegisterSimulator } = await import('../../src/sandbox/realtime-register.js');
    const options = { gatewayUrl: () => null, faults: { outage: true } };
    for (const simulator of [new OpenproviderSimulator(options), new DomainNameApiSimulator(options), new RealtimeRegisterSimulator(options)]) {
      expect(simulator.server.getFaults()).toEqual({ outage: true });
    }
  });

  it('read SANDBOX_FAULTS keyed by provider and name the culprit of a typo', () => {
    expect(parseFaults('{"OPENPROVIDER":{"errorRate":1,"status":503},"VERIFF":{"latencyMs":2000}}')).toEqual({
      OPENPROVIDER: { errorRate: 1, status: 503 },
      VERIFF: { latencyMs: 2000 },
    });
    expect(() => parseFaults('{"OPEN_PROVIDER":{"errorRate":1}}')).toThrow(/OPEN_PROVIDER is not a provider/);
    expect(() => parseFaults('{"VERIFF":{"latency":5}}')).toThrow(/SANDBOX_FAULTS\.VERIFF\.latency is not a fault/);
  });
});

describe('SANDBOX_FAULTS', () => {
  it('reaches every simulator through the gateway start-up, and the gateway feels it', async () => {
    const faults = {
      REALTIME_REGISTER: { outage: true },
      OPENPROVIDER: { errorRate: 1, status: 503 },
      DOMAIN_NAME_API: { malformedRate: 1, malformed: 'html' },
      VERIFF: { latencyMs: 2000 },
    };
    const gateway = await startTestGateway({ env: { SANDBOX_FAULTS: JSON.stringify(faults) } });
    try {
      const simulators = gateway.sandbox!;
      expect(simulators.realtimeRegister.server.getFaults()).toEqual(faults.REALTIME_REGISTER);
      expect(simulators.openprovider.server.getFaults()).toEqual(faults.OPENPROVIDER);
      expect(simulators.domainNameApi.server.getFaults()).toEqual(faults.DOMAIN_NAME_API);
      expect(simulators.veriff.server.getFaults()).toEqual(faults.VERIFF);
      expect(simulators.veriff.syncServer.getFaults()).toEqual(faults.VERIFF);

      const reply = await gateway.graphql(`{
        rtr: contact(provider: REALTIME_REGISTER, handle: "rtr-0001") { handle }
        op: contact(provider: OPENPROVIDER, handle: "OP000001-NL") { handle }
        dna: contact(provider: DOMAIN_NAME_API, handle: "DNA-1001") { handle }
      }`);
      const failed = Object.fromEntries((reply.errors ?? []).map((error) => [error.path?.[0], error.extensions]));
      expect(failed.rtr).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'REALTIME_REGISTER', providerCode: 'ProviderUnavailable' });
      expect(failed.op).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'OPENPROVIDER' });
      expect(failed.dna).toMatchObject({ provider: 'DOMAIN_NAME_API' });
    } finally {
      await gateway.stop();
    }
  });

  it('with a typo stops the gateway at start-up, naming it', async () => {
    await expect(startTestGateway({ env: { SANDBOX_FAULTS: '{"VERIFF":{"latencyMS":10}}' } })).rejects.toThrow(/VERIFF\.latencyMS is not a fault/);
  });
});
