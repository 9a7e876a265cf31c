import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span, TextMapGetter, Tracer } from '@opentelemetry/api';

/**
 * The gateway's side of OpenTelemetry: the API only (@opentelemetry/api). src/observability/tracing.ts installs the
 * SDK when OTEL_* asks for it; until then every helper here returns at its first line, so tracing that is off costs
 * a boolean check and allocates nothing.
 */
/** The installed provider's tracer; null while tracing is off. Not the API's proxy, which keeps a provider once used. */
let tracer: Tracer | null = null;
let enabled = false;

/** Called by tracing.ts only: spans are recorded with this tracer from now on (null: no longer). */
export function setTracer(installed: Tracer | null): void {
  tracer = installed;
  enabled = installed !== null;
}

export function tracingEnabled(): boolean {
  return enabled;
}

/**
 * Runs `work` inside a span that ends when it settles; a thrown error marks the span as failed (the message only:
 * errors here never carry personal data, see src/domain/errors.ts). `work` receives the span to add attributes.
 */
export async function inSpan<T>(name: string, options: { kind?: SpanKind; attributes?: Attributes; parent?: Context }, work: (span: Span | null) => Promise<T>): Promise<T> {
  if (!enabled || !tracer) return work(null);
  const span = tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) }, options.parent);
  try {
    return await context.with(trace.setSpan(options.parent ?? context.active(), span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** A span to end by hand (long-lived work such as a GraphQL operation's execution); null when tracing is off. */
export function startSpan(name: string, options: { kind?: SpanKind; attributes?: Attributes }, parent: Context): Span | null {
  if (!enabled || !tracer) return null;
  return tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) }, parent);
}

/** Runs `work` with `span` active under `parent`, so spans started inside are its children and logs carry its ids. */
export function withActiveSpan<T>(span: Span, parent: Context, work: () => T): T {
  return context.with(trace.setSpan(parent, span), work);
}

type HeaderCarrier = Headers | Record<string, string | string[] | undefined>;

/** Fetch headers (yoga's may be a ponyfill, not `instanceof Headers`) or node:http's header object. */
const isFetchHeaders = (carrier: HeaderCarrier): carrier is Headers => typeof (carrier as Headers).get === 'function';

/** The one header read from a caller (see headerGetter). */
const TRACEPARENT = 'traceparent';

/**
 * Reads W3C `traceparent` from either kind of headers, and nothing else. `tracestate` (and `baggage`) is free text the
 * caller writes (`idn=49912319999`): extracted, it became the trace state of every span of the operation and was
 * exported with each. The trace id and parent span are all joining the caller's trace needs.
 */
const headerGetter: TextMapGetter<HeaderCarrier> = {
  keys: (carrier) => ((isFetchHeaders(carrier) ? carrier.has(TRACEPARENT) : carrier[TRACEPARENT] !== undefined) ? [TRACEPARENT] : []),
  get: (carrier, key) => {
    if (key.toLowerCase() !== TRACEPARENT) return undefined;
    return isFetchHeaders(carrier) ? (carrier.get(TRACEPARENT) ?? undefined) : carrier[TRACEPARENT];
  },
};

/** The caller's trace context (a `traceparent` header), so the gateway's spans join the client's trace. */
export function callerContext(headers: HeaderCarrier | undefined): Context {
  const active = context.active();
  return headers ? propagation.extract(active, headers, headerGetter) : active;
}

/** The mixin's "nothing to add" (the logger's merge strategy recognises it and adds nothing). */
export const NO_TRACE_FIELDS: Readonly<Record<string, string>> = Object.freeze({});

/** pino's mixin: the active span's ids on every log line written inside it; NO_TRACE_FIELDS otherwise. */
export function traceLogFields(): Record<string, string> {
  if (!enabled) return NO_TRACE_FIELDS;
  const span = trace.getActiveSpan();
  if (!span) return NO_TRACE_FIELDS;
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

export { SpanKind, SpanStatusCode };
export type { Span };
