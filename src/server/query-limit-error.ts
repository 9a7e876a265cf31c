import { GraphQLError } from 'graphql';

/** What a rejected request hit; the code a client sees in extensions.code beside BAD_USER_INPUT. */
export const QUERY_LIMIT_CODES: ReadonlySet<string> = new Set([
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COSTLY',
  'TOO_MANY_ALIASES',
  'TOO_MANY_DIRECTIVES',
  'TOO_MANY_TOKENS',
  'REQUEST_TOO_LARGE',
  'INTROSPECTION_DISABLED',
] as const);
export type QueryLimitCode = 'QUERY_TOO_DEEP' | 'QUERY_TOO_COSTLY' | 'TOO_MANY_ALIASES' | 'TOO_MANY_DIRECTIVES' | 'TOO_MANY_TOKENS' | 'REQUEST_TOO_LARGE' | 'INTROSPECTION_DISABLED';

/**
 * A 400 that names the limit and the variable that sets it. `spec: false` makes yoga answer 400 even to clients that
 * accept only application/json (where the GraphQL-over-HTTP spec would keep validation errors at 200).
 */
export function queryLimitError(code: QueryLimitCode, message: string, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status, spec: false } } });
}
