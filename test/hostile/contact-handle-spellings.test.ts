import { describe, expect, it } from 'vitest';
import type { Contact } from '../../src/domain/contact.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { RealtimeRegisterClient } from '../../src/providers/realtime-register/client.js';
import { RealtimeRegisterContactBatcher } from '../../src/services/realtime-register-contact-batcher.js';

/**
 * Realtime Register contact reads of every request in a process share list calls (`handle:in=`), and whether RTR
 * matches handles across case is unpublished. Against a provider that does, two spellings of one handle in a batch
 * (one key asking for `ABC` and `abc`, or two keys in the same turn) must not be taken for a provider ignoring the
 * filter: that switches every later read, of every key, to one call per handle for the life of the process.
 */
const scope = { requestId: 'req-spellings', logger: silentLogger() };

/** Honours handle:in the way a case-insensitive provider would, answering with its stored spelling; counts calls. */
function caseInsensitiveProvider(stored: string[]) {
  const calls = { list: 0, single: 0 };
  const client = {
    async listContacts(query: { handles: string[] }) {
      calls.list += 1;
      const asked = new Set(query.handles.map((handle) => handle.toLowerCase()));
      return { contacts: stored.filter((handle) => asked.has(handle.toLowerCase())).map((handle) => ({ handle }) as Contact) };
    },
    async getContact(handle: string) {
      calls.single += 1;
      const match = stored.find((candidate) => candidate.toLowerCase() === handle.toLowerCase());
      return match ? ({ handle: match } as Contact) : null;
    },
  } as unknown as RealtimeRegisterClient;
  return { calls, batcher: new RealtimeRegisterContactBatcher(() => client) };
}

const OTHER_KEYS_HANDLES = Array.from({ length: 40 }, (_, index) => `rtr-${String(index).padStart(4, '0')}`);

describe('two spellings of one handle in a shared Realtime Register read', () => {
  it('from one request are both answered with the contact, and later reads still go 100 handles a call', async () => {
    const { calls, batcher } = caseInsensitiveProvider(['Abc-1', ...OTHER_KEYS_HANDLES]);
    const found = await batcher.load('acme', ['ABC-1', 'abc-1'], scope);
    expect([...found.keys()].sort()).toEqual(['ABC-1', 'abc-1']);
    expect(found.get('abc-1')).toMatchObject({ handle: 'Abc-1', customer: 'acme' });

    calls.list = 0;
    const later = await batcher.load('acme', OTHER_KEYS_HANDLES, scope);
    expect(later.size).toBe(OTHER_KEYS_HANDLES.length);
    expect(calls).toEqual({ list: 1, single: 0 });
    expect(batcher.handlesPerCall).toBe(100);
  });

  it('from two requests of one turn do not cost a third request one call per handle', async () => {
    const { calls, batcher } = caseInsensitiveProvider(['Abc-1', ...OTHER_KEYS_HANDLES]);
    const [first, second] = await Promise.all([batcher.load('acme', ['ABC-1'], scope), batcher.load('acme', ['abc-1'], scope)]);
    expect(first.get('ABC-1')?.handle).toBe('Abc-1');
    expect(second.get('abc-1')?.handle).toBe('Abc-1');

    calls.list = 0;
    await batcher.load('acme', OTHER_KEYS_HANDLES, scope);
    expect(calls).toEqual({ list: 1, single: 0 });
  });

  it('still switches to single reads for a provider that answers contacts nobody asked for', async () => {
    const client = {
      async listContacts() {
        return { contacts: [{ handle: 'someone-else' } as Contact] };
      },
      async getContact(handle: string) {
        return { handle } as Contact;
      },
    } as unknown as RealtimeRegisterClient;
    const ignoring = new RealtimeRegisterContactBatcher(() => client);
    expect((await ignoring.load('acme', ['abc-1'], scope)).get('abc-1')?.handle).toBe('abc-1');
    expect(ignoring.handlesPerCall).toBe(1);
  });
});
