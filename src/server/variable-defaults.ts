import { valueFromASTUntyped } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';

/**
 * The variables an operation runs with: those the request sent, and the default of each one it left out
 * (`query Q($n: Int = 1000)`), as graphql-js coerces them. The limits that read variables before execution (cost,
 * upstream calls) read these: with the request's variables alone, `first: $n` with a default of 1000 was costed at the
 * page size of 50 and a default list of handles as empty, so a query over GRAPHQL_MAX_COST ran when its numbers were
 * written as defaults instead of literals. A variable the request sent, null included, is kept as sent.
 */
export function variablesWithDefaults(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): Readonly<Record<string, unknown>> | null | undefined {
  const defaults = defaultsOf(operation);
  if (defaults.size === 0) return variables;
  // No prototype: a variable may be named `__proto__`, which must stay a plain entry.
  const merged: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, variables);
  for (const [name, value] of defaults) if (!Object.hasOwn(merged, name)) merged[name] = value;
  return merged;
}

/** Each operation's defaults, read once (yoga hands out the same document for the same query text). */
const defaultsByOperation = new WeakMap<OperationDefinitionNode, Map<string, unknown>>();

function defaultsOf(operation: OperationDefinitionNode): Map<string, unknown> {
  let defaults = defaultsByOperation.get(operation);
  if (!defaults) {
    defaults = new Map();
    for (const definition of operation.variableDefinitions ?? []) {
      if (definition.defaultValue) defaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
    }
    defaultsByOperation.set(operation, defaults);
  }
  return defaults;
}
