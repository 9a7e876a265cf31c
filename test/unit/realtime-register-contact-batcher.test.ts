import { describe, expect, it } from 'vitest';
import type { Contact } from '../../src/domain/contact.js';
import { NotFound, ProviderFailure } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { RealtimeRegisterClient } from '../../src/providers/realtime-register/client.js';
import { RealtimeRegisterContactBatcher } from '../../src/services/realtime-register-contact-batcher.js';

const scope = { requestId: 'req-1', logger: silentLogger() };

/** A client double whose list call answers from `known`, fails for handles in `failing`, and records every call. */
function clientWith(known: string[], failing: string[] = []) {
  const calls: { customer: string; handles: string[] }[] = [];
  const client = {
    async listContacts(query: { handles: string[] }, options: { customer: string }) {
      calls.push({ customer: options.customer, handles: query.handles });
      if (options.customer === 'gone') throw new NotFound('REALTIME_REGISTER', 'no such customer');
      if (query.handles.some((handle) => failing.includes(handle))) {
        throw new ProviderFailure('REALTIME_REGISTER', 'Realtime Register failed', { kind: 'UNAVAILABLE', retryable: true });
      }
      return { contacts: query.handles.filter((handle) => known.includes(handle)).map((handle) => ({ handle }) as Contact) };
    },
  } as unknown as RealtimeRegisterClient;
  return { calls, batcher: new RealtimeRegisterContactBatcher(() => client) };
}

describe('RealtimeRegisterContactBatcher', () => {
  it('reads the misses of one turn in one call per customer, each caller answered with its own contacts', async () => {
    const { calls, batcher } = clientWith(['a', 'b', 'c']);
    const [first, second, other] = await Promise.all([
      batcher.load('acme', ['a', 'x'], scope),
      batcher.load('acme', ['b', 'a'], scope),
      batcher.load('other', ['c'], scope),
    ]);
    expect(calls).toEqual([
      { customer: 'acme', handles: ['a', 'x', 'b'] },
      { customer: 'other', handles: ['c'] },
    ]);
    expect([...first.keys()]).toEqual(['a']);
    expect([...second.keys()].sort()).toEqual(['a', 'b']);
    expect(second.get('b')).toMatchObject({ handle: 'b', customer: 'acme' });
    expect([...other.keys()]).toEqual(['c']);
  });

  it('starts a new batch once a turn has passed', async () => {
    const { calls, batcher } = clientWith(['a', 'b']);
    await batcher.load('acme', ['a'], scope);
    await batcher.load('acme', ['b'], scope);
    expect(calls).toHaveLength(2);
  });

  it('sends a batch as soon as it holds eight callers; later callers of the same turn share the next call', async () => {
    const handles = Array.from({ length: 12 }, (_, index) => `h${index}`);
    const { calls, batcher } = clientWith(handles);
    const answers = handles.map((handle) => batcher.load('acme', [handle], scope));
    // The first eight left before the turn ended: their call is on its way while the other four still wait.
    expect(calls.map((call) => call.handles)).toEqual([handles.slice(0, 8)]);
    const found = await Promise.all(answers);
    expect(calls.map((call) => call.handles)).toEqual([handles.slice(0, 8), handles.slice(8)]);
    expect(found.map((contacts) => [...contacts.keys()])).toEqual(handles.map((handle) => [handle]));
  });

  it('fails only the callers whose handles rode in the failed call', async () => {
    const handles = Array.from({ length: 150 }, (_, index) => `h${index}`);
    const { calls, batcher } = clientWith(handles, ['h120']);
    const [early, late] = await Promise.allSettled([batcher.load('acme', handles.slice(0, 100), scope), batcher.load('acme', handles.slice(100), scope)]);
    expect(calls.map((call) => call.handles.length)).toEqual([100, 50]);
    expect(early).toMatchObject({ status: 'fulfilled' });
    expect((early as PromiseFulfilledResult<Map<string, Contact>>).value.size).toBe(100);
    expect(late).toMatchObject({ status: 'rejected', reason: expect.any(ProviderFailure) });
  });

  it('answers a customer the provider does not know with no contacts rather than an error', async () => {
    const { batcher } = clientWith([]);
    expect((await batcher.load('gone', ['a'], scope)).size).toBe(0);
  });
});

describe('RealtimeRegisterContactBatcher against a provider that repeats a capped page', () => {
  it('stops after as many contacts as handles were asked for, instead of paging forever', async () => {
    let calls = 0;
    // Caps every page at one contact and ignores the offset: the same full page, again and again.
    const client = {
      async listContacts() {
        calls += 1;
        return { contacts: [{ handle: 'a' } as Contact], limit: 1 };
      },
    } as unknown as RealtimeRegisterClient;
    const batcher = new RealtimeRegisterContactBatcher(() => client);
    expect([...(await batcher.load('acme', ['a', 'b', 'c'], scope)).keys()]).toEqual(['a']);
    expect(calls).toBe(3);
  });
});

describe('RealtimeRegisterContactBatcher against a provider that caps its pages below the limit asked for', () => {
  it('reads on past the capped page once, then cuts later batches to the cap and charges by it', async () => {
    const cap = 2;
    const calls: string[][] = [];
    // Honours handle:in, limit and offset, but never answers more than `cap` contacts a page (and says so).
    const client = {
      async listContacts(query: { handles: string[]; offset?: number }) {
        calls.push(query.handles);
        const offset = query.offset ?? 0;
        return { contacts: query.handles.slice(offset, offset + cap).map((handle) => ({ handle }) as Contact), limit: cap };
      },
    } as unknown as RealtimeRegisterClient;
    const batcher = new RealtimeRegisterContactBatcher(() => client);
    expect(batcher.handlesPerCall).toBe(100);

    const first = await batcher.load('acme', ['a', 'b', 'c', 'd', 'e'], scope);
    expect([...first.keys()]).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(calls).toHaveLength(3); // one call of five handles, read on for two more pages
    expect(batcher.handlesPerCall).toBe(cap);

    calls.length = 0;
    const second = await batcher.load('acme', ['f', 'g', 'h', 'i'], scope);
    expect([...second.keys()]).toEqual(['f', 'g', 'h', 'i']);
    expect(calls).toEqual([['f', 'g'], ['h', 'i']]);
  });
});
