import type { CircuitState, Provider } from '../domain/providers.js';
import { inSpan, SpanKind, SpanStatusCode } from '../observability/tracer.js';

/** What the HTTP layer tells the span while a call runs. */
export interface UpstreamCallRecord {
  /** Retries after the first attempt. */
  retries: number;
}

/**
 * One span per upstream call (retries included), named `<PROVIDER> <operation>`, with the provider, the operation,
 * the HTTP status, the retries and the circuit breaker's state before and after. No URL, query or body: they can
 * carry handles, email addresses or credentials. (ProviderHttp skips this entirely while tracing is off.)
 */
export function traceUpstreamCall<T extends { status: number }>(
  call: { provider: Provider; operation: string; method: string; circuit: () => CircuitState },
  send: (record: UpstreamCallRecord | null) => Promise<T>,
): Promise<T> {
  return inSpan(
    `${call.provider} ${call.operation}`,
    {
      kind: SpanKind.CLIENT,
      attributes: { 'gateway.provider': call.provider, 'gateway.upstream.operation': call.operation, 'http.request.method': call.method, 'gateway.circuit.before': call.circuit() },
    },
    async (span) => {
      if (!span) return send(null);
      const record: UpstreamCallRecord = { retries: 0 };
      try {
        const response = await send(record);
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
        return response;
      } finally {
        span.setAttributes({ 'gateway.upstream.retries': record.retries, 'gateway.circuit.after': call.circuit() });
      }
    },
  );
}
