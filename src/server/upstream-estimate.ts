import { decodeGlobalID } from '@pothos/plugin-relay';
import { getOperationAST, Kind } from 'graphql';
import type { DocumentNode, FieldNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import { parseContactKey } from '../domain/contact.js';
import type { Provider } from '../domain/providers.js';
import { PROVIDERS } from '../domain/providers.js';
import { OPENPROVIDER_CUSTOMER_LIST_MAX_LIMIT } from '../providers/openprovider/wire.js';
import { LIST_LIMIT_MAX } from '../providers/realtime-register/assumptions.js';
import { variablesWithDefaults } from './variable-defaults.js';

/**
 * The upstream calls an operation's direct lookups need on a cold cache, per provider, known before anything runs:
 * `contact`, `contacts(handles:)`, `node(id:)` and `nodes(ids:)` at the root (aliases and fragments included).
 * Domain Name API has no batch read, so each distinct handle is one call; Realtime Register reads up to LIST_LIMIT_MAX
 * handles of one customer per call (`handle:in=`); Openprovider's customer list holds up to 1000 a page, so N handles
 * need at least ceil(N / 1000) calls (what they really cost depends on the reseller's customer count, known only once
 * the list is read: src/services/openprovider-customer-reads.ts). An email-verification id is one call.
 *
 * Nested reads (a page of events and the contacts they name) depend on data and are counted as they happen
 * (src/server/upstream-budget.ts); this is the static half that answers QUERY_TOO_COSTLY before execution.
 */
export function upstreamCallEstimate(
  document: DocumentNode,
  operationName: string | null | undefined,
  sentVariables: Readonly<Record<string, unknown>> | null | undefined,
): Map<Provider, number> {
  const calls = new Map<Provider, number>();
  const operation = queryOperation(document, operationName);
  if (!operation) return calls;
  // A list of handles written as the variable's default is as many lookups as one sent with the request.
  const variables = variablesWithDefaults(operation, sentVariables);

  /** Distinct handles per provider and customer; email-verification lookups per provider. */
  const handles = new Map<string, { provider: Provider; set: Set<string> }>();
  const addHandle = (provider: Provider, customer: string | null, handle: string) => {
    const group = `${provider}:${customer ?? ''}`;
    let entry = handles.get(group);
    if (!entry) handles.set(group, (entry = { provider, set: new Set() }));
    entry.set.add(handle);
  };
  const addId = (id: unknown) => {
    if (typeof id !== 'string' || id.length > 2048) return;
    let decoded: { typename: string; id: string };
    try {
      decoded = decodeGlobalID(id);
    } catch {
      return;
    }
    if (decoded.typename === 'Contact') {
      const key = parseContactKey(decoded.id);
      if (key) addHandle(key.provider, key.customer, key.handle);
    } else if (decoded.typename === 'EmailVerification') {
      const provider = decoded.id.slice(0, decoded.id.indexOf(':'));
      if ((PROVIDERS as readonly string[]).includes(provider)) calls.set(provider as Provider, (calls.get(provider as Provider) ?? 0) + 1);
    }
  };

  const visitField = (field: FieldNode) => {
    const args = new Map((field.arguments ?? []).map((arg) => [arg.name.value, valueOf(arg.value, variables)]));
    const provider = args.get('provider');
    const isProvider = typeof provider === 'string' && (PROVIDERS as readonly string[]).includes(provider);
    const customer = typeof args.get('customer') === 'string' ? (args.get('customer') as string) : null;
    switch (field.name.value) {
      case 'contact':
        if (isProvider && typeof args.get('handle') === 'string') addHandle(provider as Provider, customer, args.get('handle') as string);
        break;
      case 'contacts':
        if (isProvider) for (const handle of listOf(args.get('handles'))) if (typeof handle === 'string') addHandle(provider as Provider, customer, handle);
        break;
      case 'node':
        addId(args.get('id'));
        break;
      case 'nodes':
        for (const id of listOf(args.get('ids'))) addId(id);
        break;
    }
  };

  for (const field of rootQueryFields(document, operation)) visitField(field);

  for (const { provider, set } of handles.values()) {
    const perCall = provider === 'REALTIME_REGISTER' ? LIST_LIMIT_MAX : provider === 'OPENPROVIDER' ? OPENPROVIDER_CUSTOMER_LIST_MAX_LIMIT : 1;
    const needed = Math.ceil(set.size / perCall);
    calls.set(provider, (calls.get(provider) ?? 0) + needed);
  }
  return calls;
}

/**
 * The most upstream calls an operation's direct lookups could need, whatever its variables: one per `contact` and
 * `node` field, Infinity when it has `contacts` or `nodes` (their lists can be long). Computed once per parsed document
 * (yoga reuses the DocumentNode of a query text it has seen), so the common request, one or a few single lookups,
 * skips upstreamCallEstimate's walk over its arguments.
 */
export function upstreamCallBound(document: DocumentNode, operationName: string | null | undefined): number {
  let perOperation = bounds.get(document);
  if (!perOperation) bounds.set(document, (perOperation = new Map()));
  const name = operationName ?? '';
  let bound = perOperation.get(name);
  if (bound === undefined) perOperation.set(name, (bound = boundOf(document, operationName)));
  return bound;
}

const bounds = new WeakMap<DocumentNode, Map<string, number>>();

function boundOf(document: DocumentNode, operationName: string | null | undefined): number {
  let bound = 0;
  const operation = queryOperation(document, operationName);
  if (!operation) return 0;
  for (const field of rootQueryFields(document, operation)) {
    const name = field.name.value;
    if (name === 'contacts' || name === 'nodes') return Infinity;
    if (name === 'contact' || name === 'node') bound += 1;
  }
  return bound;
}

/** The operation to run when it is a query; null for a mutation, a subscription or none. */
function queryOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | null {
  const operation = getOperationAST(document, operationName);
  return operation?.operation === 'query' ? operation : null;
}

/**
 * The fields at the root of a query operation, through inline fragments and named ones (each named fragment once:
 * spreading it twice asks for the same lookups).
 */
function rootQueryFields(document: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const fields: FieldNode[] = [];
  const visited = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return fields;
}

/** A literal list, a variable's list, or a single value (which GraphQL coerces to a list of one). */
function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function valueOf(node: ValueNode, variables: Readonly<Record<string, unknown>> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    case Kind.LIST:
      return node.values.map((item) => valueOf(item, variables));
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    default:
      return undefined;
  }
}
