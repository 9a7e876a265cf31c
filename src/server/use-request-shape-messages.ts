import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BodyTooLarge, readBody, readStreamBody } from './read-body.js';
import { isJsonPost, parseJsonParams } from './json-body.js';
import { requestParseError } from './request-parse-errors.js';
import { maskedHead } from '../domain/digit-runs.js';

/**
 * Reads a GraphQL request's body once, bounded, and answers clearly where yoga's answers are terse or missing: a body
 * over GRAPHQL_MAX_BODY_BYTES is a 413 naming the limit, whether Content-Length declares it or a streamed (chunked)
 * body reaches it; a POST in a content type nobody parses is a 415 that says what to send instead of an empty body; a
 * body that is not valid UTF-8 is a 400 (a lenient decoder would otherwise turn the bytes into U+FFFD and execute
 * whatever remains); a body, or a GET or form `variables`/`extensions` parameter, that is not JSON is a 400 that
 * quotes none of it (src/server/request-parse-errors.ts).
 *
 * This is the gateway's only body limit (yoga's own maxRequestBodySize is off, see src/server/yoga.ts): yoga's pipes the
 * body through a TransformStream and a stream pipeline with an AbortController per request, about a tenth of a cached
 * request's CPU, and the UTF-8 check needs the whole body anyway. Under node:http the bytes come straight from the
 * incoming message; the parser yoga chose then reads them from memory.
 */
export function useRequestShapeMessages(maxBodyBytes: number, batching = false): Plugin {
  const tooLarge = () =>
    new GraphQLError(`The request body is larger than ${maxBodyBytes} bytes (GRAPHQL_MAX_BODY_BYTES).`, {
      extensions: { code: 'REQUEST_TOO_LARGE', http: { status: 413 } },
    });
  // Yoga's own answer ("Batching is not supported.") reads as a gateway that cannot batch; this one is a setting.
  const batchingOff = () =>
    new GraphQLError('Batching is off on this gateway: send one operation per request (GRAPHQL_BATCHING=true accepts up to 10 in a JSON array).', {
      extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
    });
  const notUtf8 = () => new GraphQLError('The request body is not valid UTF-8.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
  // Only one non-negative integer is a valid Content-Length (what yoga's limit checked): several comma-joined values are
  // how request smuggling starts. node:http refuses them itself; this covers requests handed to yoga in process.
  const invalidLength = () => new GraphQLError('Content-Length header is invalid.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
  return {
    onRequestParse({ request, requestParser, setRequestParser, serverContext, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d+$/.test(declared)) throw invalidLength();
        if (Number(declared) > maxBodyBytes) throw tooLarge();
      }
      if (!requestParser) {
        if (request.method !== 'POST') return;
        // Quoted to say which type was refused, but it is the caller's header: its long digit runs are masked.
        const type = maskedHead((request.headers.get('content-type') ?? 'none').split(';')[0]!.trim(), 100);
        throw new GraphQLError(`Unsupported content type "${type}": send application/json (or application/graphql).`, {
          extensions: { code: 'BAD_REQUEST', http: { status: 415 } },
        });
      }
      // GET carries its parameters in the URL: its parser only needs its errors made quiet.
      if (request.method !== 'POST') {
        setRequestParser(async (req) => {
          try {
            return await requestParser(req);
          } catch (error) {
            throw requestParseError(error);
          }
        });
        return;
      }
      const incoming = unreadIncoming((serverContext as { req?: unknown } | undefined)?.req);
      setRequestParser(async (req) => {
        let bytes: Buffer;
        try {
          bytes = incoming ? await readBody(incoming, maxBodyBytes) : req.body ? await readStreamBody(req.body, maxBodyBytes) : Buffer.alloc(0);
        } catch (error) {
          if (error instanceof BodyTooLarge) throw tooLarge();
          throw error;
        }
        if (!isUtf8(bytes)) throw notUtf8();
        let parsed: Awaited<ReturnType<typeof requestParser>>;
        try {
          // A JSON body (nearly every request) is parsed here, as yoga's JSON parser would, without a second Request
          // and its headers and body objects made only to be read back; other types go to the parser yoga chose.
          parsed = isJsonPost(req) ? parseJsonParams(bytes) : await requestParser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body: bytes as Uint8Array<ArrayBuffer> }));
        } catch (error) {
          throw requestParseError(error);
        }
        if (!batching && Array.isArray(parsed)) throw batchingOff();
        return parsed;
      });
    },
  };
}

/** node:http's request when nothing has read its body yet (the Fetch request yoga holds reads it only on demand). */
function unreadIncoming(req: unknown): IncomingMessage | null {
  const incoming = req as IncomingMessage | undefined;
  if (!incoming || typeof incoming.on !== 'function' || incoming.readableDidRead || incoming.readableEnded) return null;
  return incoming;
}
