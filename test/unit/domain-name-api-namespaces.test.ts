import { afterEach, describe, expect, it } from 'vitest';
import type { DomainNameApiConfig } from '../../src/config.js';
import { ProviderFailure } from '../../src/domain/errors.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { DomainNameApiClient } from '../../src/providers/domain-name-api/client.js';
import { ProviderHttp } from '../../src/providers/http.js';
import { DomainNameApiSimulator } from '../../src/sandbox/domain-name-api.js';
import { readWcfDocument, wcfChild } from '../../src/sandbox/domain-name-api-wcf.js';
import { SimulatorServer } from '../../src/sandbox/simulator-server.js';
import { createStores } from '../../src/store/index.js';

const BASE_NS = 'http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts';
const DATA_NS = 'http://schemas.datacontract.org/2004/07/Olipso.ExternalApi.Core.DataContracts.ContactApiContracts';
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function simulator(options: { timeZone?: string } = {}): Promise<DomainNameApiSimulator> {
  const sim = new DomainNameApiSimulator({ gatewayUrl: () => null, seed: 1, ...options });
  await sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}

function clientFor(endpoint: Omit<DomainNameApiConfig, 'baseNamespace' | 'dataNamespace' | 'timeZone'> & Partial<DomainNameApiConfig>): DomainNameApiClient {
  const metrics = createMetrics();
  const logger = silentLogger();
  const stores = createStores({ redisUrls: [], metrics, logger });
  const http = new ProviderHttp({ provider: 'DOMAIN_NAME_API', baseUrl: endpoint.baseUrl, metrics, backoffBaseMs: 1, deadlineMs: 5_000 });
  cleanups.push(async () => {
    await http.close();
    await stores.close();
  });
  const config: DomainNameApiConfig = { baseNamespace: BASE_NS, dataNamespace: DATA_NS, timeZone: 'Europe/Istanbul', ...endpoint };
  return new DomainNameApiClient(config, { http, stores, logger });
}

/** What a client written before revision 2 sent: every member in the base namespace, absent ones empty. */
function oneNamespaceEnvelope(externalId: string): string {
  return (
    `<s:Envelope xmlns:s="${SOAP_NS}"><s:Body><GetDetails xmlns="http://tempuri.org/"><request xmlns:a="${BASE_NS}">` +
    `<a:Password>sandbox-dna-password</a:Password><a:UserName>sandbox</a:UserName><a:ContactEmail></a:ContactEmail><a:ExternalId>${externalId}</a:ExternalId>` +
    '</request></GetDetails></s:Body></s:Envelope>'
  );
}

async function post(sim: DomainNameApiSimulator, body: string): Promise<string> {
  const response = await fetch(`${sim.endpoint().baseUrl}/ContactApi.svc`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://tempuri.org/IContactApi/GetDetails"' },
    body,
  });
  return response.text();
}

async function failureOf(call: Promise<unknown>): Promise<ProviderFailure> {
  const error = await call.then(
    (value) => ({ resolved: value }),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderFailure);
  return error as ProviderFailure;
}

