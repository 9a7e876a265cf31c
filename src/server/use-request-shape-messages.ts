import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Clear answers where yoga's are terse: a body over GRAPHQL_MAX_BODY_BYTES (yoga enforces the limit for declared
 * and streamed bodies alike; this names it) is a 413, and a POST in a content type nobody parses is a 415 that says
 * what to send instead of an empty body.
 */
export function useRequestShapeMessages(maxBodyBytes: number): Plugin {
  const tooLarge = () =>
    new GraphQLError(`The request body is larger than ${maxBodyBytes} bytes (GRAPHQL_MAX_BODY_BYTES).`, {
      extensions: { code: 'REQUEST_TOO_LARGE', http: { status: 413 } },
    });
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
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
          return await requestParser(req);
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.code === 'REQUEST_ENTITY_TOO_LARGE') throw tooLarge();
          throw error;
        }
      });
    },
  };
}
