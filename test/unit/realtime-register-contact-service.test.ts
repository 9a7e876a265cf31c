import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Contact } from '../../src/domain/contact.js';
import { InputRejected, ProviderFailure } from '../../src/domain/errors.js';
import type { VerificationRequest } from '../../src/domain/verification-request.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { ProviderClients } from '../../src/providers/clients.js';
import { ProviderHttp } from '../../src/providers/http.js';
import { RealtimeRegisterClient } from '../../src/providers/realtime-register/client.js';
import { RealtimeRegisterSimulator } from '../../src/sandbox/realtime-register.js';
import type { ContactSource } from '../../src/services/contact-sources.js';
import { createContactService, type ContactServiceDeps } from '../../src/services/contacts.js';
import type { EventService } from '../../src/services/events.js';
import { createOutboxService } from '../../src/services/outbox.js';
import { registerStoreEffects } from '../../src/services/outbox-effects.js';
import type { VerificationRequestService } from '../../src/services/verification-requests.js';
import { createStores } from '../../src/store/index.js';

const simulator = new RealtimeRegisterSimulator({ gatewayUrl: () => null, seedDenicRequests: 0, contactCount: 30, asyncShare: 0 });
const metrics = createMetrics();
const stores = createStores({ redisUrls: [], metrics, logger: silentLogger() });
let http: ProviderHttp;
let rtr: RealtimeRegisterClient;

beforeAll(async () => {
  await simulator.start();
  const endpoint = simulator.endpoint();
  http = new ProviderHttp({ provider: 'REALTIME_REGISTER', baseUrl: endpoint.baseUrl, metrics, maxRetries: 0 });
  rtr = new RealtimeRegisterClient({ ...endpoint, pollIntervalMs: 1000 }, { http, stores, logger: silentLogger() });
});
afterAll(async () => {
  await http.close();
  await stores.close();
  await simulator.stop();
});

/** A dependency this test does not use: calling it is a bug in the test. */
const notBuilt = (what: string) => async (): Promise<never> => {
  throw new Error(`${what} is not used in this test`);
};
const request: VerificationRequest = {
  id: 'rtr:sandbox:42',
  provider: 'REALTIME_REGISTER',
  customer: 'sandbox',
  contactHandle: 'rtr-0003',
  claims: ['NAME', 'ADDRESS'],
  status: 'OPEN',
  message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]',
  receivedAt: '2026-06-01T00:00:00Z',
  deDelegationDomain: null,
  deDelegationDeadline: null,
  deletionDomain: null,
  deletionDeadline: null,
  notificationId: '42',
};

/** The service over the simulator; what is not given behaves like a capability not built yet. */
function serviceWith(options: { requests?: Partial<VerificationRequestService>; events?: Partial<EventService>; sources?: ContactServiceDeps['contactSources']; rtrEnabled?: boolean } = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
  const clients = {
    realtimeRegister: options.rtrEnabled === false ? null : rtr,
    openprovider: {},
    domainNameApi: null,
    veriff: null,
    http: {},
    modes: {},
    baseUrls: {},
    close: async () => {},
  } as unknown as ProviderClients;
  // The contact service only records events; the rest of the interface is not used here.
  const events = { record: notBuilt('The event log'), ...options.events } as EventService;
  const verificationRequests = { get: notBuilt('Verification requests'), recordSubmission: notBuilt('Verification requests'), ...options.requests } as VerificationRequestService;
  // Its records go through the real outbox (memory queues), applied with the doubles above.
  const outbox = createOutboxService({ shared: stores.outbox, local: stores.localOutbox, locks: stores.locks, logger, metrics });
  registerStoreEffects(outbox, { events, verificationRequests, registryChecks: stores.registryChecks });
  const service = createContactService({ config: loadConfig({}), stores, clients, metrics, logger, events, outbox, verificationRequests, contactSources: options.sources });
  return { service, scope: { requestId: 'req-1', logger }, lines };
}

