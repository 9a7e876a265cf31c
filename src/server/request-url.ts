import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './send-json.js';

/**
 * True when the URL @whatwg-node/server builds for a request it hands yoga (`<scheme>://<Host header><request
 * target>`, its buildFullUrl) parses. A Host header that names no host (`a b`, `[`, a port over 65535) made that build
 * throw before any of yoga's plugins ran: a 500 whose body was the TypeError's stack (whatwg-node's fallback answer),
 * or, on the SSE route (src/server/sse-route.ts), a 500 logged as an error with its stack. Any client can send one;
 * no key is looked at before it.
 */
export function hasParsableUrl(req: IncomingMessage): boolean {
  return URL.canParse(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`);
}

/** The answer to such a request: a client fault, in the GraphQL error shape /graphql answers in. */
export function refuseUnparsableUrl(res: ServerResponse): void {
  sendJson(res, 400, { errors: [{ message: 'The Host header or the request target is not a valid URL.', extensions: { code: 'BAD_REQUEST' } }] });
}
