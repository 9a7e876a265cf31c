import { afterEach, describe, expect, it } from 'vitest';
import { NotFound } from '../../src/domain/errors.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { DomainNameApiClient } from '../../src/providers/domain-name-api/client.js';
import { ProviderHttp } from '../../src/providers/http.js';
import { DNA_STATUSES } from '../../src/sandbox/domain-name-api-seed.js';
import { DomainNameApiSimulator } from '../../src/sandbox/domain-name-api.js';
import { DEFAULT_DNA_NAMESPACES } from '../../src/providers/domain-name-api/soap.js';

const DEFAULT_DNA_NAMESPACES_CONFIG = { baseNamespace: DEFAULT_DNA_NAMESPACES.base, dataNamespace: DEFAULT_DNA_NAMESPACES.data };
import { SimulatorServer, type SimHandler } from '../../src/sandbox/simulator-server.js';
import { createStores } from '../../src/store/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function clientFor(baseUrl: string, credentials: { username: string; password: string }, contactServicePath = '/ContactApi.svc'): DomainNameApiClient {
  const metrics = createMetrics();
  const logger = silentLogger();
  const stores = createStores({ redisUrls: [], metrics, logger });
  const http = new ProviderHttp({ provider: 'DOMAIN_NAME_API', baseUrl, metrics, backoffBaseMs: 1, deadlineMs: 5_000 });
  cleanups.push(async () => {
    await http.close();
    await stores.close();
  });
  const config = { baseUrl, contactServicePath, ...DEFAULT_DNA_NAMESPACES_CONFIG, timeZone: 'Europe/Istanbul', ...credentials };
  return new DomainNameApiClient(config, { http, stores, logger });
}

async function simulator(options: { contactServicePath?: string; contactCount?: number } = {}) {
  const sim = new DomainNameApiSimulator({ gatewayUrl: () => null, seed: 1, ...options });
  await sim.start();
  cleanups.push(() => sim.stop());
  return { sim, client: clientFor(sim.endpoint().baseUrl, sim.endpoint(), sim.endpoint().contactServicePath) };
}

async function scripted(handler: SimHandler) {
  const server = new SimulatorServer('DOMAIN_NAME_API', handler);
  await server.start();
  cleanups.push(() => server.stop());
  return { server, client: clientFor(server.url, { username: 'u', password: 'p' }) };
}

const FAULT =
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode>' +
  '<faultstring>Object reference not set to an instance of an object.</faultstring></s:Fault></s:Body></s:Envelope>';

describe('Domain Name API simulator seed', () => {
  it('seeds more contacts when asked (the bench reads 1000), the first 200 the same as the sandbox\'s', async () => {
    const { sim: standard } = await simulator();
    const { sim, client } = await simulator({ contactCount: 1000 });
    expect(sim.contacts).toHaveLength(1000);
    expect(sim.contacts.slice(0, 200)).toEqual(standard.contacts);
    const last = await client.getDetails({ externalId: 'DNA-2000' });
    expect(last?.contact).toMatchObject({ handle: 'DNA-2000' });
    expect(last?.verification?.email).toBe(sim.contacts.at(-1)!.email);
  });

  it('holds 200 contacts DNA-1001 to DNA-1200 in every status, with offset-less dates', async () => {
    const { sim } = await simulator();
    expect(sim.contacts).toHaveLength(200);
    expect(sim.contacts[0]!.externalId).toBe('DNA-1001');
    expect(sim.contacts.at(-1)!.externalId).toBe('DNA-1200');
    for (const status of DNA_STATUSES) expect(sim.contacts.some((contact) => contact.status === status)).toBe(true);
    const raw = await fetch(`${sim.endpoint().baseUrl}/ContactApi.svc`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://tempuri.org/IContactApi/GetDetails"' },
      body:
        `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetDetails xmlns="http://tempuri.org/"><request xmlns:a="${DEFAULT_DNA_NAMESPACES.base}" xmlns:b="${DEFAULT_DNA_NAMESPACES.data}">` +
        '<a:Password>sandbox-dna-password</a:Password><a:UserName>sandbox</a:UserName><b:ExternalId>DNA-1002</b:ExternalId>' +
        '</request></GetDetails></s:Body></s:Envelope>',
    }).then((response) => response.text());
    expect(raw).toMatch(/<b:ExpirationDate>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}<\/b:ExpirationDate>/);
  });
});

