import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';

const LENIENT_INPUT =
  'Input is taken as text and checked by the operation that uses it, so a malformed value comes back as a FieldError ' +
  'with its path (or BAD_USER_INPUT) instead of failing the whole request.';

function parseText(scalar: string, value: unknown): string {
  if (typeof value !== 'string') throw new GraphQLError(`${scalar} must be a string.`, { extensions: { code: 'BAD_USER_INPUT' } });
  return value;
}

builder.scalarType('DateTime', {
  description: `ISO 8601 date-time with offset, always emitted in UTC (e.g. 2026-04-16T00:00:00.000Z). ${LENIENT_INPUT}`,
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}.`);
    return date.toISOString();
  },
  parseValue: (value) => parseText('DateTime', value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string.', { extensions: { code: 'BAD_USER_INPUT' } });
    return ast.value;
  },
});

builder.scalarType('Date', {
  description: `A calendar date, YYYY-MM-DD. ${LENIENT_INPUT}`,
  serialize: (value) => String(value),
  parseValue: (value) => parseText('Date', value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Date must be a string.', { extensions: { code: 'BAD_USER_INPUT' } });
    return ast.value;
  },
});