describe('Domain Name API namespaces, as WCF reads them', () => {
  it('has the simulator ignore a contact key sent in the base namespace, as WCF does: no contact is found by it', async () => {
    const sim = await simulator();
    const answer = await post(sim, oneNamespaceEnvelope('DNA-1002'));
    expect(answer).toContain('<a:OperationResult>ERROR</a:OperationResult>');
    expect(answer).toContain('<a:ErrorCode>330</a:ErrorCode>');
    expect(answer).not.toContain('DNA-1002');
  });

  it('has the simulator refuse credentials sent in the derived namespace (2200)', async () => {
    const sim = await simulator();
    const answer = await post(
      sim,
      `<s:Envelope xmlns:s="${SOAP_NS}"><s:Body><GetDetails xmlns="http://tempuri.org/"><request xmlns:b="${DATA_NS}">` +
        '<b:Password>sandbox-dna-password</b:Password><b:UserName>sandbox</b:UserName><b:ExternalId>DNA-1002</b:ExternalId></request></GetDetails></s:Body></s:Envelope>',
    );
    expect(answer).toContain('<a:ErrorCode>2200</a:ErrorCode>');
  });

  it('sends credentials in the base namespace and only the given key in the derived one, so the contact is found', async () => {
    const sim = await simulator();
    const client = clientFor(sim.endpoint());
    expect((await client.getDetails({ externalId: 'DNA-1002' }))?.verification?.handle).toBe('DNA-1002');
    const request = wcfChild(wcfChild(wcfChild(readWcfDocument(sim.server.requests[0]!.body), SOAP_NS, 'Body'), 'http://tempuri.org/', 'GetDetails'), 'http://tempuri.org/', 'request');
    expect(request!.children.map((member) => [member.ns, member.name, member.text])).toEqual([
      [BASE_NS, 'Password', 'sandbox-dna-password'],
      [BASE_NS, 'UserName', 'sandbox'],
      [DATA_NS, 'ExternalId', 'DNA-1002'],
    ]);
  });

  it('reports a wrong DOMAIN_NAME_API_DATA_NAMESPACE as a ProviderFailure, never as "no such contact"', async () => {
    const sim = await simulator();
    const client = clientFor({ ...sim.endpoint(), dataNamespace: 'http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts.Wrong' });
    const failure = await failureOf(client.getDetails({ externalId: 'DNA-1002' }));
    expect(failure).toMatchObject({ kind: 'ERROR', code: '330', retryable: false });
  });

  it('reports a result whose data members come in another namespace as unreadable, naming the settings', async () => {
    const server = new SimulatorServer('DOMAIN_NAME_API', () => ({
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        `<s:Envelope xmlns:s="${SOAP_NS}"><s:Body><GetDetailsResponse xmlns="http://tempuri.org/"><GetDetailsResult xmlns:a="${BASE_NS}" xmlns:c="urn:elsewhere">` +
        '<a:ErrorCode>1000</a:ErrorCode><a:OperationMessage>ok</a:OperationMessage><a:OperationResult>SUCCESS</a:OperationResult>' +
        '<c:ContactEmail>ann@example.net</c:ContactEmail><c:VerificationStatus>Pending</c:VerificationStatus></GetDetailsResult></GetDetailsResponse></s:Body></s:Envelope>',
    }));
    await server.start();
    cleanups.push(() => server.stop());
    const failure = await failureOf(clientFor({ baseUrl: server.url, username: 'u', password: 'p', contactServicePath: '/ContactApi.svc' }).getDetails({ externalId: 'DNA-1' }));
    expect(failure.message).toContain('{urn:elsewhere}VerificationStatus');
    expect(failure.message).toContain('DOMAIN_NAME_API_DATA_NAMESPACE');
  });
});

describe('Domain Name API published error codes, answered by the simulator', () => {
  it('maps each code the simulator answers with to its published meaning', async () => {
    const sim = await simulator();
    const client = clientFor(sim.endpoint());
    const expected: [number, Partial<ProviderFailure>][] = [
      [301, { kind: 'AUTH', code: '301', retryable: false }],
      [360, { kind: 'RATE_LIMITED', code: '360', retryable: true }],
      [361, { kind: 'RATE_LIMITED', code: '361', retryable: true }],
      [401, { kind: 'ERROR', code: '401', retryable: true }],
      [404, { kind: 'ERROR', code: '404', retryable: false }],
      [2200, { kind: 'AUTH', code: '2200', retryable: false }],
    ];
    for (const [code, failure] of expected) {
      const answer = await fetch(`${sim.endpoint().baseUrl}/__control/error-codes`, { method: 'POST', body: JSON.stringify({ code }) });
      expect(answer.status).toBe(200);
      expect(await failureOf(client.getDetails({ externalId: 'DNA-1001' }))).toMatchObject(failure);
    }
    sim.answerNextWith(410);
    expect(await client.getDetails({ externalId: 'DNA-1001' })).toBeNull();
    expect((await client.getDetails({ externalId: 'DNA-1001' }))?.verification?.handle).toBe('DNA-1001');
  });

  it('turns an HTML page or a cut-short answer into a named ProviderFailure, never a null', async () => {
    const sim = await simulator();
    const client = clientFor(sim.endpoint());
    sim.server.setFaults({ malformedRate: 1, malformed: 'html' });
    expect((await failureOf(client.getDetails({ externalId: 'DNA-1001' }))).message).toMatch(/an HTML page/);
    sim.server.setFaults({ malformedRate: 1, malformed: 'truncated' });
    expect((await failureOf(client.getDetails({ externalId: 'DNA-1001' }))).message).toMatch(/unreadable answer/);
  });
});

describe('Domain Name API timestamps', () => {
  it('reads the offset-less times in the configured zone: Istanbul by default, so they match the instants the service meant', async () => {
    const sim = await simulator();
    const pending = sim.contacts.find((contact) => contact.status === 'Pending')!;
    const istanbul = await clientFor(sim.endpoint()).getDetails({ externalId: pending.externalId });
    expect(istanbul?.verification?.expiresAt).toBe(new Date(pending.expiresAt!).toISOString());
    const utc = await clientFor({ ...sim.endpoint(), timeZone: 'UTC' }).getDetails({ externalId: pending.externalId });
    expect(Date.parse(utc!.verification!.expiresAt!) - pending.expiresAt!).toBe(3 * 3_600_000);
  });
});
