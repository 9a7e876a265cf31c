import { GraphQLError } from 'graphql';

/** What a caller is told about a body or parameter that is not JSON: where, never what (see requestParseError). */
export const INVALID_JSON_BODY = 'The request body is not valid JSON.';
const INVALID_JSON_PARAMETER = 'The "variables" or "extensions" parameter is not valid JSON.';

/**
 * A request parser's failure as a 400 that quotes none of the request. V8's JSON.parse messages quote the text around
 * the fault ("Unexpected token 'x', ..."4991231999",x}" is not valid JSON") and yoga's JSON parser returns the whole
 * body in `originalError`, so an ID number in a malformed body came straight back; yoga's GET and form parsers let
 * JSON.parse's SyntaxError of `variables` or `extensions` escape as a 500 with a stack in the log.
 * Other GraphQLErrors (yoga's own shape checks, which quote only types) pass unchanged.
 */
export function requestParseError(error: unknown): unknown {
  if (error instanceof SyntaxError) return badRequest(INVALID_JSON_PARAMETER);
  if (error instanceof GraphQLError && error.extensions?.originalError !== undefined) return invalidJsonBody();
  return error;
}

/** True when `text` parses as JSON (bodies that graphql-sse would otherwise quote back in its parse error). */
export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The 400 for a request body that is not JSON (it quotes none of the body). */
export function invalidJsonBody(): GraphQLError {
  return badRequest(INVALID_JSON_BODY);
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}
