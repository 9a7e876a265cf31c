import { createServer, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { afterEach, describe, expect, it } from 'vitest';
import { gatedSubscription } from '../helpers/gated-subscription.js';
import type { Principal } from '../../src/schema/context.js';
import { useAbandonedResponses } from '../../src/server/use-abandoned-responses.js';
import { createPerKeySlots } from '../../src/server/per-key-slots.js';
import { useSubscriptionCap } from '../../src/server/use-subscription-cap.js';

/**
 * A subscription over yoga's own event stream (an Accept that also allows JSON, which the SSE route leaves to yoga)
 * whose client leaves while it is being set up: node never sends the answer, so nothing reads or cancels its body;
 * the subscription must end anyway, giving back its SUBSCRIPTIONS_PER_KEY slot and its source.
 */
const PRINCIPAL: Principal = { id: 'key-1', name: 'abandoned', scopes: new Set(['*']), authenticated: true };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function start() {
  const { schema, entered, open, ended } = gatedSubscription();
  const slots = createPerKeySlots(5);
  const yoga = createYoga<object, { principal: Principal }>({
    schema: schema as never,
    graphqlEndpoint: '/graphql',
    logging: false,
    context: () => ({ principal: PRINCIPAL }),
    plugins: [useSubscriptionCap(slots) as never, useAbandonedResponses()],
  });
  let response!: ServerResponse;
  const closed = new Promise<void>((resolve) => {
    const server = createServer((req, res) => {
      response = res;
      res.once('close', () => resolve());
      void yoga.handle(req, res);
    });
    server.listen(0, '127.0.0.1');
    closers.push(() => new Promise((done) => server.close(() => done())));
    void new Promise<void>((ready) => server.once('listening', ready)).then(() => {
      const { port } = server.address() as AddressInfo;
      const body = JSON.stringify({ query: 'subscription { tick }' });
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(
          `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\naccept: text/event-stream, application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        ),
      );
      socket.on('error', () => undefined);
      // The client leaves once the subscription is being set up.
      void entered.then(() => socket.destroy());
    });
  });
  return { slots, ended, open, closed, response: () => response };
}

describe('an answer whose client left before it was ready', () => {
  it('ends the subscription behind it (slot given back, source returned)', async () => {
    const { slots, ended, open, closed, response } = await start();
    await closed;
    expect(response().headersSent).toBe(false);
    open();
    const deadline = Date.now() + 5_000;
    while (ended.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ended).toEqual(['returned']);
    expect(slots.held(PRINCIPAL.id)).toBe(0);
  });
});
