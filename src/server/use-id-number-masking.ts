import { getNamedType, GraphQLError, isInputObjectType, Kind, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLSchema, TypeNode, ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { SubscribeHooks } from './result-stream.js';
import { maskMessage } from './mask-message.js';

type AfterParse = Extract<ReturnType<NonNullable<Plugin['onParse']>>, (...args: never[]) => unknown>;
type ExecuteHooks = Exclude<Awaited<ReturnType<NonNullable<Plugin['onExecute']>>>, void>;

/** Input fields whose values are never quoted back, and input types every value of which is masked. */
const SENSITIVE_FIELDS = new Set(['idNumber']);
const SENSITIVE_INPUT_TYPES = new Set(['ValidateRegistryInput']);
/** Shorter values are left alone: they cannot be an ID number, and masking them would garble ordinary words. */
const MIN_MASKED_LENGTH = 4;
/**
 * Four digits in a row, underscores between them dropped: what a document name needs to hold before it could carry an ID
 * number (see the Name visitor). An underscore is the one way a name can write a number in groups (`f499_123_199_99`).
 */
const DIGIT_RUN = /\d{4}/;

/**
 * graphql-js quotes the offending value in validation and coercion errors ("String cannot represent a non string
 * value: 49912319999", "Variable "$i" got invalid value { idNumber: ... }", "Expected ..., found String "..."").
 * That is the caller's own input echoed back, and it may be personal data in any field (an ID number typed where a
 * handle belongs is still an ID number), so every error of a request is cleaned before it leaves, on HTTP and
 * WebSocket alike:
 * - validation errors and request errors (no path: a variable that does not coerce) lose every value the request
 *   gave, literal or variable, of any field, every key of a variable's objects that no input type names, and every
 *   name in the document (field, argument, variable, type, fragment, directive) holding four digits in a row;
 * - field errors (with a path: the resolvers' own messages, which quote nothing) still lose each value given for an
 *   `idNumber` field (an enum name or a variable's default included), or anywhere inside or in place of a
 *   ValidateRegistryInput;
 * - a syntax error (no document to read values from) loses the token text it would quote.
 * A masked value reads [redacted].
 */
export function useIdNumberMasking(): Plugin {
  // The after-hooks are made once, not per request: they read what they need from their own payload.
  const afterParse: AfterParse = ({ result, replaceParseResult }) => {
    if (result instanceof GraphQLError && result.message.startsWith('Syntax Error:')) {
      const message = withoutTokenText(result.message);
      if (message !== result.message) replaceParseResult(new GraphQLError(message, { nodes: result.nodes, source: result.source, positions: result.positions, extensions: result.extensions }));
    }
  };
  const afterExecute: ExecuteHooks = {
    onExecuteDone({ args, result, setResult }) {
      if (isAsyncIterable(result) || !result.errors?.length) return;
      setResult({ ...result, errors: maskExecutionErrors(result.errors, args.schema, args.document, args.variableValues) });
    },
  };
  return {
    onParse() {
      return afterParse;
    },
    onValidate({ params, context }) {
      return ({ result, setResult }) => {
        if (!result.length) return;
        const variables = (context as { params?: { variables?: unknown } }).params?.variables;
        setResult(maskErrors(result as readonly GraphQLError[], sensitiveValues(params.schema, params.documentAST, variables, { everyValue: true })));
      };
    },
    onExecute() {
      return afterExecute;
    },
    // One hooks object for every subscription: an idle subscriber holds nothing of this plugin's.
    onSubscribe: () => SUBSCRIBE_HOOKS,
  };
}

const SUBSCRIBE_HOOKS: SubscribeHooks = {
  onSubscribeResult({ args, result, setResult }) {
    if (isAsyncIterable(result) || !result.errors?.length) return;
    setResult({ ...result, errors: maskExecutionErrors(result.errors, args.schema, args.document, args.variableValues) } as ExecutionResult);
  },
};

/** Request errors (no path) lose every value the caller gave; field errors the sensitive ones (see useIdNumberMasking). */
function maskExecutionErrors(errors: readonly GraphQLError[], schema: GraphQLSchema, document: DocumentNode, variables: unknown): GraphQLError[] {
  // Each list is built at most once per result, and only when an error needs it.
  let every: string[] | undefined;
  let sensitive: string[] | undefined;
  return errors.map((error) => {
    const values =
      error.path === undefined
        ? (every ??= sensitiveValues(schema, document, variables, { everyValue: true }))
        : (sensitive ??= sensitiveValues(schema, document, variables));
    return maskErrors([error], values)[0]!;
  });
}

/** The errors with every sensitive value masked in their messages (the same error object when nothing changed). */
export function maskErrors(errors: readonly GraphQLError[], values: readonly string[]): GraphQLError[] {
  const lookup = new Set(values);
  return errors.map((error) => {
    const message = lookup.size ? maskMessage(error.message, lookup) : error.message;
    if (message === error.message) return error;
    return new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions: error.extensions });
  });
}

