import { isUtf8 } from 'node:buffer';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Clear answers where yoga's are terse or missing: a body over GRAPHQL_MAX_BODY_BYTES (yoga enforces the limit for
 * declared and streamed bodies alike; this names it) is a 413; a POST in a content type nobody parses is a 415 that
 * says what to send instead of an empty body; a body that is not valid UTF-8 is a 400 (a lenient decoder would
 * otherwise turn the bytes into U+FFFD and execute whatever remains).
 */
export function useRequestShapeMessages(maxBodyBytes: number): Plugin {
  const tooLarge = () =>
    new GraphQLError(`The request body is larger than ${maxBodyBytes} bytes (GRAPHQL_MAX_BODY_BYTES).`, {
      extensions: { code: 'REQUEST_TOO_LARGE', http: { status: 413 } },
    });
  const notUtf8 = () => new GraphQLError('The request body is not valid UTF-8.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBodyBytes) throw tooLarge();
      if (!requestParser) {
        if (request.method !== 'POST') return;
        const type = (request.headers.get('content-type') ?? 'none').split(';')[0]!.trim().slice(0, 100);
        throw new GraphQLError(`Unsupported content type "${type}": send application/json (or application/graphql).`, {
          extensions: { code: 'BAD_REQUEST', http: { status: 415 } },
        });
      }
      setRequestParser(async (req) => {
        try {
          if (req.method !== 'POST' || !req.body) return await requestParser(req);
          // Yoga's size limit wraps this parser, so reading the whole body here is bounded.
          const bytes = new Uint8Array(await req.arrayBuffer());
          if (!isUtf8(bytes)) throw notUtf8();
          return await requestParser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body: bytes }));
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.code === 'REQUEST_ENTITY_TOO_LARGE') throw tooLarge();
          throw error;
        }
      });
    },
  };
}
