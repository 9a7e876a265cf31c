import SchemaBuilder, { brandWithType } from '@pothos/core';
import type { OutputType, SchemaTypes } from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
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
  // Scopes guard root fields (the entry points: checked before anything loads) and every object type (so an object
  // reached through another one, an event, node(id:) or nodes(ids:) is still only readable with its read scope). Type
  // scopes run when an object is completed (runScopesOnType), before any of its fields, `__typename` included: a
  // refused object is a FORBIDDEN error on the field that returned it, null in its nearest nullable parent, and its
  // siblings resolve. Subscriptions are checked once, on subscribe. A write scope never reads what a read scope
  // guards; a mutation's own result is readable to its writer only as far as ownResultScopes says.
  scopeAuth: {
    authorizeOnSubscribe: true,
    runScopesOnType: true,
    authScopes: (context) => ({
      scope: (scope: Scope) => context.principal.scopes.has(scope),
      anyScope: (scopes: readonly Scope[]) => scopes.some((scope) => context.principal.scopes.has(scope)),
    }),
    unauthorizedError: (_parent, context, info, result) => forbidden(context, `${info.parentType.name}.${info.fieldName}`, neededScopes(result.failure)),
  },
  errors: {
    defaultTypes: [],
    defaultUnionOptions: { description: 'The success type, or one of the errors (as data) this mutation can return.' },
  },
  relay: {
    // A malformed id decodes to a typename no type has, instead of throwing while Pothos parses the arguments: that
    // throw failed all of nodes(ids:), a non-null list, and with it the response's data, for one bad id among good
    // ones. node(id:) and nodes(ids:) answer it with BAD_USER_INPUT in its own place.
    decodeGlobalID: (globalID) => {
      try {
        return decodeGlobalID(globalID);
      } catch {
        return { typename: MALFORMED_ID, id: '' };
      }
    },
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeTypeOptions: { description: 'An object with a global id, fetchable with `node(id:)`.' },
    pageInfoTypeOptions: { description: 'Where a page sits in its connection.' },
    // node(id:) checks the scope of the id's type before loading anything (an id of a type the key may not read
    // costs no upstream call); the type's own scopes still apply to what comes back.
    // An id of any other type (forged, or of a type that is not a node) is simply not found.
    nodeQueryOptions: {
      authScopes: (_root, args) => nodeScope(args.id.typename),
      resolve: (_root, args, _context, _info, resolveNode) => {
        if (args.id.typename === MALFORMED_ID) throw malformedId();
        return isNodeType(args.id.typename) ? resolveNode(args.id) : null;
      },
    },
    // nodes(ids:) applies node(id:)'s rule to each id before loading any: another type's id is null, an id of a type
    // the key may not read is a FORBIDDEN error in its slot, a malformed id a BAD_USER_INPUT error in its slot, and
    // none costs an upstream call.
    nodesQueryOptions: {
      resolve: async (_root, args, context, _info, resolveNodes) => {
        const slots = args.ids.map((id) => {
          if (id.typename === MALFORMED_ID) return malformedId();
          if (!isNodeType(id.typename)) return null;
          const scope = NODE_READ_SCOPES[id.typename]!;
          return context.principal.scopes.has(scope) ? id : forbidden(context, 'Query.nodes', `the scope ${scope}`);
        });
        // Pothos' helper resolves args.ids whatever it is handed, so narrow args.ids to the readable ones first.
        args.ids = slots.filter((slot): slot is (typeof args.ids)[number] => slot !== null && !(slot instanceof GraphQLError));
        const readable = args.ids;
        const loaded = readable.length ? await resolveNodes(readable) : [];
        // A second nodes(ids:) of the same request gets the first one's load from Pothos' request cache while it is
        // still pending, and Pothos marks an object with its type only once that load settles: graphql-js then met an
        // unmarked object ("Abstract type Node must resolve to an Object type"). Settle and mark each one here.
        const nodes = await Promise.all(loaded.map(async (value, index) => withNodeType(await value, readable[index]!.typename)));
        let next = 0;
        return slots.map((slot) => (slot === null || slot instanceof GraphQLError ? slot : nodes[next++])) as never;
      },
    },
  },
});

/** The typename a malformed global id decodes to: no type has it (a GraphQL name cannot start with a NUL). */
const MALFORMED_ID = '\0malformed';

/** What node(id:) and nodes(ids:) answer for a malformed id: what was wrong, never the value (it may be anything). */
function malformedId(): GraphQLError {
  return new GraphQLError('Invalid global ID: not an id this API issued.', { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The read scope of each node type, for node(id:). */
const NODE_READ_SCOPES: Record<string, Scope> = {
  Contact: 'contacts:read',
  VerificationRequest: 'contacts:read',
  EmailVerification: 'email:read',
  RegistryCheck: 'registry:read',
};

/** Marks a loaded object with its node type (idempotent); null and a slot's Error pass as they are. */
function withNodeType<T>(value: T, typename: string): T {
  if (typeof value === 'object' && value !== null && !(value instanceof Error)) brandWithType(value, typename as OutputType<SchemaTypes>);
  return value;
}

function isNodeType(typename: string): boolean {
  return Object.hasOwn(NODE_READ_SCOPES, typename);
}

function nodeScope(typename: string): { scope: Scope } | boolean {
  return isNodeType(typename) ? { scope: NODE_READ_SCOPES[typename]! } : true;
}

/**
 * The type scopes of an object a mutation can return: its read scope, or (for an object the caller's own mutation
 * created from its input in this request, marked in context.ownResults) the write scope too. So createContact and
 * validateRegistry show their writer what it just wrote, while node(id:), nodes(ids:), events and every other path
 * still need the read scope. Fields that reach further (a check's person, a contact's email verifications) carry
 * their own read scopes.
 */
export function ownResultScopes<T extends object>(read: Scope, write: Scope) {
  return (parent: T, context: GatewayContext) => (context.ownResults.has(parent) ? { anyScope: [read, write] as const } : { scope: read });
}

/** The FORBIDDEN error (UNAUTHENTICATED in the open sandbox, which never lacks a scope) naming what was needed. */
function forbidden(context: GatewayContext, field: string, needed: string): GraphQLError {
  return new GraphQLError(`Not allowed: ${field} needs ${needed}, which this key does not have.`, {
    extensions: { code: context.principal.authenticated ? 'FORBIDDEN' : 'UNAUTHENTICATED' },
  });
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
