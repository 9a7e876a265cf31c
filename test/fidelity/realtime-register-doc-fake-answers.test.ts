import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { RealtimeRegisterDocFake } from './realtime-register-doc-fake.js';

/**
 * Answers ../shared/providers/realtime-register.md allows (or a proxy in front of the provider produces) that our
 * simulator never sends, through the whole gateway: each becomes contact data or a named ProviderError, never an
 * internal error and never a null that claims the contact does not exist.
 */

const CONTACT = `query C($handle: String!) { contact(provider: REALTIME_REGISTER, handle: $handle) { handle name addressLines postalCode city } }`;
const LIST_PATH = '/v2/customers/docfake/contacts';
const CALLER_KEY = 'doc-fake-answers-key';

function contact(handle: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { handle, name: 'Ann Lee', addressLine: ['Main Street 1'], postalCode: '1234 AB', city: 'Utrecht', country: 'NL', email: 'ann@example.nl', voice: '+31.384530759', ...extra };
}

const page = (entities: unknown[]) => JSON.stringify({ entities, pagination: { limit: entities.length || 1, offset: 0 } });

describe('Realtime Register answers our simulator never sends', () => {
  const fake = new RealtimeRegisterDocFake();
  let gateway: TestGateway;

  beforeAll(async () => {
    const baseUrl = await fake.start();
    gateway = await startTestGateway({
      env: fake.gatewayEnv(baseUrl, CALLER_KEY),
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await fake.stop();
  });

  /** Reads `handle` with the contact list answering `answer` (once; a retried call sees it again). */
  async function readWith(handle: string, answer: { status: number; body: string; headers?: Record<string, string> }) {
    fake.raw.set(LIST_PATH, [answer, answer, answer]);
    try {
      return await gateway.graphql(CONTACT, { handle }, { authorization: `Bearer ${CALLER_KEY}` });
    } finally {
      fake.raw.delete(LIST_PATH);
    }
  }

  it.each([
    ['an HTML page under 200', { status: 200, body: '<html><body>Service moved</body></html>', headers: { 'content-type': 'text/html' } }],
    ['a cut-off JSON body', { status: 200, body: '{"entities":[{"handle":"cut-1","name":"A', headers: { 'content-type': 'application/json' } }],
    ['an empty 200', { status: 200, body: '' }],
    ['an HTML page under 404', { status: 404, body: '<html><body>404 Not Found</body></html>', headers: { 'content-type': 'text/html' } }],
    ['an empty 404', { status: 404, body: '' }],
    ['a 404 for an unknown endpoint', { status: 404, body: JSON.stringify({ type: 'NotFound', message: 'No such endpoint' }), headers: { 'content-type': 'application/json' } }],
    ['a null among the entities', { status: 200, body: page([null]), headers: { 'content-type': 'application/json' } }],
    ['an entity without a handle', { status: 200, body: page([{ name: 'Ann Lee' }]), headers: { 'content-type': 'application/json' } }],
    ['a 9 MiB answer', { status: 200, body: page([contact('odd-1', { name: 'x'.repeat(9 * 1024 * 1024) })]), headers: { 'content-type': 'application/json' } }],
    ['an HTML page under 500', { status: 500, body: '<html><body>Internal error</body></html>', headers: { 'content-type': 'text/html' } }],
  ])('answer %s with a named ProviderError, not "no such contact" and not an internal error', async (_what, answer) => {
    const reply = await readWith('odd-1', answer);
    expect(reply.data.contact).toBeNull();
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]!.extensions).toMatchObject({ code: expect.stringMatching(/^PROVIDER_(ERROR|UNAVAILABLE)$/), provider: 'REALTIME_REGISTER' });
    expect(reply.errors![0]!.message).toMatch(/Realtime Register/);
  });

  it('read a contact whose address is one string and whose fields come as numbers or objects', async () => {
    const odd = contact('odd-2', { addressLine: 'Main Street 1', postalCode: 3511, city: { nl: 'Utrecht' }, name: 'Ann Lee' });
    const reply = await readWith('odd-2', { status: 200, body: page([odd]), headers: { 'content-type': 'application/json' } });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contact).toEqual({ handle: 'odd-2', name: 'Ann Lee', addressLines: ['Main Street 1'], postalCode: '3511', city: null });

    const nulls = contact('odd-3', { addressLine: [null, 'Main Street 1', ''] });
    const second = await readWith('odd-3', { status: 200, body: page([nulls]), headers: { 'content-type': 'application/json' } });
    expect(second.errors).toBeUndefined();
    expect(second.data.contact.addressLines).toEqual(['Main Street 1']);
  });

  it('read an empty entity list as "no such contact", the one answer that says so', async () => {
    const reply = await readWith('none-1', { status: 200, body: JSON.stringify({ entities: [], pagination: { limit: 1, offset: 0, total: 0 } }), headers: { 'content-type': 'application/json' } });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contact).toBeNull();
  });
});

describe('Realtime Register behind a base URL with a path', () => {
  it('starts, and sends every call below that path (a proxy or a test double mounted under a prefix)', async () => {
    const fake = new RealtimeRegisterDocFake();
    fake.mount = '/providers/rtr';
    const baseUrl = await fake.start();
    let gateway: TestGateway | undefined;
    try {
      fake.contacts.set('mnt-1', contact('mnt-1'));
      gateway = await startTestGateway({ env: fake.gatewayEnv(`${baseUrl}/providers/rtr/`, CALLER_KEY) });
      const reply = await gateway.graphql(CONTACT, { handle: 'mnt-1' }, { authorization: `Bearer ${CALLER_KEY}` });
      expect(reply.errors).toBeUndefined();
      expect(reply.data.contact).toMatchObject({ handle: 'mnt-1', name: 'Ann Lee' });
      expect(fake.calls.map((call) => call.rawUrl.split('?')[0])).toContain('/providers/rtr/v2/customers/docfake/contacts');
    } finally {
      await gateway?.stop();
      await fake.stop();
    }
  });
});