/**
 * The text forms (as typed, and as graphql-js prints them) of every value given for a sensitive field or inside a
 * sensitive input type (with `everyValue`, of every value the request gave), longest first. Walks the document and the variables without recursion, so a deeply nested
 * variable costs its size, not the stack.
 */
export function sensitiveValues(schema: GraphQLSchema, document: DocumentNode, variables: unknown, options: { everyValue?: boolean } = {}): string[] {
  const found = new Set<string>();
  const add = (text: string) => {
    if (text.length < MIN_MASKED_LENGTH) return;
    found.add(text);
    found.add(JSON.stringify(text).slice(1, -1));
  };
  const sensitiveVariables = new Set<string>();
  const addLiteral = (root: ValueNode) => {
    const stack: ValueNode[] = [root];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.kind === Kind.VARIABLE) sensitiveVariables.add(node.name.value);
      else if (node.kind === Kind.LIST) stack.push(...node.values);
      else if (node.kind === Kind.OBJECT) for (const field of node.fields) stack.push(field.value);
      else if (node.kind === Kind.STRING || node.kind === Kind.INT || node.kind === Kind.FLOAT || node.kind === Kind.ENUM) add(node.value);
    }
  };
  const typeInfo = new TypeInfo(schema);
  /** A value of any kind where a sensitive input type belongs: a string, a number or an enum name is quoted as well. */
  const inSensitiveType = (node: ValueNode) => {
    // Every leaf is visited on its own: adding each object's or list's subtree again would cost its depth per leaf.
    if (options.everyValue) {
      if (node.kind !== Kind.OBJECT && node.kind !== Kind.LIST) addLiteral(node);
      return;
    }
    const type = getNamedType(typeInfo.getInputType());
    if (type && SENSITIVE_INPUT_TYPES.has(type.name)) addLiteral(node);
  };
  const defaults = new Map<string, ValueNode>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      VariableDefinition(node) {
        if (SENSITIVE_INPUT_TYPES.has(namedTypeOf(node.type))) sensitiveVariables.add(node.variable.name.value);
        if (node.defaultValue) defaults.set(node.variable.name.value, node.defaultValue);
      },
      ObjectValue: inSensitiveType,
      ListValue: inSensitiveType,
      StringValue: inSensitiveType,
      IntValue: inSensitiveType,
      FloatValue: inSensitiveType,
      EnumValue: inSensitiveType,
      ObjectField(node) {
        if (SENSITIVE_FIELDS.has(node.name.value)) addLiteral(node.value);
      },
      // graphql-js quotes the caller's names too ("Cannot query field "f49912319999"", "Unknown argument ...",
      // "Variable "$v4991..." is not defined", "Unknown directive "@d4991...""). No name of the schema holds four
      // digits in a row, so such a name is the caller's text: masked like a value.
      Name(node) {
        if (options.everyValue && DIGIT_RUN.test(node.value.replaceAll('_', ''))) {
          add(node.value);
          add(`@${node.value}`);
        }
      },
    }),
  );
  // `$n: String = 49912319999` used as an idNumber: the default is quoted like a literal when it does not fit.
  for (const [name, value] of defaults) if (sensitiveVariables.has(name)) addLiteral(value);
  if (variables && typeof variables === 'object') {
    // [value, inside a sensitive place]
    const stack: [unknown, boolean][] = Object.entries(variables).map(([name, value]) => [value, options.everyValue === true || sensitiveVariables.has(name)]);
    while (stack.length) {
      const [value, sensitive] = stack.pop()!;
      if (Array.isArray(value)) for (const item of value) stack.push([item, sensitive]);
      else if (value && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) {
          // graphql-js quotes a key no input type has ("Field "49912319999" is not defined by type ..."): caller input too.
          if (options.everyValue && !inputFieldNames(schema).has(key)) add(key);
          stack.push([item, sensitive || SENSITIVE_FIELDS.has(key)]);
        }
      }
      else if (sensitive && (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint')) add(String(value));
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

const fieldNamesBySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/** Every field name of every input type: the keys of a variable's objects that are the schema's words, not the caller's. */
function inputFieldNames(schema: GraphQLSchema): ReadonlySet<string> {
  let names = fieldNamesBySchema.get(schema);
  if (!names) {
    const found = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) if (isInputObjectType(type)) for (const name of Object.keys(type.getFields())) found.add(name);
    fieldNamesBySchema.set(schema, (names = found));
  }
  return names;
}

/** "Expected ":", found String "49912319999"." -> "Expected ":", found String." (graphql-js quotes the token's text). */
export function withoutTokenText(message: string): string {
  for (const marker of [', found ', 'Unexpected ']) {
    const at = message.indexOf(marker);
    if (at < 0) continue;
    const start = at + marker.length;
    const quote = message.indexOf(' "', start);
    // A kind word comes first ("String", "Int", "Name"); a punctuator ("}") is its own quoted kind and is kept.
    if (quote > start) return `${message.slice(0, quote)}.`;
  }
  return message;
}

function namedTypeOf(type: TypeNode): string {
  let node = type;
  while (node.kind !== Kind.NAMED_TYPE) node = node.type;
  return node.name.value;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
