import { getOperationAST } from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { GatewayContext } from '../schema/context.js';
import { toClientError } from './error-codes.js';
import { createOperationLabels } from './operation-label.js';
import { ResultStream, type ResultStreamHooks, type SubscribeHooks } from './result-stream.js';

type ExecuteHooks = Exclude<Awaited<ReturnType<NonNullable<Plugin<GatewayContext>['onExecute']>>>, void>;

/**
 * Gives every execution error its extensions.code (with the request id for unexpected ones), and counts
 * operations by outcome and errors by code. Runs on queries, mutations and every subscription event.
 */
export function useErrorCodes(metrics: GatewayMetrics): Plugin<GatewayContext> {
  const label = createOperationLabels();
  // The operation's own name (the request's operationName is often omitted), bounded for the metrics label.
  const operationName = (document: DocumentNode, requested: string | null | undefined) => label(getOperationAST(document, requested)?.name?.value);
  const mapResult = (result: ExecutionResult, context: GatewayContext, operation: string): ExecutionResult => {
    // Partial failures (data still returned) are reported once, with the first result that carries them.
    const partial = context.partialErrors?.length ? context.partialErrors.splice(0) : [];
    if (!result.errors?.length && !partial.length) {
      metrics.graphqlRequests.inc({ operation, outcome: 'ok' });
      return result;
    }
    const raw = [...(result.errors ?? []), ...partial];
    metrics.graphqlRequests.inc({ operation, outcome: 'error' });
    const errors = raw.map((error) => toClientError(error as GraphQLError, context.requestId, context.logger));
    for (const error of errors) metrics.resolverErrors.inc({ code: String(error.extensions.code ?? 'UNKNOWN') });
    return { ...result, errors };
  };
  // Made once, not per request: it reads the operation from its own payload.
  const afterExecute: ExecuteHooks = {
    onExecuteDone({ args, result, setResult }) {
      if (!isAsyncIterable(result)) setResult(mapResult(result, args.contextValue, operationName(args.document, args.operationName)));
    },
  };
  // Every event of a subscription, through one ResultStream (state: the context and the operation's name) rather than
  // envelop's onNext wrapper, which holds closures per subscriber for as long as it stays subscribed.
  const perEvent: ResultStreamHooks<{ context: GatewayContext; operation: string }> = {
    map: (result, { context, operation }) => mapResult(result, context, operation),
  };
  const subscribeHooks: SubscribeHooks<GatewayContext> = {
    onSubscribeResult({ args, result, setResult }) {
      const operation = operationName(args.document, args.operationName);
      if (!isAsyncIterable(result)) setResult(mapResult(result, args.contextValue, operation));
      else setResult(new ResultStream(result as AsyncIterable<ExecutionResult>, perEvent, { context: args.contextValue, operation }));
    },
  };
  return {
    onExecute() {
      return afterExecute;
    },
    onSubscribe: () => subscribeHooks,
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
