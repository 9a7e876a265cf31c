import type { Plugin } from 'graphql-yoga';

/**
 * An answer whose client left while it was being made (the request's signal aborted when node saw the socket close):
 * node never sends it, so nothing reads or cancels its body, and a subscription's event stream behind that body would
 * run unseen for good, holding its SUBSCRIPTIONS_PER_KEY slot and its event-log listener. Its body is ended instead,
 * which ends the subscription as a client that goes away later ends it. Checked when yoga hands the answer over: node
 * sends it (or drops it) in the same turn, so a socket closing afterwards is node's to handle.
 */
export function useAbandonedResponses(): Plugin {
  return {
    onResponse({ request, response }) {
      if (request.signal?.aborted && response.body) endBody(response.body).catch(() => undefined);
    },
  };
}

/**
 * Read once, then cancelled: yoga's event stream sets up its iterator only when first read, and a cancel before that
 * fails (its cancel() calls return() on an iterator it does not have yet) and ends nothing.
 */
async function endBody(body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  try {
    await reader.read();
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
