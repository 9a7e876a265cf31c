import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, getNamedType, isIntrospectionType, Lexer, parse, Source, TokenKind } from 'graphql';
import type { ASTVisitor, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.js';
import { operationCost } from './query-cost.js';
import { QUERY_LIMIT_CODES, queryLimitError } from './query-limit-error.js';
import type { QueryLimitCode } from './query-limit-error.js';

export interface QueryLimitsOptions {
  limits: Pick<QueryLimits, 'maxDepth' | 'maxCost' | 'maxAliases' | 'maxTokens'>;
  /** GRAPHQL_INTROSPECTION=false: introspection fields fail validation and "Did you mean" hints are hidden. */
  introspection: boolean;
  /** Directives per operation; not configurable (graphql-armor's default). */
  maxDirectives?: number;
}

/**
 * Bounds on what one operation may ask for, on every transport (HTTP, SSE, WebSocket), each rejection a 400 naming
 * the limit and its variable:
 * - tokens (GRAPHQL_MAX_TOKENS): graphql-js stops parsing past the limit, so a huge document costs little;
 * - depth (GRAPHQL_MAX_DEPTH), aliases (GRAPHQL_MAX_ALIASES), directives: graphql-armor validation rules
 *   (fragments flattened, so codegen fragments do not add depth);
 * - cost (GRAPHQL_MAX_COST): src/server/query-cost.ts, with the variables, before anything executes.
 */
export function useQueryLimits(options: QueryLimitsOptions): Plugin {
  const { limits } = options;
  const report = (code: QueryLimitCode, variable: string): ((context: ValidationContext | null, error: GraphQLError) => void)[] => [
    (context, error) => {
      const message = `${error.message.replace(/^Syntax Error: /, '').replace(/\.$/, '')} (${variable}).`;
      context?.reportError(queryLimitError(code, message));
    },
  ];
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, propagateOnRejection: false, onReject: report('QUERY_TOO_DEEP', 'GRAPHQL_MAX_DEPTH') },
    // Every alias counts, `__typename` ones too (graphql-armor exempts them by default): each is still work to answer.
    maxAliases: { n: limits.maxAliases, allowList: [], propagateOnRejection: false, onReject: report('TOO_MANY_ALIASES', 'GRAPHQL_MAX_ALIASES') },
    maxDirectives: { n: options.maxDirectives ?? 50, propagateOnRejection: false, onReject: report('TOO_MANY_DIRECTIVES', 'a fixed limit') },
    // Our own parse limit and cost rule take these over (clean errors; list weighting with variables).
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !options.introspection },
  });

  // Room for GRAPHQL_MAX_DEPTH selection sets plus the arguments, lists and input objects inside them.
  const nestingLimit = Math.max(64, 2 * limits.maxDepth + 16);

  const checkCost = (args: { schema: Parameters<typeof operationCost>[0]; document: Parameters<typeof operationCost>[1]; operationName?: string | null; variableValues?: Record<string, unknown> | null }) => {
    const cost = operationCost(args.schema, args.document, args.operationName, args.variableValues);
    if (cost <= limits.maxCost) return null;
    return queryLimitError('QUERY_TOO_COSTLY', `Query cost ${cost} exceeds the limit of ${limits.maxCost} (GRAPHQL_MAX_COST); ask for fewer handles, a smaller "first", or fewer nested objects.`);
  };

  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor as Plugin);
    },
    onParse({ setParseFn }) {
      setParseFn((source, parseOptions) => {
        // graphql-js parses recursively: a list literal nested a few thousand deep overflows the stack (a 500) long
        // before the token limit. One flat pass over the tokens answers both limits first.
        const shape = documentShape(source, limits.maxTokens, nestingLimit);
        if (shape === 'TOO_MANY_TOKENS') throw queryLimitError('TOO_MANY_TOKENS', `The document has more than ${limits.maxTokens} tokens (GRAPHQL_MAX_TOKENS).`);
        if (shape === 'TOO_DEEP') {
          throw queryLimitError('QUERY_TOO_DEEP', `The document nests braces, brackets or parentheses more than ${nestingLimit} deep (GRAPHQL_MAX_DEPTH).`);
        }
        try {
          return parse(source, { ...parseOptions, maxTokens: limits.maxTokens });
        } catch (error) {
          // graphql-js 16 says "Document contains more that N tokens" (sic).
          if (error instanceof GraphQLError && /contains more th\w+ \d+ tokens/.test(error.message)) {
            throw queryLimitError('TOO_MANY_TOKENS', `The document has more than ${limits.maxTokens} tokens (GRAPHQL_MAX_TOKENS).`);
          }
          throw error;
        }
      });
    },
    onResultProcess({ result }) {
      // yoga marks every parse error as a spec error, which an application/json client would get as a 200; the limits
      // are 400s on every Accept, as documented.
      for (const one of Array.isArray(result) ? result : [result]) {
        for (const error of (one as { errors?: readonly GraphQLError[] }).errors ?? []) {
          const http = error.extensions?.http as { spec?: boolean } | undefined;
          if (http && QUERY_LIMIT_CODES.has(String(error.extensions.code))) http.spec = false;
        }
      }
    },
    onValidate({ addValidationRule }) {
      if (!options.introspection) addValidationRule(NoIntrospection);
      return ({ result, setResult }) => {
        if (result.some((error) => error.message === VALIDATION_ABORTED)) setResult(result.map((error) => (error.message === VALIDATION_ABORTED ? repeatedFieldsError() : error)));
      };
    },
    onExecute({ args, setResultAndStopExecution }) {
      const error = checkCost(args as never);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = checkCost(args as never);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

/**
 * graphql-js (16.15) stops checking that fields of one response name merge once the pairs to compare pass a budget,
 * and reports only "Validation aborted.": a document under every gateway limit (800 `__typename`s, or a fragment
 * spread many times) meets it, and the caller learns nothing from those two words.
 */
const VALIDATION_ABORTED = 'Validation aborted.';
const repeatedFieldsError = () =>
  new GraphQLError(
    'Validation stopped: the document repeats fields (or fragment spreads) so often that checking they merge passed graphql-js\'s budget. Select each field once per selection set, or split the operation.',
  );

/** graphql-js's NoSchemaIntrospectionCustomRule, answering 400 with a code rather than a plain validation error. */
function NoIntrospection(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const type = getNamedType(context.getType());
      if (type && isIntrospectionType(type)) {
        context.reportError(queryLimitError('INTROSPECTION_DISABLED', `Introspection is disabled on this gateway (GRAPHQL_INTROSPECTION=false); "${node.name.value}" cannot be queried.`));
      }
    },
  };
}

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Tokens and nesting of a document in one pass of graphql-js's own lexer (strings and comments read as the parser
 * reads them), stopping at the token limit: linear, no recursion. A lexing error is left for the parser to report.
 */
export function documentShape(source: string | Source, maxTokens: number, maxNesting: number): 'OK' | 'TOO_MANY_TOKENS' | 'TOO_DEEP' {
  const lexer = new Lexer(typeof source === 'string' ? new Source(source) : source);
  let tokens = 0;
  let depth = 0;
  let deepest = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > maxTokens) return 'TOO_MANY_TOKENS';
      if (OPENING.has(token.kind)) deepest = Math.max(deepest, ++depth);
      else if (CLOSING.has(token.kind)) depth--;
    }
  } catch {
    // A syntax error: the parser reports it with its location.
  }
  return deepest > maxNesting ? 'TOO_DEEP' : 'OK';
}
