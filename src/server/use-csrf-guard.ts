import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * CSRF prevention for browsers (@graphql-yoga/plugin-csrf-prevention): a request a page could send without a CORS
 * preflight (a GET, or a POST as a form or text/plain) must carry `x-graphql-yoga-csrf` or `Authorization`, headers
 * a form or an <img> cannot set. JSON POSTs (GraphiQL, graphql-sse's client, every GraphQL client) are preflighted
 * and pass; keyed callers pass by their Authorization header.
 *
 * One exception: GET with `Accept: text/event-stream`, which is how a browser EventSource subscribes (it cannot
 * set headers). That request can only subscribe (yoga refuses mutations over GET with 405), so it changes nothing.
 */
export function useCsrfGuard(): Plugin {
  const csrf = useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] });
  return {
    onRequestParse(payload) {
      const { request } = payload;
      if (request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/event-stream')) return;
      try {
        return csrf.onRequestParse?.(payload);
      } catch {
        throw new GraphQLError(
          'This request could come from any web page (no preflight): send an x-graphql-yoga-csrf header (any value) or your Authorization header, or POST application/json.',
          { extensions: { code: 'CSRF_HEADER_MISSING', http: { status: 403 } } },
        );
      }
    },
  };
}
