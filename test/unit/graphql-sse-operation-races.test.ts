import { describe, expect, it } from 'vitest';
import { gatedSubscription } from '../helpers/gated-subscription.js';
import { graphqlSseYoga } from '../helpers/graphql-sse-yoga.js';
import type { Principal } from '../../src/schema/context.js';
import { createPerKeySlots } from '../../src/server/per-key-slots.js';
import { useSubscriptionCap } from '../../src/server/use-subscription-cap.js';

/**
 * graphql-sse single-connection mode when an operation's stream or the operation itself goes away while the
 * operation is still being set up (its subscription resolver has not answered yet): the subscription that then
 * starts must end, giving back its SUBSCRIPTIONS_PER_KEY slot, rather than run unseen with the slot held for good.
 */
const PRINCIPAL: Principal = { id: 'key-1', name: 'races', scopes: new Set(['*']), authenticated: true };
const TOKEN_HEADER = 'x-graphql-event-stream-token';

/** A subscription whose resolver waits for the test, and which says when its source was ended. */
function setup() {
  const { schema, entered, open, ended } = gatedSubscription();
  const slots = createPerKeySlots(5);
  const yoga = graphqlSseYoga(schema as never, PRINCIPAL, { after: [useSubscriptionCap(slots) as never] });
  const call = (method: string, token: string, init: { query?: string; body?: string; accept?: string; signal?: AbortSignal } = {}) =>
    yoga.fetch(`http://gateway/graphql${init.query ?? ''}`, {
      method,
      headers: {
        [TOKEN_HEADER]: token,
        accept: init.accept ?? 'application/json',
        ...(init.body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(init.body)) } : {}),
      },
      ...(init.body ? { body: init.body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  const reserve = async () => {
    const response = await yoga.fetch('http://gateway/graphql', { method: 'PUT' });
    expect(response.status).toBe(201);
    return response.text();
  };
  const subscribe = (token: string) => call('POST', token, { body: JSON.stringify({ query: 'subscription { tick }', extensions: { operationId: 'op-1' } }) });
  return { slots, entered, open, ended, call, reserve, subscribe };
}

describe('graphql-sse operations set up while their stream or themselves go away', () => {
  it('ends the subscription of an operation stopped (DELETE) before its resolver answered', async () => {
    const { slots, entered, open, ended, call, reserve, subscribe } = setup();
    const token = await reserve();
    const posted = subscribe(token);
    await entered;
    expect((await call('DELETE', token, { query: '?operationId=op-1' })).status).toBe(200);
    open();
    expect((await posted).status).toBe(204);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual(['returned']);
    expect(slots.held(PRINCIPAL.id)).toBe(0);
  });

  it('ends the subscription of an operation whose stream closed before its resolver answered', async () => {
    const { slots, entered, open, ended, call, reserve, subscribe } = setup();
    const token = await reserve();
    const client = new AbortController();
    const stream = await call('GET', token, { accept: 'text/event-stream', signal: client.signal });
    expect(stream.status).toBe(200);
    const posted = subscribe(token);
    await entered;
    client.abort();
    await stream.body?.cancel().catch(() => undefined);
    open();
    await posted;
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual(['returned']);
    expect(slots.held(PRINCIPAL.id)).toBe(0);
  });
});
