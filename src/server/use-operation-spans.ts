import type { IncomingMessage } from 'node:http';
import { getOperationAST } from 'graphql';
import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Span } from '../observability/tracer.js';
import { callerContext, SpanKind, SpanStatusCode, startSpan, tracingEnabled, withActiveSpan } from '../observability/tracer.js';
import { plainOperationName } from './operation-label.js';

/** What the context holds of the transport: a Fetch request (HTTP, SSE) or the WebSocket's upgrade request. */
interface TransportContext {
  request?: Request;
  req?: IncomingMessage;
  requestId?: string;
}

/**
 * One span per GraphQL operation (`query Providers`, `subscription VerificationEvents`), a child of the caller's
 * `traceparent` when it sends one, active while the operation resolves: upstream calls and Redis round trips become
 * its children, and log lines written meanwhile carry its trace id. A subscription's span covers setting it up.
 * Registered only when tracing is configured (src/server/yoga.ts); a boolean check until the tracer is installed.
 */
export function useOperationSpans(): Plugin {
  const begin = (document: DocumentNode, operationName: string | null | undefined, contextValue: unknown) => {
    const operation = getOperationAST(document, operationName);
    const type = operation?.operation ?? 'query';
    // The caller's text: a name that could carry an ID number (`query ID49912319999`) is left out of the span.
    const name = plainOperationName(operation?.name?.value);
    const transport = contextValue as TransportContext;
    const parent = callerContext(transport.request?.headers ?? transport.req?.headers);
    const span = startSpan(name ? `${type} ${name}` : type, {
      kind: SpanKind.SERVER,
      attributes: {
        'graphql.operation.type': type,
        ...(name ? { 'graphql.operation.name': name } : {}),
        ...(transport.requestId ? { 'gateway.request_id': transport.requestId } : {}),
      },
    }, parent);
    return { span: span!, parent };
  };
  const finish = (span: Span, result: unknown) => {
    const errors = (result as { errors?: readonly { extensions?: { code?: unknown } }[] } | null)?.errors;
    if (errors?.length) {
      span.setAttribute('graphql.error.codes', errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN')));
      span.setStatus({ code: SpanStatusCode.ERROR, message: `${errors.length} GraphQL error(s)` });
    }
    span.end();
  };

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (!tracingEnabled()) return;
      const { span, parent } = begin(args.document, args.operationName, args.contextValue);
      setExecuteFn((executionArgs) => withActiveSpan(span, parent, () => executeFn(executionArgs)));
      return { onExecuteDone: ({ result }) => finish(span, result) };
    },
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      if (!tracingEnabled()) return;
      const { span, parent } = begin(args.document, args.operationName, args.contextValue);
      setSubscribeFn((subscriptionArgs) => withActiveSpan(span, parent, () => subscribeFn(subscriptionArgs)));
      return {
        onSubscribeResult: ({ result }) => finish(span, Symbol.asyncIterator in (result as object) ? null : result),
        onSubscribeError: ({ error }) => {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          span.end();
        },
      };
    },
  };
}