describe('DomainNameApiClient', () => {
  it('looks a contact up by External ID and by email', async () => {
    const { sim, client } = await simulator();
    const contact = sim.contacts[5]!;
    const byHandle = await client.getDetails({ externalId: contact.externalId });
    const byEmail = await client.getDetails({ email: contact.email.toUpperCase() });
    expect(byHandle?.verification).toMatchObject({ provider: 'DOMAIN_NAME_API', handle: contact.externalId, email: contact.email });
    expect(byEmail).toEqual(byHandle);
    expect(byHandle?.contact).toMatchObject({ handle: contact.externalId, name: `${contact.firstName} ${contact.lastName}` });
  });

  it('posts SOAP 1.1 to the configured service path with the SOAPAction of the operation', async () => {
    const { sim, client } = await simulator({ contactServicePath: '/v2/ContactApi.svc' });
    await client.getDetails({ externalId: 'DNA-1001' });
    const [request] = sim.server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v2/ContactApi.svc' });
    expect(request!.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(request!.headers.soapaction).toBe('"http://tempuri.org/IContactApi/GetDetails"');
  });

  it('gives null for an unknown contact (OperationResult ERROR, not found)', async () => {
    const { client } = await simulator();
    expect(await client.getDetails({ externalId: 'DNA-9999' })).toBeNull();
  });

  it('reports refused credentials as a non-retryable AUTH failure, never as a missing contact', async () => {
    const { sim } = await simulator();
    const client = clientFor(sim.endpoint().baseUrl, { username: 'sandbox', password: 'wrong' });
    await expect(client.getDetails({ externalId: 'DNA-1001' })).rejects.toMatchObject({ kind: 'AUTH', retryable: false });
  });

  it('resends the notice: an expired contact becomes Pending with a new 60-day key and a fresh notification date', async () => {
    const { sim, client } = await simulator();
    const expired = sim.contacts.find((contact) => contact.status === 'Expired')!;
    await client.resendVerificationNotice({ email: expired.email });
    const details = await client.getDetails({ externalId: expired.externalId });
    expect(details?.verification?.status).toBe('PENDING');
    const days = (Date.parse(details!.verification!.expiresAt!) - Date.parse(details!.verification!.lastNotifiedAt!)) / 86_400_000;
    expect(days).toBe(60);
    expect(Math.abs(Date.parse(details!.verification!.lastNotifiedAt!) - Date.now())).toBeLessThan(60_000);
    expect(sim.sentNotices).toEqual([expect.objectContaining({ externalId: expired.externalId })]);
  });

  it('refuses to resend to a validated address (ERROR, not retryable) and to an unknown contact (NotFound)', async () => {
    const { sim, client } = await simulator();
    const validated = sim.contacts.find((contact) => contact.status === 'Validated')!;
    await expect(client.resendVerificationNotice({ externalId: validated.externalId })).rejects.toMatchObject({ kind: 'ERROR', retryable: false });
    await expect(client.resendVerificationNotice({ externalId: 'DNA-4242' })).rejects.toBeInstanceOf(NotFound);
    expect(sim.sentNotices).toHaveLength(0);
  });

  it('does not retry a SOAP fault under HTTP 500 and reports it as not retryable', async () => {
    const { server, client } = await scripted(() => ({ status: 500, headers: { 'content-type': 'text/xml' }, body: FAULT }));
    await expect(client.getDetails({ externalId: 'DNA-1' })).rejects.toMatchObject({ kind: 'ERROR', retryable: false, code: 's:Server' });
    expect(server.count()).toBe(1);
  });

  it('retries a lookup answered with an HTML page or an empty body under HTTP 500', async () => {
    const { sim } = await simulator();
    let calls = 0;
    const { server, client } = await scripted(async (request) => {
      calls++;
      if (calls === 1) return { status: 500, headers: { 'content-type': 'text/html' }, body: '<html><body>Just a moment...</body></html>' };
      if (calls === 2) return { status: 500 };
      const upstream = await fetch(`${sim.endpoint().baseUrl}/ContactApi.svc`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: String(request.headers.soapaction) },
        body: request.text.replace('<a:Password>p</a:Password><a:UserName>u</a:UserName>', '<a:Password>sandbox-dna-password</a:Password><a:UserName>sandbox</a:UserName>'),
      });
      return { status: upstream.status, headers: { 'content-type': 'text/xml' }, body: await upstream.text() };
    });
    expect((await client.getDetails({ externalId: 'DNA-1001' }))?.verification?.handle).toBe('DNA-1001');
    expect(server.count()).toBe(3);
  });

  it('never retries a resend (it sends mail) and reports an HTML 503 as retryable UNAVAILABLE', async () => {
    const { server, client } = await scripted(() => ({ status: 503, headers: { 'content-type': 'text/html' }, body: '<html>down</html>' }));
    await expect(client.resendVerificationNotice({ externalId: 'DNA-1' })).rejects.toMatchObject({ kind: 'UNAVAILABLE', retryable: true });
    expect(server.count()).toBe(1);
  });
});
