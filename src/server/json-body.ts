import { GraphQLError } from 'graphql';
import type { GraphQLParams } from 'graphql-yoga';
import { invalidJsonBody } from './request-parse-errors.js';

/**
 * True for the requests yoga's JSON parser takes (graphql-yoga src/plugins/request-parser/post-json.ts): a POST whose
 * first content type is application/json or application/graphql+json, parameters allowed.
 */
export function isJsonPost(request: Request): boolean {
  if (request.method !== 'POST') return false;
  const type = request.headers.get('content-type')?.split(',')[0];
  if (!type) return false;
  return isType(type, 'application/json') || isType(type, 'application/graphql+json');
}

const isType = (type: string, expected: string): boolean => type === expected || type.startsWith(`${expected};`);

/**
 * A JSON body's GraphQL parameters, with the answers yoga's JSON parser gives: a body that is not JSON is a 400 that
 * quotes none of it (JSON.parse's message would quote the text around the fault), and `null` or a JSON scalar is a
 * 400 naming what came instead. `bytes` is already known to be UTF-8.
 */
export function parseJsonParams(bytes: Buffer): GraphQLParams | GraphQLParams[] {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalidJsonBody();
  }
  if (body === null || typeof body !== 'object') {
    throw new GraphQLError(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`, {
      extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
    });
  }
  return body as GraphQLParams | GraphQLParams[];
}
