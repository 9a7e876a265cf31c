import { getNamedType, getNullableType, getOperationAST, isCompositeType, isListType, isObjectType, isInterfaceType, Kind } from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
import { variablesWithDefaults } from './variable-defaults.js';

/** Page size the services use when a connection field is asked without `first`. */
export const DEFAULT_PAGE_SIZE = 50;

/**
 * What a list of nodes without a size argument (a contact's verification requests and email rows) counts for. A
 * contact has a request or a row per domain at most, usually one or two; 20 keeps a dashboard of 100 contacts asking
 * for both lists (cost 4,100) under the default GRAPHQL_MAX_COST of 5,000, while each lap of the cycle contact ->
 * verificationRequests -> contact still multiplies by 20 (three laps from a page of 30 cost over 10,000).
 */
export const UNSIZED_NODE_LIST = 20;

/** Arguments whose size says how many items a field returns. */
const SIZE_ARGUMENTS = ['first', 'handles', 'ids'] as const;

/**
 * The cost of an operation, in objects it may resolve (the Shopify/GitHub style of weighting):
 *
 * - every field that returns an object (or a list of objects) costs 1 per object; scalars and enums cost nothing;
 * - a field with `handles: [...]` or `ids: [...]` returns that many objects, so it and everything under it counts
 *   once per entry; a connection with `first: n` (50 when omitted) counts its `edges` n times;
 * - a list of nodes without a size argument (a contact's verification requests and email rows) is an unpaged
 *   connection: it holds as many as the store or the provider has (a holder of many domains has a request and a row
 *   per domain), so it counts UNSIZED_NODE_LIST (20) times. Counted once, the cycle contact -> verificationRequests ->
 *   contact asked for 41^4 objects at a cost of 330;
 * - other lists (a contact's verifications, a request's submissions) are small and count once;
 * - fragments count where they are spread; introspection fields are free.
 *
 * Variables are read, defaults included, so `contacts(handles: $handles)` with 100,000 handles costs 100,000 whether
 * the list is written inline, sent as a variable or written as the variable's default. That is also why this is not a validation rule: yoga caches validation
 * per document, and the same document can cost 1 or 100,000 depending on its variables. An operation whose cost reads
 * no variable costs the same every time, so that cost is remembered with the operation (yoga's parse cache hands out
 * the same document for the same text): the walk was about 2% of a cached request's CPU.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  sentVariables: Readonly<Record<string, unknown>> | null | undefined,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const variables = variablesWithDefaults(operation, sentVariables);
  let fixed = fixedCosts.get(schema);
  if (!fixed) fixedCosts.set(schema, (fixed = new WeakMap()));
  const known = fixed.get(operation);
  if (known !== undefined) return known;
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return 0;
  const reads = { variables: false };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const fragmentCosts = new Map<string, number>();
  const visiting = new Set<string>();

  const selectionCost = (parent: GraphQLCompositeType, selectionSet: SelectionSetNode, edgesMultiplier: number): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const multiplier = selection.name.value === 'edges' || selection.name.value === 'nodes' ? edgesMultiplier : 1;
        total += multiplier * fieldCost(parent, selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += selectionCost(type, selection.selectionSet, edgesMultiplier);
      } else {
        total += fragmentCost(selection.name.value, edgesMultiplier);
      }
    }
    return total;
  };

  const fragmentCost = (name: string, edgesMultiplier: number): number => {
    const key = `${name}:${edgesMultiplier}`;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // An unknown or cyclic fragment is a validation error reported elsewhere; it costs nothing here.
    if (!fragment || visiting.has(name)) return 0;
    const type = schema.getType(fragment.typeCondition.name.value);
    if (!type || !isCompositeType(type)) return 0;
    visiting.add(name);
    const cost = selectionCost(type, fragment.selectionSet, edgesMultiplier);
    visiting.delete(name);
    fragmentCosts.set(key, cost);
    return cost;
  };

  const fieldCost = (parent: GraphQLCompositeType, node: FieldNode): number => {
    if (node.name.value.startsWith('__')) return 0;
    const field = fieldOf(parent, node.name.value);
    if (!field) return 0;
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) return 0;
    const returnsList = isListType(getNullableType(field.type));
    const size = sizeOf(field, node, variables, reads) ?? (returnsList && isNodeType(type) ? UNSIZED_NODE_LIST : null);
    const children = node.selectionSet ? selectionCost(type, node.selectionSet, returnsList ? 1 : (size ?? 1)) : 0;
    // A list sized by its arguments repeats the whole subtree; a connection repeats only its edges (above).
    return returnsList ? (size ?? 1) * (1 + children) : 1 + children;
  };

  const cost = selectionCost(root, operation.selectionSet, 1);
  if (!reads.variables) fixed.set(operation, cost);
  return cost;
}

/** Costs that read no variable, per schema and operation (both held weakly: they live as long as yoga's caches do). */
const fixedCosts = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, number>>();

/** An object type that implements Node (or Node itself): something the store or a provider holds any number of. */
function isNodeType(type: GraphQLCompositeType): boolean {
  if (type.name === 'Node') return true;
  return (isObjectType(type) || isInterfaceType(type)) && type.getInterfaces().some((implemented) => implemented.name === 'Node');
}

function fieldOf(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/** How many items the field's size argument asks for; null when it has none. */
function sizeOf(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  reads: { variables: boolean },
): number | null {
  for (const name of SIZE_ARGUMENTS) {
    if (!field.args.some((arg) => arg.name === name)) continue;
    const argument = node.arguments?.find((arg) => arg.name.value === name);
    if (argument?.value.kind === Kind.VARIABLE) reads.variables = true;
    const value = argument ? valueOf(argument.value, variables) : undefined;
    if (name === 'first') return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : DEFAULT_PAGE_SIZE;
    if (Array.isArray(value)) return value.length;
    return value === undefined || value === null ? 0 : 1; // a single value is coerced to a list of one
  }
  return null;
}

function valueOf(node: ValueNode, variables: Readonly<Record<string, unknown>> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    case Kind.INT:
      return Number(node.value);
    case Kind.LIST:
      return node.values;
    case Kind.NULL:
      return null;
    default:
      return (node as { value?: unknown }).value;
  }
}
