import { GraphQLError } from 'graphql';
import type { ExecutionResult } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';

/** A result as yoga hands it to a result processor: maybe with its own serializer (graphql-jit, response caches). */
export type SerializableResult = ExecutionResult & { stringify?: (result: ExecutionResult) => string };

/**
 * One result as the JSON yoga writes on every transport: the same as graphql-yoga's
 * `jsonStringifyResultWithoutInternals` (src/plugins/result-processor/stringify.ts, not exported by the package), so a
 * stream written by src/server/sse-writer.ts is byte for byte what yoga's own SSE processor would send. Yoga's
 * internal error extensions (`http`: status and headers for the response; `unexpected`) never reach the client.
 */
export function resultJson(result: SerializableResult): string {
  const stringify = result.stringify ?? JSON.stringify;
  if (!result.errors?.length && !hasHttpExtension(result)) return stringify(result);
  const clean: ExecutionResult = { ...result };
  if (clean.errors) clean.errors = clean.errors.map((error) => (error instanceof GraphQLError ? withoutInternals(error) : error));
  if (clean.extensions) {
    const { http: _http, ...extensions } = clean.extensions;
    clean.extensions = Object.keys(extensions).length ? extensions : undefined;
  }
  return stringify(clean);
}

function hasHttpExtension(result: ExecutionResult): boolean {
  return result.extensions !== undefined && result.extensions !== null && 'http' in result.extensions && result.extensions.http !== undefined;
}

function withoutInternals(error: GraphQLError): GraphQLError {
  const { http: _http, unexpected: _unexpected, ...extensions } = error.toJSON().extensions ?? {};
  const original = error.originalError;
  return createGraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: original instanceof GraphQLError ? withoutInternals(original) : original,
    extensions: Object.keys(extensions).length ? extensions : undefined,
  });
}
