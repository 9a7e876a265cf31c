import { describe, expect, it } from 'vitest';
import { gatedSubscription } from '../helpers/gated-subscription.js';
import { graphqlSseYoga } from '../helpers/graphql-sse-yoga.js';
import type { Principal } from '../../src/schema/context.js';
import { createPerKeySlots } from '../../src/server/per-key-slots.js';

/**
 * A graphql-sse stream reserved (PUT) holds one of its key's SOCKETS_PER_KEY slots. A client that reserves and never
 * opens the stream must not keep that slot: the reservation expires, and its token is then refused like any unknown
 * one. A stream opened in time is not expired under its client.
 */
const PRINCIPAL: Principal = { id: 'key-1', name: 'expiry', scopes: new Set(['*']), authenticated: true };
const TOKEN_HEADER = 'x-graphql-event-stream-token';
const TTL_MS = 50;

function setup() {
  const { schema } = gatedSubscription();
  const slots = createPerKeySlots(2);
  const yoga = graphqlSseYoga(schema as never, PRINCIPAL, { sse: { reservationTtlMs: TTL_MS, streamSlots: slots } });
  const reserve = async () => {
    const response = await yoga.fetch('http://gateway/graphql', { method: 'PUT' });
    expect(response.status).toBe(201);
    return response.text();
  };
  const open = (token: string, signal?: AbortSignal) =>
    yoga.fetch(`http://gateway/graphql?token=${encodeURIComponent(token)}`, { method: 'GET', headers: { accept: 'text/event-stream', [TOKEN_HEADER]: token }, ...(signal ? { signal } : {}) });
  return { slots, reserve, open };
}

/** Waits (without a time bound the test depends on) until the reservations' timers have run. */
async function pastTheReservationTtl(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, TTL_MS * 4));
}

describe('a graphql-sse stream reserved and never opened', () => {
  it('gives back its key\'s slot when the reservation expires, so the key can reserve again', async () => {
    const { slots, reserve } = setup();
    await reserve();
    await reserve();
    expect(slots.held(PRINCIPAL.id)).toBe(2);
    await pastTheReservationTtl();
    expect(slots.held(PRINCIPAL.id)).toBe(0);
    await reserve();
    expect(slots.held(PRINCIPAL.id)).toBe(1);
  });

  it('is refused once expired, with the answer an unknown token gets', async () => {
    const { reserve, open } = setup();
    const token = await reserve();
    await pastTheReservationTtl();
    const late = await open(token);
    expect(late.status).toBe(404);
    expect(await late.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
  });
});

describe('a graphql-sse stream opened before its reservation would expire', () => {
  it('stays open past the reservation\'s lifetime and holds its slot until its client goes, its token then unknown', async () => {
    const { slots, reserve, open } = setup();
    const token = await reserve();
    const client = new AbortController();
    const stream = await open(token, client.signal);
    expect(stream.status).toBe(200);
    await pastTheReservationTtl();
    expect(slots.held(PRINCIPAL.id)).toBe(1);
    client.abort();
    await stream.body?.cancel().catch(() => undefined);
    for (let turn = 0; turn < 100 && slots.held(PRINCIPAL.id) > 0; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(slots.held(PRINCIPAL.id)).toBe(0);
    expect((await open(token)).status).toBe(404);
  });
});
