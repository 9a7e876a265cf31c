import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { Scope } from '../config.js';
import type { GatewayContext } from './context.js';

/**
 * The one Pothos builder. It defines no types (those live one file per domain type, beside their queries and
 * mutations); it only chooses plugins and their global behaviour.
 */
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  AuthScopes: { scope: Scope };
  DefaultFieldNullability: false;
  Scalars: {
    /** Input stays raw text: the operation that takes it validates it and reports a FieldError with a path. */
    DateTime: { Input: string; Output: string | Date };
    Date: { Input: string; Output: string };
  };
}>({
  // scope-auth first, so authorization runs before the other plugins' wrappers.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => ({ scope: (scope: Scope) => context.principal.scopes.has(scope) }),
    unauthorizedError: (_parent, context, info) =>
      new GraphQLError(`Not allowed: ${info.parentType.name}.${info.fieldName} needs a scope this key does not have.`, {
        extensions: { code: context.principal.authenticated ? 'FORBIDDEN' : 'UNAUTHENTICATED' },
      }),
  },
  errors: {
    defaultTypes: [],
    defaultUnionOptions: { description: 'The success type, or one of the errors (as data) this mutation can return.' },
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeTypeOptions: { description: 'An object with a global id, fetchable with `node(id:)`.' },
    pageInfoTypeOptions: { description: 'Where a page sits in its connection.' },
  },
});

builder.queryType({ description: 'Reads across the four providers.' });
builder.mutationType({ description: 'Writes: every result is a union of a success type and the errors it can meet.' });
builder.subscriptionType({ description: 'Live events over GraphQL over SSE and graphql-transport-ws.' });