const idCard = { verifiedAt: '2026-04-16T00:00:00Z', externalId: 'kyc-9', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] };
const failureOf = (call: Promise<unknown>) => call.then(() => expect.fail('expected the call to fail'), (error: unknown) => error);
const posts = () => simulator.server.count('/v2/customers/sandbox/contacts', 'POST');

describe('ContactService.keyFor', () => {
  // Built per test: the Realtime Register client exists only once the simulator has started.
  let service: ReturnType<typeof serviceWith>['service'];
  beforeAll(() => {
    service = serviceWith().service;
  });

  it('fills in the default Realtime Register customer', () => {
    expect(service.keyFor('REALTIME_REGISTER', 'rtr-0001')).toEqual({ provider: 'REALTIME_REGISTER', customer: 'sandbox', handle: 'rtr-0001' });
  });

  it.each([
    ['REALTIME_REGISTER', 'ab', null, ['handle']],
    ['REALTIME_REGISTER', 'rtr-0001', 'has space', ['customer']],
    ['OPENPROVIDER', 'a b', null, ['handle']],
    ['VERIFF', 'anything', null, ['provider']],
  ] as const)('rejects %s handle %j (customer %j) at %j', (provider, handle, customer, path) => {
    const error = (() => {
      try {
        service.keyFor(provider, handle, customer);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(InputRejected);
    expect((error as InputRejected).fieldErrors[0]!.path).toEqual(path);
  });

  it('accepts Openprovider handles up to 64 characters, without a customer', () => {
    expect(service.keyFor('OPENPROVIDER', 'JD123456-NL', 'ignored')).toEqual({ provider: 'OPENPROVIDER', customer: null, handle: 'JD123456-NL' });
    expect(() => service.keyFor('OPENPROVIDER', 'x'.repeat(65))).toThrow(InputRejected);
  });

  it('answers ProviderFailure DISABLED for a provider that is not configured', () => {
    expect(() => service.keyFor('DOMAIN_NAME_API', 'C-1')).toThrow(expect.objectContaining({ kind: 'DISABLED' }));
    expect(() => serviceWith({ rtrEnabled: false }).service.keyFor('REALTIME_REGISTER', 'rtr-0001')).toThrow(ProviderFailure);
  });

  it('blames the provider, not the caller, for a handle or customer in provider data that fails the rules (keyForProviderData)', () => {
    for (const [provider, handle, customer] of [['REALTIME_REGISTER', 'rtr-0001', '..'], ['REALTIME_REGISTER', '..', null], ['OPENPROVIDER', '..', null]] as const) {
      const thrown = (() => {
        try {
          service.keyForProviderData(provider, handle, customer);
        } catch (error) {
          return error;
        }
      })();
      expect(thrown, `${provider} ${handle} ${customer}`).toBeInstanceOf(ProviderFailure);
      expect(thrown).toMatchObject({ provider, kind: 'ERROR', retryable: false });
    }
    expect(service.keyForProviderData('REALTIME_REGISTER', 'rtr-0001', 'sandbox')).toEqual({ provider: 'REALTIME_REGISTER', customer: 'sandbox', handle: 'rtr-0001' });
  });
});

describe('ContactService.load', () => {
  it('says PROVIDER_DISABLED for Openprovider when no contact source is configured', async () => {
    const { service, scope } = serviceWith();
    const [result] = await service.load([{ provider: 'OPENPROVIDER', customer: null, handle: 'JD1-NL' }], scope);
    expect(result).toBeInstanceOf(ProviderFailure);
    expect((result as ProviderFailure).kind).toBe('DISABLED');
  });

  it('asks a contact source once for the distinct misses and caches what it returns', async () => {
    const contact = { provider: 'OPENPROVIDER', customer: null, handle: 'JD2-NL', name: 'J. Doe', verifications: [] } as unknown as Contact;
    const source: ContactSource = { load: vi.fn(async (handles: string[]) => new Map(handles.filter((h) => h === 'JD2-NL').map((h) => [h, contact]))) };
    const { service, scope } = serviceWith({ sources: { OPENPROVIDER: source } });
    const keys = ['JD2-NL', 'JD2-NL', 'JD3-NL'].map((handle) => ({ provider: 'OPENPROVIDER' as const, customer: null, handle }));
    expect((await service.load(keys, scope)).map((found) => (found instanceof Error ? found : (found?.handle ?? null)))).toEqual(['JD2-NL', 'JD2-NL', null]);
    expect(source.load).toHaveBeenCalledWith(['JD2-NL', 'JD3-NL'], scope);
    await service.load([keys[0]!], scope);
    expect(source.load).toHaveBeenCalledTimes(1);
  });

  it('answers null without a call for a node id whose handle the provider could never have', async () => {
    const { service, scope } = serviceWith();
    const before = simulator.server.count();
    expect(await service.load([{ provider: 'REALTIME_REGISTER', customer: 'sandbox', handle: 'a/b' }], scope)).toEqual([null]);
    expect(simulator.server.count()).toBe(before);
  });
});

describe('ContactService.submitVerification', () => {
  it('does not fail the accepted write when what follows it cannot be recorded: it says the event is pending and keeps it', async () => {
    const recordSubmission = vi.fn(async () => {
      throw new Error('store down');
    });
    const { service, scope, lines } = serviceWith({ requests: { recordSubmission } });
    await expect(service.submitVerification({ handle: 'rtr-0002', verifications: [idCard] }, scope)).resolves.toMatchObject({ async: false, eventPending: true });
    expect(recordSubmission).toHaveBeenCalledWith(expect.objectContaining({ handle: 'rtr-0002', customer: 'sandbox', requestId: null }));
    expect(lines.join('')).toMatch(/"level":50.*submitContactVerification rtr-0002.*kept in the outbox/);
    const kept = await stores.outbox.peek(10);
    expect(kept.map(({ item }) => item.label)).toContain('submitContactVerification rtr-0002');
    for (const { handle } of kept) await stores.outbox.remove(handle);
  });

  it('hands everything after the accepted write to one recordSubmission call, naming the key but never holding it', async () => {
    const recordSubmission = vi.fn(async () => ({ ...request, status: 'SUBMITTED' as const }));
    const { service, scope } = serviceWith({ requests: { get: async (id) => (id === request.id ? request : null), recordSubmission } });
    const result = await service.submitVerification(
      { handle: 'rtr-0003', requestId: request.id, verifications: [idCard] },
      { ...scope, principal: { name: 'dashboard' } },
    );
    expect(recordSubmission).toHaveBeenCalledWith(
      expect.objectContaining({
        customer: 'sandbox',
        handle: 'rtr-0003',
        requestId: request.id,
        async: false,
        processId: expect.stringMatching(/^\d+$/),
        submittedBy: 'dashboard',
        verifications: [expect.objectContaining({ externalId: 'kyc-9', proof: 'ID_CARD' })],
      }),
    );
    expect(result.request?.status).toBe('SUBMITTED');
  });

  it.each([
    ['a request of another contact', { handle: 'rtr-0004', requestId: request.id, verifications: [idCard] }, ['requestId'], 'CONFLICT'],
    ['an unknown request', { handle: 'rtr-0003', requestId: 'rtr:sandbox:1', verifications: [idCard] }, ['requestId'], 'INVALID_VALUE'],
    ['evidence short of the requested claims', { handle: 'rtr-0003', requestId: request.id, verifications: [{ ...idCard, proof: 'PASSPORT', claims: ['NAME'] }] }, ['verifications'], 'CLAIMS_NOT_COVERED'],
  ])('rejects %s before sending anything', async (_case, input, path, code) => {
    const { service, scope } = serviceWith({ requests: { get: async (id) => (id === request.id ? request : null) } });
    const before = posts();
    const error = (await failureOf(service.submitVerification(input, scope))) as InputRejected;
    expect(error.fieldErrors).toEqual([expect.objectContaining({ path, code })]);
    expect(posts()).toBe(before);
  });
});
