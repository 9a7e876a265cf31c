import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { AuthScopeFailureType } from '@pothos/plugin-scope-auth';
import type { AuthFailure } from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { Scope } from '../config.js';
import type { GatewayContext } from './context.js';

/**
 * The one Pothos builder. It defines no types (those live one file per domain type, beside their queries and
 * mutations); it only chooses plugins and their global behaviour.
 */
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  /** `scope`: the caller has this scope; `anyScope`: the caller has at least one of these. */
  AuthScopes: { scope: Scope; anyScope: readonly Scope[] };
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
  // Scopes guard root fields (the entry points: checked before anything loads) and node types (so an object reached
  // through another one, an event or node(id:) is still only readable with its scope). A failed check is a FORBIDDEN
  // error on that field: null in its nearest nullable parent, siblings resolve. Subscriptions are checked once, on
  // subscribe. Object types accept the read or the write scope, so a mutation's result is readable by its caller.
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      scope: (scope: Scope) => context.principal.scopes.has(scope),
      anyScope: (scopes: readonly Scope[]) => scopes.some((scope) => context.principal.scopes.has(scope)),
    }),
    unauthorizedError: (_parent, context, info, result) =>
      new GraphQLError(`Not allowed: ${info.parentType.name}.${info.fieldName} needs ${neededScopes(result.failure)}, which this key does not have.`, {
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
    // node(id:) checks the scope of the id's type before loading anything (an id of a type the key may not read
    // costs no upstream call); the type's own scopes still apply to what comes back.
    // An id of any other type (forged, or of a type that is not a node) is simply not found.
    nodeQueryOptions: {
      authScopes: (_root, args) => nodeScope(args.id.typename),
      resolve: (_root, args, _context, _info, resolveNode) => (isNodeType(args.id.typename) ? resolveNode(args.id) : null),
    },
    nodesQueryOptions: {
      resolve: async (_root, args, _context, _info, resolveNodes) => {
        const known = args.ids.map((id) => isNodeType(id.typename));
        // Pothos' helper resolves args.ids whatever it is handed, so narrow args.ids to node types first.
        args.ids = args.ids.filter((_id, index) => known[index]);
        const nodes = args.ids.length ? await resolveNodes(args.ids) : [];
        let next = 0;
        return known.map((isKnown) => (isKnown ? nodes[next++] : null));
      },
    },
  },
});

/** The read scope of each node type, for node(id:). */
const NODE_READ_SCOPES: Record<string, Scope> = {
  Contact: 'contacts:read',
  VerificationRequest: 'contacts:read',
  EmailVerification: 'email:read',
  RegistryCheck: 'registry:read',
};

function isNodeType(typename: string): boolean {
  return Object.hasOwn(NODE_READ_SCOPES, typename);
}

function nodeScope(typename: string): { scope: Scope } | boolean {
  return isNodeType(typename) ? { scope: NODE_READ_SCOPES[typename]! } : true;
}

/** "contacts:read" (or "one of email:read, email:write") from scope-auth's failure report. */
function neededScopes(failure: AuthFailure): string {
  const scopes = new Set<string>();
  const collect = (item: AuthFailure) => {
    if (item.kind === AuthScopeFailureType.AuthScope) {
      if (item.scope === 'scope') scopes.add(String(item.parameter));
      else if (item.scope === 'anyScope' && Array.isArray(item.parameter)) for (const scope of item.parameter) scopes.add(String(scope));
    } else if (item.kind === AuthScopeFailureType.AnyAuthScopes || item.kind === AuthScopeFailureType.AllAuthScopes) {
      for (const inner of item.failures) collect(inner);
    }
  };
  collect(failure);
  const list = [...scopes];
  if (list.length === 0) return 'a scope';
  return list.length === 1 ? `the scope ${list[0]}` : `one of the scopes ${list.join(', ')}`;
}

builder.queryType({ description: 'Reads across the four providers.' });
builder.mutationType({ description: 'Writes: every result is a union of a success type and the errors it can meet.' });
builder.subscriptionType({ description: 'Live events over GraphQL over SSE and graphql-transport-ws.' });
